"""Atomic counters over a time window: the ground under the lockout and the rate limits.

`hit()` counts one event and returns the new count in a single statement (an upsert
with `RETURNING`), so twenty parallel requests read twenty different counts and at most
the limit of them are let through. Counting first and deciding on the count is what
makes a limit hold: a `COUNT` followed by an `INSERT` let every parallel request pass.

A window starts at the first event after the previous one ran out, and starts again at
the event that reaches the limit, so whoever reaches it waits a whole window from then.
"""

import datetime
from dataclasses import dataclass

from django.db import connection
from django.db.models import F
from django.utils import timezone
from django.utils.dateparse import parse_datetime

from counseling.accounts.models import AttemptCounter


@dataclass(frozen=True)
class Hit:
    """The count after one event, the limit it is held to, and when the window ends."""

    count: int
    limit: int
    retry_at: datetime.datetime

    @property
    def allowed(self) -> bool:
        return self.count <= self.limit


def _upsert_sql() -> str:
    quote = connection.ops.quote_name
    table = quote(AttemptCounter._meta.db_table)
    key, count, started = quote("key"), quote("count"), quote("window_started_at")
    # In SET every expression reads the row as it was, on PostgreSQL and SQLite alike.
    return (
        f"INSERT INTO {table} ({key}, {count}, {started}) VALUES (%s, 1, %s) "  # noqa: S608
        f"ON CONFLICT ({key}) DO UPDATE SET "
        f"{count} = CASE WHEN {table}.{started} <= %s THEN 1 ELSE {table}.{count} + 1 END, "
        f"{started} = CASE WHEN {table}.{started} <= %s THEN EXCLUDED.{started} "
        f"WHEN {table}.{count} + 1 = %s THEN EXCLUDED.{started} ELSE {table}.{started} END "
        f"RETURNING {count}, {started}"
    )


def _aware(value) -> datetime.datetime:
    if isinstance(value, str):  # SQLite hands back the stored text
        value = parse_datetime(value)
    if timezone.is_naive(value):
        value = value.replace(tzinfo=datetime.UTC)
    return value


def hit(key: str, *, limit: int, window: datetime.timedelta) -> Hit:
    """Count one event under `key` and return the count, atomically.

    Run it outside the transaction of the action it guards (in autocommit), so that a
    rolled-back action still counts, and so that the row is locked for one statement
    only.
    """
    now = timezone.now()
    adapt = connection.ops.adapt_datetimefield_value
    ran_out = adapt(now - window)
    with connection.cursor() as cursor:
        cursor.execute(_upsert_sql(), [key, adapt(now), ran_out, ran_out, limit])
        count, started = cursor.fetchone()
    return Hit(count=count, limit=limit, retry_at=_aware(started) + window)


def release(key: str) -> None:
    """Give one event back: the action it was counted for did not happen after all."""
    AttemptCounter.objects.filter(key=key, count__gt=0).update(count=F("count") - 1)


def clear(key: str) -> None:
    AttemptCounter.objects.filter(key=key).delete()


def clear_prefix(prefix: str) -> int:
    """Forget every counter whose key starts with `prefix`; how many there were."""
    deleted, _ = AttemptCounter.objects.filter(key__startswith=prefix).delete()
    return deleted


def purge(older_than: datetime.timedelta) -> int:
    """Delete counters whose window started longer ago than `older_than`."""
    cutoff = timezone.now() - older_than
    deleted, _ = AttemptCounter.objects.filter(window_started_at__lt=cutoff).delete()
    return deleted

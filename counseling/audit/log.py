"""The one entry point to the access log: `record()`.

Every view of confidential content, every change, every denial, every login and every
export goes through here. Appends are serialised so that concurrent writers still build
one chain: on PostgreSQL with a transaction-scoped advisory lock, on SQLite with the
write lock that Amanah's immediate transactions take at BEGIN.
"""

import datetime
import logging

from django.conf import settings
from django.db import connection, transaction
from django.utils import timezone

from counseling.audit import chain, context, keys
from counseling.audit.models import AccessEvent

logger = logging.getLogger("amanah.audit")

Action = AccessEvent.Action
Purpose = AccessEvent.Purpose

# An arbitrary constant naming the access log's lock among PostgreSQL advisory locks.
_ADVISORY_LOCK_KEY = 0x616D616E6168


def _lock_chain():
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [_ADVISORY_LOCK_KEY])


def _head():
    """(id, hash, time, key version) of the last entry, or None.

    Every confidential page reads it, so in plain SQL: building the ORM query cost more
    than the index lookup it asks for.
    """
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT id, hash, occurred_at, key_version FROM audit_accessevent "
            "ORDER BY id DESC LIMIT 1"
        )
        row = cursor.fetchone()
    if row is None:
        return None
    id_, hash_, occurred_at, key_version = row
    if timezone.is_naive(occurred_at):  # SQLite hands back UTC without the offset
        occurred_at = occurred_at.replace(tzinfo=datetime.UTC)
    return id_, hash_, occurred_at, key_version


def is_after_hours(moment: datetime.datetime) -> bool:
    local = timezone.localtime(moment)
    start, end = settings.AMANAH_SCHOOL_HOURS
    return local.weekday() >= 5 or not (start <= local.hour < end)


def _storable(text: str) -> str:
    # A denied URL or a user agent is whatever the client sent; PostgreSQL refuses a NUL
    # in a text column, and a refused denial would turn a 404 into a server error.
    return text.replace("\x00", "")


def object_ref(obj) -> tuple[str, str]:
    """(type, id) of a model instance: its public UUID when it has one, else its pk."""
    if obj is None:
        return "", ""
    return obj._meta.label_lower, str(getattr(obj, "public_id", None) or obj.pk)


def record(
    action: str,
    *,
    actor=None,
    obj=None,
    counselee=None,
    purpose: str = "",
    emergency_access=None,
    object_type: str = "",
    object_id: str = "",
) -> AccessEvent:
    """Append one event to the access log and return it.

    Call it inside the transaction of the change it records, so that both commit or
    neither does. `obj` names the object touched (or pass `object_type`/`object_id`);
    `counselee` the student concerned. Never pass content: the event holds ids only.
    """
    if obj is not None:
        object_type, object_id = object_ref(obj)
    request = context.current()
    actor_role = getattr(actor, "role", "") if actor is not None else ""
    if actor is not None and not getattr(actor, "is_authenticated", False):
        actor = None
    ring = keys.keyring()
    key_version, key = ring.newest
    with transaction.atomic():
        _lock_chain()
        last = _head()
        last_id, prev_hash, last_time, last_version = last or (0, chain.GENESIS, None, "")
        if not ring.knows(last_version):
            # The start-up check (amanah.E050) stops a process with such a key; one that
            # got past it must not chain entries nobody could verify together.
            raise keys.WrongAuditKey(
                f"Refusing to append to the access log: entry #{last_id} "
                f"{chain.unknown_key(last_version)}."
            )
        # Never earlier than the entry before, even if the clock steps back: the log's
        # order by id is then its order in time, which the date filters rely on.
        now = max(timezone.now(), last_time) if last_time else timezone.now()
        event = AccessEvent(
            id=last_id + 1,
            occurred_at=now,
            actor=actor,
            actor_role=actor_role,
            action=action,
            object_type=object_type,
            object_id=_storable(str(object_id))[:64],
            counselee=counselee,
            purpose=purpose,
            emergency_access=emergency_access,
            after_hours=is_after_hours(now),
            ip_address=request.ip_address,
            user_agent=_storable(request.user_agent),
            request_id=request.request_id,
            key_version=key_version,
            prev_hash=prev_hash,
        )
        event.hash = chain.entry_hash(chained_values(event), prev_hash, key)
        _insert(event)
    return event


def _insert(event: AccessEvent) -> None:
    """INSERT the entry. `save()` would compile the same statement anew on every page; the
    values are still prepared by each field, as the ORM prepares them."""
    fields = AccessEvent._meta.concrete_fields
    columns = ", ".join(connection.ops.quote_name(field.column) for field in fields)
    placeholders = ", ".join(["%s"] * len(fields))
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {AccessEvent._meta.db_table} ({columns}) VALUES ({placeholders})",  # noqa: S608
            [field.get_db_prep_save(getattr(event, field.attname), connection) for field in fields],
        )
    event._state.adding = False
    event._state.db = connection.alias


def chained_values(event: AccessEvent) -> tuple:
    return tuple(getattr(event, name) for name in chain.CHAINED_FIELDS)

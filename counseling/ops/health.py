"""Is Amanah well? One report for `/healthz` and `manage.py check_health`.

The report says whether each part works and how fresh its signs of life are, and never
anything about the people in it: no names, no counts of students, no entry counts of the
access log. The outbox backlog is a number of messages waiting, not of students.
"""

import datetime

import redis
from django.conf import settings
from django.db import DatabaseError, connection
from django.db.models import Count, Min
from django.utils import timezone

from counseling.ops import heartbeat
from counseling.ops.models import ChainVerification


def outbox_backlog(now: datetime.datetime) -> tuple[int, datetime.datetime | None]:
    """(notices whose e-mail is due and not yet sent, since when the oldest is due).

    Pending means the e-mail is neither sent nor given up, and due (a notice waiting out
    a back-off after a failed attempt counts: it is late).
    """
    from counseling.notices.models import Notice

    pending = Notice.objects.filter(
        email_status=Notice.EmailStatus.PENDING, send_after__lte=now
    ).aggregate(count=Count("pk"), oldest=Min("send_after"))
    return pending["count"], pending["oldest"]


def record_verification(head, broken, *, intact: bool | None = None) -> ChainVerification:
    """Remember one walk of the access log's chain (`counseling.audit.verification`).

    `intact` defaults to "no broken entry"; a caller that also compared the head with one
    written down earlier passes the outcome of both.
    """
    return ChainVerification.objects.create(
        intact=broken is None if intact is None else intact,
        last_id=head.last_id,
        last_hash=head.last_hash,
        broken_id=None if broken is None else broken.id,
    )


def _seconds(delta: datetime.timedelta | float | None):
    if delta is None:
        return None
    seconds = delta.total_seconds() if isinstance(delta, datetime.timedelta) else delta
    return round(seconds, 1)


def _database() -> dict:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
    except DatabaseError as error:
        return {"ok": False, "error": type(error).__name__}
    return {"ok": True}


def _redis() -> dict:
    if not heartbeat.in_use():
        return {"ok": True, "in_use": False}
    try:
        heartbeat.client().ping()
    except redis.RedisError as error:
        return {"ok": False, "error": type(error).__name__}
    return {"ok": True}


def _heartbeat(role: str) -> dict:
    if not heartbeat.in_use():
        # Tasks run inside the web process; there is no worker or beat to be alive.
        return {"ok": True, "in_use": False}
    try:
        ages = heartbeat.ages(role)
    except redis.RedisError as error:
        return {"ok": False, "last_seen_seconds": None, "error": type(error).__name__}
    fresh = [age for age in ages if age <= heartbeat.max_age()]
    result = {"ok": bool(fresh), "last_seen_seconds": _seconds(ages[0]) if ages else None}
    if role == "worker":
        result["running"] = len(fresh)
    return result


def _outbox(now) -> dict:
    try:
        pending, oldest = outbox_backlog(now)
    except DatabaseError as error:
        return {"ok": False, "error": type(error).__name__}
    age = now - oldest if oldest else None
    return {
        "ok": age is None or age <= settings.AMANAH_HEALTH_OUTBOX_MAX_AGE,
        "pending": pending,
        "oldest_seconds": _seconds(age),
    }


def _audit_chain(now) -> dict:
    try:
        last = ChainVerification.objects.order_by("-verified_at", "-pk").first()
    except DatabaseError as error:
        return {"ok": False, "error": type(error).__name__}
    if last is None:
        return {"ok": False, "verified_at": None, "intact": None, "error": "never verified"}
    recent = now - last.verified_at <= settings.AMANAH_HEALTH_CHAIN_MAX_AGE
    return {
        "ok": last.intact and recent,
        "verified_at": last.verified_at.astimezone(datetime.UTC).isoformat(timespec="seconds"),
        "intact": last.intact,
        "hours_ago": round((now - last.verified_at).total_seconds() / 3600, 1),
    }


def report() -> dict:
    """Every check, each with `ok`; the whole is ok only when every part is."""
    now = timezone.now()
    checks = {
        "database": _database(),
        "redis": _redis(),
        "worker": _heartbeat("worker"),
        "beat": _heartbeat("beat"),
        "outbox": _outbox(now),
        "audit_chain": _audit_chain(now),
    }
    return {
        "ok": all(check["ok"] for check in checks.values()),
        "checked_at": now.astimezone(datetime.UTC).isoformat(timespec="seconds"),
        "checks": checks,
    }

"""Background work on the access log. Tasks take ids and are safe to run twice."""

import logging

from celery import shared_task

from counseling import notifications
from counseling.audit.models import EmergencyAccess
from counseling.audit.verification import verify
from counseling.ops import health

logger = logging.getLogger("amanah.audit")


@shared_task
def verify_audit_chain():
    """Nightly: verify the chain, write its head to the application log, alert on a break.

    The logged head is the outside copy that makes rows cut off the end detectable
    (`verify_audit --expect-head ID:HASH`).
    """
    head, broken = verify()
    health.record_verification(head, broken)
    logger.info(
        "audit chain head: count=%s last_id=%s last_hash=%s",
        head.count,
        head.last_id,
        head.last_hash,
    )
    if broken is not None:
        logger.error("audit chain broken at entry #%s: %s", broken.id, broken.reason)
        notifications.send(
            "audit_chain_broken",
            notifications.admin_addresses(),
            {"entry_id": broken.id, "occurred_at": broken.occurred_at, "reason": broken.reason},
        )
    return broken is None


def _alert_emergency_access(access):
    notifications.send("emergency_access", notifications.admin_addresses(), {"access": access})


@shared_task
def alert_admins_of_emergency_access(access_id: int) -> bool:
    return notifications.send_once(
        EmergencyAccess.objects.select_related("counselor"),
        access_id,
        "admins_alerted_at",
        _alert_emergency_access,
    )


@shared_task
def send_unsent_alerts() -> int:
    """Every few minutes: alerts the broker missed (it was down when access was granted)."""
    pending = EmergencyAccess.objects.filter(admins_alerted_at__isnull=True)
    return sum(alert_admins_of_emergency_access(pk) for pk in pending.values_list("pk", flat=True))

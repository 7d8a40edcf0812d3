"""Background work on the access log. Tasks take ids and are safe to run twice."""

import logging

from celery import shared_task
from django.utils import timezone

from counseling import notices
from counseling.audit.verification import verify
from counseling.notices.models import Notice

logger = logging.getLogger("amanah.audit")


@shared_task
def verify_audit_chain():
    """Nightly: verify the chain, write its head to the application log, alert on a break.

    The logged head is the outside copy that makes rows cut off the end detectable
    (`verify_audit --expect-head ID:HASH`). A break alerts each admin once a day.
    """
    head, broken = verify()
    logger.info(
        "audit chain head: count=%s last_id=%s last_hash=%s",
        head.count,
        head.last_id,
        head.last_hash,
    )
    if broken is not None:
        logger.error("audit chain broken at entry #%s: %s", broken.id, broken.reason)
        notices.notify_all(
            notices.admins(),
            Notice.Kind.AUDIT_CHAIN_BROKEN,
            about=broken.id,
            dedupe_key=f"audit-chain-broken:{timezone.localdate().isoformat()}:{broken.id}",
        )
    return broken is None

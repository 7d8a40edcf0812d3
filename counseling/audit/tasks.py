"""Background work on the access log. Tasks take ids and are safe to run twice."""

import logging

from celery import shared_task
from django.utils import timezone

from counseling import notices
from counseling.audit import checkpoints
from counseling.audit.verification import verify
from counseling.notices.models import Notice
from counseling.ops import health

logger = logging.getLogger("amanah.audit")


@shared_task
def verify_audit_chain():
    """Nightly: verify the chain, then anchor its head outside the log; alert on a break.

    An intact chain's head becomes a signed checkpoint, in a table the app's database role
    can only append to, and is mailed to the admins: the copies that make entries cut off
    the end detectable (`verify_audit` compares the chain with every checkpoint). The
    head is written to the application log too. A break alerts each admin once a day.
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
        notices.notify_all(
            notices.admins(),
            Notice.Kind.AUDIT_CHAIN_BROKEN,
            about=broken.id,
            dedupe_key=f"audit-chain-broken:{timezone.localdate().isoformat()}:{broken.id}",
        )
        return False
    checkpoint = checkpoints.write(head)
    notices.notify_all(
        notices.admins(),
        Notice.Kind.AUDIT_CHECKPOINT,
        about=checkpoint.pk,
        dedupe_key=f"audit-checkpoint:{checkpoint.pk}",
    )
    return True

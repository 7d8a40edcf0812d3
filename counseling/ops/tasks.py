import logging

from celery import shared_task

from counseling.ops import housekeeping

logger = logging.getLogger("amanah.ops")


@shared_task
def housekeeping_nightly() -> dict:
    """Every night: remove expired sessions and notices read and done with."""
    removed = {
        "sessions": housekeeping.clear_expired_sessions(),
        "outbox_messages": housekeeping.delete_delivered_outbox(),
    }
    logger.info(
        "housekeeping removed %(sessions)s expired sessions and %(outbox_messages)s "
        "notices read and done with",
        removed,
    )
    return removed

import logging

from celery import shared_task

from counseling.ops import housekeeping

logger = logging.getLogger("amanah.ops")


@shared_task
def housekeeping_nightly() -> dict:
    """Every night: remove expired sessions, old login failures and delivered messages."""
    removed = {
        "sessions": housekeeping.clear_expired_sessions(),
        "login_failures": housekeeping.delete_old_login_failures(),
        "outbox_messages": housekeeping.delete_delivered_outbox(),
    }
    logger.info(
        "housekeeping removed %(sessions)s expired sessions, %(login_failures)s old login "
        "failures, %(outbox_messages)s delivered outbox messages",
        removed,
    )
    return removed

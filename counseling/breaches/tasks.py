from celery import shared_task

from counseling.breaches import reminders


@shared_task
def remind_breach_notices() -> dict[str, int]:
    """Every five minutes: remind the DPO and the admins of open breaches' clocks.
    Safe to run twice: each reminder has its dedupe key."""
    return {"reminded": reminders.remind()}

from celery import shared_task

from counseling.retention import erasure, reminders


@shared_task
def erase_due_counselees() -> dict[str, int]:
    """Nightly: tell those due soon, then erase every counselee whose date has come.
    Safe to run twice: notices are deduplicated, an erased counselee is not due."""
    told = reminders.notify_due_soon()
    outcome = erasure.erase_due()
    return {"told": told, "erased": len(outcome.erased), "failed": len(outcome.failed)}

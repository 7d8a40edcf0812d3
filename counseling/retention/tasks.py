from celery import shared_task

from counseling.retention import erasure, reminders


@shared_task
def erase_due_counselees() -> dict[str, int]:
    """Nightly: tell those due soon and the admins of holds to review, then erase every
    counselee whose date has come.
    Safe to run twice: notices are deduplicated, an erased counselee is not due."""
    told = reminders.notify_due_soon()
    reviews = reminders.remind_hold_reviews()
    outcome = erasure.erase_due()
    return {
        "told": told,
        "reviews": reviews,
        "erased": len(outcome.erased),
        "failed": len(outcome.failed),
    }

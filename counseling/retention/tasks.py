from celery import shared_task

from counseling.retention import erasure


@shared_task
def erase_due_counselees() -> dict[str, int]:
    """Nightly: erase every counselee whose retention date has come. Safe to run twice."""
    outcome = erasure.erase_due()
    return {"erased": len(outcome.erased), "failed": len(outcome.failed)}

"""Delivering notices by e-mail. Tasks take ids and are safe to run twice.

`deliver_notice` runs on its own queue, `email` (CELERY_TASK_ROUTES), served by its own
worker: a mail server that hangs then holds only those processes, never the alerts'
writing, the re-queue or the nightly audit check on the default queue.
"""

from celery import shared_task

from counseling.notices import delivery, publishing


@shared_task(
    # Acknowledged when done, and given back if the process running it dies: a killed
    # worker leaves nothing unacknowledged behind. The claim makes a second run harmless.
    acks_late=True,
    reject_on_worker_lost=True,
    soft_time_limit=delivery.SOFT_TIME_LIMIT,
    time_limit=delivery.TIME_LIMIT,
)
def deliver_notice(notice_id: int) -> bool:
    """Send one notice's e-mail if it is still due and unclaimed. True if sent."""
    return delivery.deliver(notice_id)


@shared_task
def requeue_due_notices() -> int:
    """Every 15 s (beat): publish what is due and waiting. Returns how many."""
    return publishing.requeue()

"""Delivering notices by e-mail. Tasks take ids and are safe to run twice.

`deliver_notice` (defined in `delivery`, beside what it runs, so that publishing can name
it without importing this module) runs on its own queue, `email` (CELERY_TASK_ROUTES),
served by its own worker: a mail server that hangs then holds only those processes, never
the alerts' writing, the re-queue or the nightly audit check on the default queue.
"""

from celery import shared_task

from counseling.notices import publishing
from counseling.notices.delivery import deliver_notice

__all__ = ["deliver_notice", "requeue_due_notices"]


@shared_task
def requeue_due_notices() -> int:
    """Every 15 s (beat): publish what is due and waiting. Returns how many."""
    return publishing.requeue()

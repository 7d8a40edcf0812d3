from celery import shared_task

from counseling.rights import clock


@shared_task
def remind_data_requests_due() -> int:
    """Every quarter of an hour: remind the handlers of requests near or past their
    deadline. Safe to run twice: the reminders are deduplicated."""
    return clock.remind()

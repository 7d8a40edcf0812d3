"""Beat tasks of the guardians app; they take no arguments and are safe to run twice."""

from celery import shared_task

from counseling.guardians import mail, services


@shared_task(
    soft_time_limit=mail.notice_delivery.SOFT_TIME_LIMIT * mail.BATCH,
    time_limit=mail.notice_delivery.TIME_LIMIT * mail.BATCH,
)
def send_guardian_mail() -> int:
    """Every 15 s: send the guardians' link e-mails that are due (the `email` queue)."""
    return mail.deliver_due()


@shared_task
def remind_exemption_reviews() -> int:
    """Daily: tell who must review an exemption whose 30 days are up."""
    return services.remind_reviews()

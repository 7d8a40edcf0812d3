"""Messages about consent and disclosures. Ids in, no content out."""

import datetime

from celery import shared_task
from django.utils import timezone

from consent.models import Disclosure
from counseling import notices
from counseling.notices.models import Notice

REMIND_AFTER = datetime.timedelta(days=7)


def reminder_key(disclosure) -> str:
    return f"disclosure-reminder:{disclosure.public_id}"


@shared_task
def remind_counselors_to_inform_students() -> int:
    """Daily: a disclosure the student has not been told of for 7 days gets one reminder.

    The dedupe key makes it one, however often this runs. Returns how many were written.
    """
    due = Disclosure.objects.filter(
        student_informed=False, disclosed_at__lte=timezone.now() - REMIND_AFTER
    ).select_related("counselor")
    written = 0
    for disclosure in due.only("public_id", "counselor"):
        written += bool(
            notices.notify(
                disclosure.counselor,
                Notice.Kind.DISCLOSURE_REMINDER,
                about=disclosure,
                dedupe_key=reminder_key(disclosure),
            )
        )
    return written

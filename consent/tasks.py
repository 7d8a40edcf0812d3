"""Messages about consent and disclosures. Ids in, no content out."""

import datetime

from celery import shared_task
from django.db import transaction
from django.utils import timezone

from consent.models import Disclosure
from counseling import notifications
from counseling.records.models import CaseAssignment

REMIND_AFTER = datetime.timedelta(days=7)


@shared_task
def tell_counselor_case_ended(assignment_id: int):
    assignment = CaseAssignment.objects.select_related("counselor").get(pk=assignment_id)
    if assignment.counselor.email:
        notifications.send("case_ended", [assignment.counselor.email], {"assignment": assignment})


@shared_task
def alert_admins_of_disclosure(disclosure_id: int):
    disclosure = Disclosure.objects.select_related("counselor").get(pk=disclosure_id)
    notifications.send("disclosure", notifications.admin_addresses(), {"disclosure": disclosure})


@shared_task
def remind_counselors_to_inform_students():
    """Daily: a disclosure the student has not been told of for 7 days gets one reminder."""
    due = Disclosure.objects.filter(
        student_informed=False,
        reminder_sent_at__isnull=True,
        disclosed_at__lte=timezone.now() - REMIND_AFTER,
    ).select_related("counselor")
    for disclosure in due:
        with transaction.atomic():
            # The conditional update makes a second run (or a redelivery) send nothing.
            claimed = Disclosure.objects.filter(
                pk=disclosure.pk, reminder_sent_at__isnull=True
            ).update(reminder_sent_at=timezone.now())
            if claimed and disclosure.counselor.email:
                notifications.send(
                    "disclosure_reminder", [disclosure.counselor.email], {"disclosure": disclosure}
                )

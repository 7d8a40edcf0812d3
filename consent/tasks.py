"""Messages about consent and disclosures. Ids in, no content out."""

import datetime

from celery import shared_task
from django.db import transaction
from django.utils import timezone

from consent.models import Disclosure
from counseling import notifications
from counseling.records.models import CaseAssignment

REMIND_AFTER = datetime.timedelta(days=7)


def _tell_case_ended(assignment):
    if assignment.counselor.email:
        notifications.send("case_ended", [assignment.counselor.email], {"assignment": assignment})


def _alert_disclosure(disclosure):
    notifications.send("disclosure", notifications.admin_addresses(), {"disclosure": disclosure})


@shared_task
def tell_counselor_case_ended(assignment_id: int) -> bool:
    return notifications.send_once(
        CaseAssignment.objects.select_related("counselor"),
        assignment_id,
        "counselor_told_at",
        _tell_case_ended,
    )


@shared_task
def alert_admins_of_disclosure(disclosure_id: int) -> bool:
    return notifications.send_once(
        Disclosure.objects.select_related("counselor"),
        disclosure_id,
        "admins_alerted_at",
        _alert_disclosure,
    )


@shared_task
def send_unsent_alerts() -> int:
    """Every few minutes: what the broker missed (it was down when the change committed)."""
    sent = 0
    for pk in Disclosure.objects.filter(admins_alerted_at__isnull=True).values_list(
        "pk", flat=True
    ):
        sent += alert_admins_of_disclosure(pk)
    ended = CaseAssignment.objects.filter(
        end_reason=CaseAssignment.EndReason.STUDENT_ENDED, counselor_told_at__isnull=True
    )
    for pk in ended.values_list("pk", flat=True):
        sent += tell_counselor_case_ended(pk)
    return sent


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

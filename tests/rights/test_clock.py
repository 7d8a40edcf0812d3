"""The 3 x 24-hour clock: handlers are reminded before the deadline and after it."""

import datetime

from django.utils import timezone

from counseling.notices.models import Notice
from counseling.rights import clock, services, tasks
from counseling.rights.models import DataRequest


def due_reminders(user):
    return Notice.objects.filter(recipient=user, kind=Notice.Kind.DATA_REQUEST_DUE)


def test_no_reminder_while_the_deadline_is_far(siti, dpo):
    services.make_request(siti.counselee, by=siti, kind=DataRequest.Kind.RESTRICTION)
    assert clock.remind() == 0


def test_a_reminder_once_within_a_day_of_the_deadline(siti, dpo):
    data_request = services.make_request(siti.counselee, by=siti, kind=DataRequest.Kind.RESTRICTION)
    later = data_request.due_at - datetime.timedelta(hours=12)
    assert clock.remind(later) == 1
    assert clock.remind(later + datetime.timedelta(hours=1)) == 0
    assert due_reminders(dpo).get().about == str(data_request.public_id)


def test_an_overdue_request_reminds_once_a_day_until_closed(siti, dpo):
    data_request = services.make_request(siti.counselee, by=siti, kind=DataRequest.Kind.RESTRICTION)
    overdue = data_request.due_at + datetime.timedelta(hours=1)
    clock.remind(overdue)
    clock.remind(overdue + datetime.timedelta(minutes=15))
    clock.remind(overdue + datetime.timedelta(days=1))
    assert due_reminders(dpo).count() == 2  # one for each day it is overdue
    services.withdraw(data_request, by=siti)
    assert clock.remind(overdue + datetime.timedelta(days=2)) == 0


def test_the_beat_task_runs_the_clock(siti, dpo, settings):
    data_request = services.make_request(siti.counselee, by=siti, kind=DataRequest.Kind.COPY)
    DataRequest.objects.filter(pk=data_request.pk).update(
        due_at=timezone.now() - datetime.timedelta(minutes=1)
    )
    entry = settings.CELERY_BEAT_SCHEDULE["data-request-clock"]
    assert entry["task"] == "counseling.rights.tasks.remind_data_requests_due"
    # The DPO and Siti's counselor, who reviews her copy.
    assert tasks.remind_data_requests_due.delay().get() == 2

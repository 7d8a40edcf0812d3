"""Escalation on beat: a request nobody took within N minutes of school hours reaches the
coordinator and the admins, without content; after hours the student is told at once.

The beat task runs in an in-process Celery worker on a Redis of this module's own.
"""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from counseling.crisis import services, tasks
from counseling.crisis.models import CrisisRequest
from counseling.notices.models import Notice
from tests.crisis.conftest import CRISIS_TEXT
from tests.ops.celery_support import celery_app, own_redis  # noqa: F401

pytestmark = pytest.mark.django_db(transaction=True)

Kind = Notice.Kind


@pytest.fixture
def celery_includes():
    return ("counseling.crisis.tasks", "counseling.notices.tasks")


def waited(crisis, minutes):
    CrisisRequest.objects.filter(pk=crisis.pk).update(
        created_at=timezone.now() - datetime.timedelta(minutes=minutes)
    )


def escalated_to():
    return set(
        Notice.objects.filter(kind=Kind.CRISIS_ESCALATED).values_list(
            "recipient__username", flat=True
        )
    )


def test_a_request_unclaimed_after_n_minutes_is_escalated_once_on_beat(
    celery_worker, settings, siti, coordinator, pak_budi, admin
):
    settings.AMANAH_CRISIS_ESCALATION_MINUTES = 10
    crisis = services.ask_for_help(siti, text=CRISIS_TEXT)
    waited(crisis, 9)
    assert tasks.crisis_tick.delay().get(timeout=20)["escalated"] == 0
    assert not escalated_to()
    waited(crisis, 11)
    assert tasks.crisis_tick.delay().get(timeout=20)["escalated"] == 1
    assert escalated_to() == {"bu_rina", "agus"}
    assert tasks.crisis_tick.delay().get(timeout=20)["escalated"] == 0
    notice = Notice.objects.get(kind=Kind.CRISIS_ESCALATED, recipient=admin)
    assert notice.about == str(crisis.public_id)
    assert CRISIS_TEXT not in str(Notice.objects.filter(kind=Kind.CRISIS_ESCALATED).values())


def test_a_taken_request_is_never_escalated(celery_worker, siti, coordinator, pak_budi):
    crisis = services.ask_for_help(siti)
    services.take(crisis, by=pak_budi)
    waited(crisis, 60)
    assert tasks.crisis_tick.delay().get(timeout=20)["escalated"] == 0


def test_after_hours_nothing_escalates_and_the_student_is_told_at_once(
    celery_worker, after_hours, client_for, siti, coordinator, admin
):
    client = client_for(siti)
    response = client.post(reverse("crisis-ask"), follow=True)
    crisis = CrisisRequest.objects.get()
    assert crisis.after_hours
    page = response.content.decode()
    assert "di luar jam sekolah" in page
    assert "Nomor darurat" in page
    waited(crisis, 60)
    assert tasks.crisis_tick.delay().get(timeout=20)["escalated"] == 0
    assert not escalated_to()


def test_lapses_run_on_beat_too(celery_worker, siti, pak_budi):
    crisis = services.take(services.ask_for_help(siti), by=pak_budi)
    from counseling.records.models import CaseAssignment

    CaseAssignment.objects.filter(pk=crisis.assignment_id).update(
        expires_at=timezone.now() - datetime.timedelta(minutes=1)
    )
    assert tasks.crisis_tick.delay().get(timeout=20)["lapsed"] == 1

"""The 3 x 24-hour clock on beat: the DPO and the admins are reminded at 24 h and 6 h
left and once a day when overdue, while a letter of an open breach is not sent.

The beat task runs in an in-process Celery worker on a Redis of this module's own.
"""

import datetime

import pytest
from django.utils import timezone

from counseling.breaches import reminders, services, tasks
from counseling.breaches.models import Breach
from counseling.notices.models import Notice
from tests.conftest import make_user
from tests.ops.celery_support import celery_app, own_redis  # noqa: F401

pytestmark = pytest.mark.django_db(transaction=True)

Kind = Notice.Kind


@pytest.fixture
def celery_includes():
    return ("counseling.breaches.tasks", "counseling.notices.tasks")


@pytest.fixture
def dpo(db):
    return make_user("larasati", "Larasati Putri, S.H.", "dpo")


def discovered(hours_ago, by):
    now = timezone.now()
    return services.record_breach(
        by=by,
        description="Kata sandi sebuah akun guru BK tersebar di grup percakapan.",
        how_found="Seorang guru melapor.",
        handling="Kata sandi diganti.",
        occurred_from=now - datetime.timedelta(hours=hours_ago + 1),
        occurred_to=now - datetime.timedelta(hours=hours_ago),
        discovered_at=now - datetime.timedelta(hours=hours_ago),
        scope=Breach.Scope.WINDOW,
    )


def move(breach, hours_ago):
    Breach.objects.filter(pk=breach.pk).update(
        deadline=timezone.now() + datetime.timedelta(hours=72 - hours_ago)
    )


def reminded():
    return sorted(
        Notice.objects.filter(kind=Kind.BREACH_NOTICE_DUE).values_list(
            "recipient__username", "dedupe_key"
        )
    )


def tick():
    return tasks.remind_breach_notices.delay().get(timeout=20)["reminded"]


def test_the_clock_reminds_at_24_and_6_hours_left_and_daily_when_overdue_on_beat(
    celery_worker, dpo, admin
):
    breach = discovered(10, dpo)
    assert tick() == 0
    move(breach, 49)
    assert tick() == 2
    assert tick() == 0
    key = f"breach-due:{breach.public_id}"
    assert reminded() == [("agus", f"{key}:24h"), ("larasati", f"{key}:24h")]
    move(breach, 67)
    assert tick() == 2
    move(breach, 73)
    assert tick() == 2
    assert tick() == 0
    keys = {k.rsplit(":", 1)[0] if ":overdue:" in k else k for _who, k in reminded()}
    assert keys == {f"{key}:24h", f"{key}:6h", f"{key}:overdue"}
    notice = Notice.objects.filter(kind=Kind.BREACH_NOTICE_DUE).first()
    assert notice.about == str(breach.public_id)
    assert "Kata sandi" not in str(Notice.objects.values())


def test_no_reminder_once_every_letter_is_sent(celery_worker, dpo, admin):
    breach = discovered(60, dpo)
    services.compute_exposure(breach, by=dpo)
    for letter in breach.notices.all():
        services.mark_notice_sent(letter, by=dpo)
    move(breach, 80)
    assert tick() == 0
    assert reminded() == []


def test_an_uncomputed_breach_still_has_letters_to_send(celery_worker, dpo):
    breach = discovered(70, dpo)
    assert not breach.notices.exists()
    assert tick() == 1


def test_the_overdue_reminder_goes_once_a_day(dpo):
    breach = discovered(80, dpo)
    # 10:00 on the day after the deadline, in the school's time zone: +2 h is the same day.
    day_one = timezone.localtime(breach.deadline + datetime.timedelta(days=1)).replace(
        hour=10, minute=0
    )
    assert reminders.stage(breach, day_one).startswith("overdue:")
    assert reminders.remind(day_one) == 1
    assert reminders.remind(day_one + datetime.timedelta(hours=2)) == 0
    assert reminders.remind(day_one + datetime.timedelta(days=1)) == 1


def test_the_beat_schedule_runs_the_clock(settings):
    entry = settings.CELERY_BEAT_SCHEDULE["remind-breach-notices"]
    assert entry["task"] == "counseling.breaches.tasks.remind_breach_notices"
    assert entry["schedule"] <= 15 * 60

"""Nightly housekeeping removes what nobody needs any more, and nothing else."""

import datetime

import pytest
from django.conf import settings
from django.contrib.sessions.backends.db import SessionStore
from django.contrib.sessions.models import Session
from django.utils import timezone

from counseling.notices.models import Notice
from counseling.ops import tasks

pytestmark = pytest.mark.django_db


def test_it_runs_every_night():
    entry = settings.CELERY_BEAT_SCHEDULE["housekeeping"]
    assert entry["task"] == "counseling.ops.tasks.housekeeping_nightly"


def test_it_removes_expired_sessions_only():
    expired, current = SessionStore(), SessionStore()
    for store in (expired, current):
        store["x"] = 1
        store.create()
    Session.objects.filter(session_key=expired.session_key).update(
        expire_date=timezone.now() - datetime.timedelta(minutes=1)
    )

    assert tasks.housekeeping_nightly.delay().get()["sessions"] == 1
    assert list(Session.objects.values_list("session_key", flat=True)) == [current.session_key]


def test_it_removes_notices_read_and_done_with_past_the_retention(siti_booking, siti):
    Notice.objects.all().delete()
    now = timezone.now()
    long_ago = now - settings.AMANAH_OUTBOX_RETENTION - datetime.timedelta(hours=1)
    Status = Notice.EmailStatus

    def notice(**fields):
        return Notice.objects.create(
            booking=siti_booking,
            kind=Notice.Kind.BOOKING_MADE,
            recipient=siti,
            **{"created_at": long_ago, "send_after": long_ago, **fields},
        )

    notice(email_status=Status.SENT, read_at=long_ago)
    notice(email_status=Status.CANCELLED, cancelled_at=long_ago)
    kept = [
        notice(email_status=Status.SENT),  # never read: it stays in her inbox
        notice(email_status=Status.SENT, read_at=now, created_at=now),
        notice(email_status=Status.PENDING, read_at=long_ago),  # the health check's business
    ]

    assert tasks.housekeeping_nightly.delay().get()["outbox_messages"] == 2
    assert set(Notice.objects.all()) == set(kept)

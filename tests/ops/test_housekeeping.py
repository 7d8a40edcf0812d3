"""Nightly housekeeping removes what nobody needs any more, and nothing else."""

import datetime

import pytest
from django.conf import settings
from django.contrib.sessions.backends.db import SessionStore
from django.contrib.sessions.models import Session
from django.utils import timezone

from counseling.accounts.models import LoginFailure
from counseling.ops import tasks
from sessions.models import OutboxMessage

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


def test_it_removes_login_failures_older_than_a_day():
    old = LoginFailure.objects.create(username_hash="a" * 64, ip_address="10.0.0.1")
    recent = LoginFailure.objects.create(username_hash="b" * 64, ip_address="10.0.0.1")
    LoginFailure.objects.filter(pk=old.pk).update(
        failed_at=timezone.now() - datetime.timedelta(days=1, minutes=1)
    )

    assert tasks.housekeeping_nightly.delay().get()["login_failures"] == 1
    assert list(LoginFailure.objects.all()) == [recent]


def test_it_removes_delivered_and_withdrawn_messages_past_the_retention(siti_booking, siti):
    OutboxMessage.objects.all().delete()
    now = timezone.now()
    long_ago = now - settings.AMANAH_OUTBOX_RETENTION - datetime.timedelta(hours=1)

    def message(**fields):
        return OutboxMessage.objects.create(
            booking=siti_booking, kind=OutboxMessage.Kind.BOOKING_MADE, recipient=siti, **fields
        )

    message(sent_at=long_ago)
    message(cancelled_at=long_ago)
    kept = [
        message(sent_at=now - datetime.timedelta(days=1)),
        message(send_after=long_ago),  # never sent: the health check's business, not ours
        message(send_after=now + datetime.timedelta(hours=2)),
    ]

    assert tasks.housekeeping_nightly.delay().get()["outbox_messages"] == 2
    assert set(OutboxMessage.objects.all()) == set(kept)

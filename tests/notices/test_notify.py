"""`notices.notify`: one row per message, written with its cause, held back by its key."""

import datetime

import pytest
from django.db import transaction
from django.utils import timezone

from counseling import notices
from counseling.celery import app as project_app
from counseling.notices import publishing
from counseling.notices.models import Notice
from sessions import bookings, outbox
from tests.sessions.outbox_support import free_starts, give_addresses, open_hours

Kind = Notice.Kind
Status = Notice.EmailStatus


@pytest.fixture(autouse=True)
def _deliver_in_process(monkeypatch):
    monkeypatch.setitem(project_app.conf, "task_always_eager", True)


def test_a_notice_is_written_in_the_transaction_of_its_cause(bu_rina):
    with pytest.raises(RuntimeError), transaction.atomic():
        notices.notify(bu_rina, Kind.CASE_ENDED)
        assert Notice.objects.count() == 1
        raise RuntimeError("the cause rolled back")
    assert not Notice.objects.exists()


def test_it_is_emailed_after_the_commit_and_not_before(
    bu_rina, mailoutbox, django_capture_on_commit_callbacks
):
    give_addresses(bu_rina)
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        notice = notices.notify(bu_rina, Kind.CASE_ENDED)
        assert mailoutbox == []
    for callback in callbacks:
        callback()
    assert [m.to for m in mailoutbox] == [[bu_rina.email]]
    notice.refresh_from_db()
    assert (notice.email_status, notice.attempts, notice.read_at) == (Status.SENT, 1, None)


def test_a_dedupe_key_writes_one_notice_per_recipient_ever(bu_rina, pak_budi):
    first = notices.notify(bu_rina, Kind.DISCLOSURE_REMINDER, about="x", dedupe_key="k")
    again = notices.notify(bu_rina, Kind.DISCLOSURE_REMINDER, about="x", dedupe_key="k")
    both = notices.notify_all([bu_rina, pak_budi], Kind.DISCLOSURE_REMINDER, dedupe_key="k")

    assert first is not None and again is None
    assert [n.recipient for n in both] == [pak_budi]
    assert Notice.objects.filter(dedupe_key="k").count() == 2


def test_without_a_key_every_call_writes_a_notice(bu_rina):
    notices.notify(bu_rina, Kind.CASE_ENDED)
    notices.notify(bu_rina, Kind.CASE_ENDED)
    assert Notice.objects.filter(recipient=bu_rina).count() == 2


def test_about_is_stored_as_the_public_id_of_the_object(siti, pak_budi):
    from counseling.audit import services as audit_services

    access = audit_services.grant_emergency_access(
        siti.counselee, "Siswa tidak dapat dihubungi sejak pagi ini.", by=pak_budi
    )
    notice = notices.notify(pak_budi, Kind.EMERGENCY_ACCESS, about=access)
    assert notice.about == str(access.public_id)


def test_a_notice_for_later_is_neither_sent_nor_shown_before_its_time(
    bu_rina, mailoutbox, django_capture_on_commit_callbacks
):
    from counseling import policy

    give_addresses(bu_rina)
    later = timezone.now() + datetime.timedelta(hours=2)
    with django_capture_on_commit_callbacks(execute=True):
        notices.notify(bu_rina, Kind.CASE_ENDED, send_after=later)
    assert mailoutbox == []
    assert publishing.requeue() == 0
    assert not policy.notices_for(bu_rina).exists()
    assert notices.unread_count(bu_rina) == 0


def test_urgent_requests_of_one_student_alert_each_counselor_once_per_window(
    siti, bu_rina, pak_budi, monkeypatch
):
    give_addresses(siti, bu_rina, pak_budi)
    open_hours(bu_rina)
    window_start = timezone.now().replace(minute=0, second=0, microsecond=0)
    monkeypatch.setattr(timezone, "now", lambda: window_start + datetime.timedelta(minutes=1))
    starts = free_starts(bu_rina)
    for start in starts[:2]:
        bookings.book(siti.counselee, bu_rina, start, by=siti, urgent=True)
    urgent = Notice.objects.filter(kind=Kind.URGENT_REQUEST)
    assert sorted(urgent.values_list("recipient__username", flat=True)) == [
        "bu_rina",
        "pak_budi",
    ]

    # The next window alerts again.
    monkeypatch.setattr(timezone, "now", lambda: window_start + datetime.timedelta(minutes=31))
    booking = bookings.book(siti.counselee, bu_rina, starts[2], by=siti, urgent=True)
    assert urgent.filter(booking=booking).count() == 2
    assert urgent.count() == 4


def test_the_urgent_key_names_the_student_and_the_window(siti, settings):
    settings.AMANAH_URGENT_ALERT_MINUTES = 30
    moment = timezone.now().replace(minute=10)
    same = outbox.urgent_window_key(siti.counselee, moment + datetime.timedelta(minutes=15))
    assert outbox.urgent_window_key(siti.counselee, moment) == same
    later = outbox.urgent_window_key(siti.counselee, moment + datetime.timedelta(minutes=25))
    assert later != same
    assert str(siti.counselee.public_id) in same

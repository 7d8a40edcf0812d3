"""Booking notices: every e-mail sent once, reminders on time, nothing but when and where.

Delivery is driven by hand here (the task body, and the re-queue with Celery eager), with
the clock moved where reminders need it. test_outbox_worker.py tells the same story through
a real Redis and a real worker.
"""

import datetime
import threading

import pytest
from django.db import connection, connections

from counseling.accounts.models import User
from counseling.celery import app as project_app
from counseling.notices import delivery, publishing
from counseling.notices.models import Notice
from counseling.notices.tasks import deliver_notice
from sessions import bookings
from sessions.models import Booking
from tests.conftest import make_user
from tests.sessions.outbox_support import free_starts, give_addresses, open_hours

Kind = Notice.Kind
Status = Notice.EmailStatus
deliver = deliver_notice
requeue = publishing.requeue
HOUR = datetime.timedelta(hours=1)
SECOND = datetime.timedelta(seconds=1)


@pytest.fixture(autouse=True)
def _deliver_in_process(monkeypatch):
    # The re-queue publishes through Celery; here it runs each delivery at once.
    monkeypatch.setitem(project_app.conf, "task_always_eager", True)


@pytest.fixture
def clock(monkeypatch):
    """`clock(moment)`: from now on, the application thinks it is `moment`."""
    from django.utils import timezone

    def set_to(moment):
        monkeypatch.setattr(timezone, "now", lambda: moment)

    return set_to


@pytest.fixture
def hours(siti, bu_rina, pak_budi):
    """Bu Rina's open morning three days from now; everyone has an e-mail address."""
    give_addresses(siti, bu_rina, pak_budi)
    return open_hours(bu_rina)


@pytest.fixture
def confirmed(hours, siti, bu_rina, mailoutbox):
    """Siti's confirmed booking with Bu Rina, with the e-mails so far already sent."""
    booking = bookings.book(siti.counselee, bu_rina, free_starts(bu_rina)[0], by=siti)
    booking = bookings.confirm(booking, by=bu_rina)
    requeue()
    mailoutbox.clear()
    return booking


def reminders_sent(mailoutbox):
    return [m for m in mailoutbox if m.subject.startswith("[Amanah] Pengingat")]


def test_the_same_delivery_task_twice_sends_one_email(hours, siti, bu_rina, mailoutbox):
    booking = bookings.book(siti.counselee, bu_rina, free_starts(bu_rina)[0], by=siti)
    made = Notice.objects.get(booking=booking, kind=Kind.BOOKING_MADE)

    assert deliver(made.pk) is True
    assert deliver(made.pk) is False

    assert [m.to for m in mailoutbox] == [[siti.email]]
    made.refresh_from_db()
    assert (made.email_status, made.sent_at is not None, made.attempts) == (Status.SENT, True, 1)


def test_the_requeue_sends_what_is_pending_and_nothing_twice(hours, siti, bu_rina, mailoutbox):
    # In a test transaction nothing is published on commit: as if Redis had been down.
    bookings.book(siti.counselee, bu_rina, free_starts(bu_rina)[0], by=siti)
    assert Notice.objects.filter(email_status=Status.PENDING).count() == 2

    assert requeue() == 2
    assert requeue() == 0

    assert sorted(m.to[0] for m in mailoutbox) == [bu_rina.email, siti.email]
    assert not Notice.objects.filter(email_status=Status.PENDING).exists()


def test_a_failed_send_is_recorded_and_tried_again_after_a_back_off(
    hours, siti, bu_rina, mailoutbox, settings, clock
):
    from django.utils import timezone

    booking = bookings.book(siti.counselee, bu_rina, free_starts(bu_rina)[0], by=siti)
    made = Notice.objects.get(booking=booking, kind=Kind.BOOKING_MADE)
    Notice.objects.exclude(pk=made.pk).update(email_status=Status.SENT)
    test_backend = settings.EMAIL_BACKEND
    # A real SMTP connection to a port where nothing listens: refused.
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", closed_port()
    failed_at = timezone.now()
    clock(failed_at)

    assert deliver(made.pk) is False

    made.refresh_from_db()
    assert made.email_status == Status.PENDING
    assert made.last_error == "ConnectionRefusedError"
    assert made.claimed_at is None
    assert made.next_attempt_at == failed_at + delivery.FIRST_BACKOFF
    settings.EMAIL_BACKEND = test_backend
    clock(failed_at + delivery.FIRST_BACKOFF - SECOND)
    assert requeue() == 0
    clock(failed_at + delivery.FIRST_BACKOFF)
    assert requeue() == 1
    assert [m.to for m in mailoutbox] == [[siti.email]]
    made.refresh_from_db()
    assert (made.attempts, made.email_status) == (2, Status.SENT)


def test_a_claim_left_by_a_dead_worker_is_offered_again_after_the_claim_timeout(
    hours, siti, bu_rina, mailoutbox, clock
):
    from django.utils import timezone

    booking = bookings.book(siti.counselee, bu_rina, free_starts(bu_rina)[0], by=siti)
    made = Notice.objects.get(booking=booking, kind=Kind.BOOKING_MADE)
    Notice.objects.exclude(pk=made.pk).update(email_status=Status.SENT)
    claimed_at = timezone.now()
    # What a worker killed in the middle of sending leaves behind.
    Notice.objects.filter(pk=made.pk).update(claimed_at=claimed_at, attempts=1)

    # The claim holds while the first worker might still be sending.
    clock(claimed_at + delivery.CLAIM_TIMEOUT - SECOND)
    assert requeue() == 0
    assert deliver(made.pk) is False
    assert mailoutbox == []

    clock(claimed_at + delivery.CLAIM_TIMEOUT + SECOND)
    assert requeue() == 1
    assert [m.to for m in mailoutbox] == [[siti.email]]
    made.refresh_from_db()
    assert (made.attempts, made.email_status) == (2, Status.SENT)


def closed_port() -> int:
    import socket

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="two connections claiming one row at once is a PostgreSQL race; SQLite "
    "serialises every writer",
)
@pytest.mark.django_db(transaction=True)
def test_two_workers_delivering_one_message_at_once_send_one_email(
    hours, siti, bu_rina, mailoutbox
):
    booking = bookings.book(siti.counselee, bu_rina, free_starts(bu_rina)[0], by=siti)
    messages = [
        Notice.objects.create(booking=booking, kind=Kind.BOOKING_MADE, recipient=siti)
        for _ in range(20)
    ]
    mailoutbox.clear()
    for message in messages:
        start = threading.Barrier(2)
        results = []

        def worker(message_id=message.pk, start=start, results=results):
            try:
                start.wait(timeout=5)
                results.append(deliver(message_id))
            finally:
                connections.close_all()

        threads = [threading.Thread(target=worker) for _ in range(2)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=10)
        assert sorted(results) == [False, True]

    assert len(mailoutbox) == len(messages)
    assert set(
        Notice.objects.filter(pk__in=[m.pk for m in messages]).values_list("attempts", flat=True)
    ) == {1}


def test_confirming_writes_reminders_24_hours_and_1_hour_before(confirmed, siti):
    reminders = {
        m.kind: m
        for m in Notice.objects.filter(
            booking=confirmed, kind__in=[Kind.REMINDER_24H, Kind.REMINDER_1H]
        )
    }
    assert reminders[Kind.REMINDER_24H].send_after == confirmed.start - 24 * HOUR
    assert reminders[Kind.REMINDER_1H].send_after == confirmed.start - HOUR
    assert {m.recipient_id for m in reminders.values()} == {siti.pk}
    assert all(m.email_status == Status.PENDING for m in reminders.values())
    assert all(m.claimed_at is None and m.queued_at is None for m in reminders.values())


def test_reminders_go_out_when_due_and_not_before(confirmed, siti, mailoutbox, clock):
    reminder_1h = Notice.objects.get(booking=confirmed, kind=Kind.REMINDER_1H)
    # A delivery task that turns up early (redelivered, or sent by hand) sends nothing.
    assert deliver(reminder_1h.pk) is False

    clock(confirmed.start - 24 * HOUR - SECOND)
    requeue()
    assert mailoutbox == []

    clock(confirmed.start - 24 * HOUR)
    requeue()
    assert [m.subject for m in mailoutbox] == ["[Amanah] Pengingat: sesi konseling besok"]

    clock(confirmed.start - HOUR - SECOND)
    requeue()
    assert len(mailoutbox) == 1

    clock(confirmed.start - HOUR)
    requeue()
    requeue()
    assert [m.subject for m in mailoutbox][1:] == [
        "[Amanah] Pengingat: sesi konseling satu jam lagi"
    ]
    assert all(m.to == [siti.email] for m in mailoutbox)


def test_a_booking_less_than_a_day_ahead_gets_only_the_one_hour_reminder(
    hours, siti, bu_rina, clock
):
    start = free_starts(bu_rina)[0]
    clock(start - 5 * HOUR)
    booking = bookings.book(siti.counselee, bu_rina, start, by=siti)
    bookings.confirm(booking, by=bu_rina)

    assert list(
        Notice.objects.filter(kind__in=[Kind.REMINDER_24H, Kind.REMINDER_1H]).values_list(
            "kind", "send_after"
        )
    ) == [(Kind.REMINDER_1H, start - HOUR)]


def test_cancelling_withdraws_the_reminders(confirmed, siti, mailoutbox, clock):
    bookings.cancel(confirmed, by=siti)

    reminders = Notice.objects.filter(
        booking=confirmed, kind__in=[Kind.REMINDER_24H, Kind.REMINDER_1H]
    )
    assert reminders.count() == 2
    assert all(m.cancelled_at is not None for m in reminders)
    clock(confirmed.start - HOUR)
    requeue()
    assert reminders_sent(mailoutbox) == []


def test_rescheduling_moves_the_reminders_to_the_new_time(confirmed, siti, bu_rina, clock):
    new = bookings.reschedule(confirmed, free_starts(bu_rina)[0], by=siti)
    reminders = Notice.objects.filter(kind__in=[Kind.REMINDER_24H, Kind.REMINDER_1H])
    # The moved time waits for the counselor again; until she confirms, no reminder.
    assert not reminders.filter(cancelled_at__isnull=True).exists()
    bookings.confirm(new, by=bu_rina)

    pending = Notice.objects.filter(
        kind__in=[Kind.REMINDER_24H, Kind.REMINDER_1H], cancelled_at__isnull=True
    )
    assert sorted(pending.values_list("booking_id", "send_after")) == sorted(
        [(new.pk, new.start - 24 * HOUR), (new.pk, new.start - HOUR)]
    )


def test_a_reminder_that_came_due_while_the_worker_was_down_is_not_sent_late(
    confirmed, mailoutbox, clock
):
    clock(confirmed.start + datetime.timedelta(minutes=5))
    requeue()

    assert reminders_sent(mailoutbox) == []
    assert not Notice.objects.filter(
        booking=confirmed, kind__in=[Kind.REMINDER_24H, Kind.REMINDER_1H], cancelled_at=None
    ).exists()


def test_an_urgent_request_tells_every_counselor(hours, siti, bu_rina, pak_budi, mailoutbox):
    eko = make_user("pak_eko", "Eko Prasetyo", User.Role.COUNSELOR)
    give_addresses(eko)
    bookings.book(siti.counselee, bu_rina, free_starts(bu_rina)[0], by=siti, urgent=True)
    requeue()

    urgent = [m for m in mailoutbox if "MENDESAK" in m.subject]
    assert sorted(m.to[0] for m in urgent) == sorted([bu_rina.email, pak_budi.email, eko.email])
    assert Booking.objects.get().urgent

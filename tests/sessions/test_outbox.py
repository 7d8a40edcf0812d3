"""The outbox: every message sent once, reminders on time, and nothing but when and where.

Delivery is driven by hand here (the task body, and the re-queue with Celery eager), with
the clock moved where reminders need it. test_outbox_worker.py tells the same story through
a real Redis and a real worker.
"""

import datetime
import smtplib
import threading

import pytest
from django.db import connection, connections

from counseling.accounts.models import User
from counseling.celery import app as project_app
from sessions import bookings, tasks
from sessions.models import Booking, OutboxMessage
from tests.conftest import make_user
from tests.sessions.outbox_support import free_starts, give_addresses, open_hours

Kind = OutboxMessage.Kind
deliver = tasks.deliver_outbox_message
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
    tasks.requeue_due_messages()
    mailoutbox.clear()
    return booking


def reminders_sent(mailoutbox):
    return [m for m in mailoutbox if m.subject.startswith("[Amanah] Pengingat")]


def test_the_same_delivery_task_twice_sends_one_email(hours, siti, bu_rina, mailoutbox):
    booking = bookings.book(siti.counselee, bu_rina, free_starts(bu_rina)[0], by=siti)
    made = OutboxMessage.objects.get(booking=booking, kind=Kind.BOOKING_MADE)

    assert deliver(made.pk) is True
    assert deliver(made.pk) is False

    assert [m.to for m in mailoutbox] == [[siti.email]]
    made.refresh_from_db()
    assert made.sent_at is not None
    assert made.attempts == 1


def test_the_requeue_sends_what_is_pending_and_nothing_twice(hours, siti, bu_rina, mailoutbox):
    # In a test transaction nothing is published on commit: as if Redis had been down.
    bookings.book(siti.counselee, bu_rina, free_starts(bu_rina)[0], by=siti)
    assert OutboxMessage.objects.filter(sent_at__isnull=True).count() == 2

    assert tasks.requeue_due_messages() == 2
    assert tasks.requeue_due_messages() == 0

    assert sorted(m.to[0] for m in mailoutbox) == [bu_rina.email, siti.email]
    assert not OutboxMessage.objects.filter(sent_at__isnull=True).exists()


def test_a_failed_send_is_tried_again_after_the_claim_timeout(
    hours, siti, bu_rina, mailoutbox, monkeypatch, clock
):
    from django.utils import timezone

    booking = bookings.book(siti.counselee, bu_rina, free_starts(bu_rina)[0], by=siti)
    made = OutboxMessage.objects.get(booking=booking, kind=Kind.BOOKING_MADE)
    OutboxMessage.objects.exclude(pk=made.pk).update(sent_at=timezone.now())
    real_send = tasks.notifications.send

    def mail_server_down(*args, **kwargs):
        raise smtplib.SMTPServerDisconnected("mail server went away")

    monkeypatch.setattr(tasks.notifications, "send", mail_server_down)
    with pytest.raises(smtplib.SMTPServerDisconnected):
        deliver(made.pk)
    monkeypatch.setattr(tasks.notifications, "send", real_send)
    failed_at = timezone.now()

    # The claim holds while the first worker might still be sending.
    clock(failed_at + tasks.CLAIM_TIMEOUT - SECOND)
    assert tasks.requeue_due_messages() == 0
    assert mailoutbox == []

    clock(failed_at + tasks.CLAIM_TIMEOUT + SECOND)
    assert tasks.requeue_due_messages() == 1
    assert [m.to for m in mailoutbox] == [[siti.email]]
    made.refresh_from_db()
    assert (made.attempts, made.sent_at is not None) == (2, True)


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
        OutboxMessage.objects.create(booking=booking, kind=Kind.BOOKING_MADE, recipient=siti)
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
        OutboxMessage.objects.filter(pk__in=[m.pk for m in messages]).values_list(
            "attempts", flat=True
        )
    ) == {1}


def test_confirming_writes_reminders_24_hours_and_1_hour_before(confirmed, siti):
    reminders = {
        m.kind: m
        for m in OutboxMessage.objects.filter(
            booking=confirmed, kind__in=[Kind.REMINDER_24H, Kind.REMINDER_1H]
        )
    }
    assert reminders[Kind.REMINDER_24H].send_after == confirmed.start - 24 * HOUR
    assert reminders[Kind.REMINDER_1H].send_after == confirmed.start - HOUR
    assert {m.recipient_id for m in reminders.values()} == {siti.pk}
    assert all(m.sent_at is None and m.claimed_at is None for m in reminders.values())


def test_reminders_go_out_when_due_and_not_before(confirmed, siti, mailoutbox, clock):
    reminder_1h = OutboxMessage.objects.get(booking=confirmed, kind=Kind.REMINDER_1H)
    # A delivery task that turns up early (redelivered, or sent by hand) sends nothing.
    assert deliver(reminder_1h.pk) is False

    clock(confirmed.start - 24 * HOUR - SECOND)
    tasks.requeue_due_messages()
    assert mailoutbox == []

    clock(confirmed.start - 24 * HOUR)
    tasks.requeue_due_messages()
    assert [m.subject for m in mailoutbox] == ["[Amanah] Pengingat: sesi konseling besok"]

    clock(confirmed.start - HOUR - SECOND)
    tasks.requeue_due_messages()
    assert len(mailoutbox) == 1

    clock(confirmed.start - HOUR)
    tasks.requeue_due_messages()
    tasks.requeue_due_messages()
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
        OutboxMessage.objects.filter(kind__in=[Kind.REMINDER_24H, Kind.REMINDER_1H]).values_list(
            "kind", "send_after"
        )
    ) == [(Kind.REMINDER_1H, start - HOUR)]


def test_cancelling_withdraws_the_reminders(confirmed, siti, mailoutbox, clock):
    bookings.cancel(confirmed, by=siti)

    reminders = OutboxMessage.objects.filter(
        booking=confirmed, kind__in=[Kind.REMINDER_24H, Kind.REMINDER_1H]
    )
    assert reminders.count() == 2
    assert all(m.cancelled_at is not None for m in reminders)
    clock(confirmed.start - HOUR)
    tasks.requeue_due_messages()
    assert reminders_sent(mailoutbox) == []


def test_rescheduling_moves_the_reminders_to_the_new_time(confirmed, siti, bu_rina, clock):
    new = bookings.reschedule(confirmed, free_starts(bu_rina)[0], by=siti)
    reminders = OutboxMessage.objects.filter(kind__in=[Kind.REMINDER_24H, Kind.REMINDER_1H])
    # The moved time waits for the counselor again; until she confirms, no reminder.
    assert not reminders.filter(cancelled_at__isnull=True).exists()
    bookings.confirm(new, by=bu_rina)

    pending = OutboxMessage.objects.filter(
        kind__in=[Kind.REMINDER_24H, Kind.REMINDER_1H], cancelled_at__isnull=True
    )
    assert sorted(pending.values_list("booking_id", "send_after")) == sorted(
        [(new.pk, new.start - 24 * HOUR), (new.pk, new.start - HOUR)]
    )


def test_a_reminder_that_came_due_while_the_worker_was_down_is_not_sent_late(
    confirmed, mailoutbox, clock
):
    clock(confirmed.start + datetime.timedelta(minutes=5))
    tasks.requeue_due_messages()

    assert reminders_sent(mailoutbox) == []
    assert not OutboxMessage.objects.filter(
        booking=confirmed, kind__in=[Kind.REMINDER_24H, Kind.REMINDER_1H], cancelled_at=None
    ).exists()


def test_an_urgent_request_tells_every_counselor(hours, siti, bu_rina, pak_budi, mailoutbox):
    eko = make_user("pak_eko", "Eko Prasetyo", User.Role.COUNSELOR)
    give_addresses(eko)
    bookings.book(siti.counselee, bu_rina, free_starts(bu_rina)[0], by=siti, urgent=True)
    tasks.requeue_due_messages()

    urgent = [m for m in mailoutbox if "MENDESAK" in m.subject]
    assert sorted(m.to[0] for m in urgent) == sorted([bu_rina.email, pak_budi.email, eko.email])
    assert Booking.objects.get().urgent

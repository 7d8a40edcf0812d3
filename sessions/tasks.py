"""Delivering the outbox. Tasks take ids; a conditional claim means a retried or
redelivered task sends nothing twice.

Three paths lead to `deliver_outbox_message`:

- right after the booking's transaction commits (`enqueue`, from the web request);
- every minute, `requeue_due_messages` (beat) publishes what is due and unsent: reminders
  that have come due, and anything the first path could not publish;
- Celery itself, when it redelivers a message it is unsure about.

Whichever runs first claims the row; the others find nothing to claim and send nothing.
"""

import datetime
import logging
import time

from celery import shared_task
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from counseling import notifications
from sessions import ics
from sessions.models import Booking, OutboxMessage

logger = logging.getLogger("amanah.outbox")

Kind = OutboxMessage.Kind

# A claimed message not marked sent after this long is assumed lost with its worker, and
# the re-queue offers it again. A send that is still running then would be doubled, so
# the delivery task is killed well before (its time limit; the prefork pool enforces it).
CLAIM_TIMEOUT = datetime.timedelta(minutes=10)
DELIVERY_TIME_LIMIT = int(CLAIM_TIMEOUT.total_seconds() // 2)
REQUEUE_BATCH = 500
# After a publish fails, web requests stop trying for this many seconds: with Redis hung,
# each try costs a socket timeout, and one booking can write many messages (an urgent
# request writes one per counselor). What they skip stays pending for the re-queue.
PUBLISH_PAUSE_SECONDS = 30.0
_publishing_paused_until = 0.0

REMINDERS = {Kind.REMINDER_24H, Kind.REMINDER_1H}

HEADLINES = {
    Kind.BOOKING_MADE: _("Permintaan jadwal konselingmu sudah terkirim"),
    Kind.BOOKING_REQUESTED: _("Ada permintaan jadwal konseling baru"),
    Kind.URGENT_REQUEST: _("Permintaan konseling MENDESAK"),
    Kind.URGENT_TAKEN: _("Permintaan mendesak sudah ditangani konselor lain"),
    Kind.BOOKING_CONFIRMED: _("Jadwal konselingmu dikonfirmasi"),
    Kind.BOOKING_DECLINED: _("Permintaan jadwal konselingmu belum dapat diterima"),
    Kind.BOOKING_CHANGED: _("Jadwal konseling diubah"),
    Kind.BOOKING_CANCELLED: _("Jadwal konseling dibatalkan"),
    Kind.REMINDER_24H: _("Pengingat: sesi konseling besok"),
    Kind.REMINDER_1H: _("Pengingat: sesi konseling satu jam lagi"),
}

WITH_CALENDAR = {
    Kind.BOOKING_MADE,
    Kind.BOOKING_CONFIRMED,
    Kind.BOOKING_DECLINED,
    Kind.BOOKING_CHANGED,
    Kind.BOOKING_CANCELLED,
    Kind.REMINDER_24H,
    Kind.REMINDER_1H,
}
# The student's calendar got a tentative event with "booking made": these remove it.
CALENDAR_CANCELS = {Kind.BOOKING_DECLINED, Kind.BOOKING_CANCELLED}


def _publish(message_id: int) -> bool:
    """Hand one message to the broker; False (and a log line) when the broker fails."""
    try:
        deliver_outbox_message.delay(message_id)
    except Exception:  # any broker failure: the outbox row is the durable copy
        logger.warning("outbox message %s not queued now; the periodic re-queue will", message_id)
        return False
    return True


def enqueue(message_id: int) -> None:
    """Hand one outbox message to Celery after commit, without ever failing the caller.

    With Redis down, publishing fails fast (short socket timeouts, see settings) and this
    process stops trying for `PUBLISH_PAUSE_SECONDS`; the message stays in the outbox and
    `requeue_due_messages` sends it once Redis is back.
    """
    global _publishing_paused_until
    if time.monotonic() < _publishing_paused_until:
        logger.info("outbox message %s left to the re-queue: the broker just failed", message_id)
        return
    if not _publish(message_id):
        _publishing_paused_until = time.monotonic() + PUBLISH_PAUSE_SECONDS


def _claimable(now):
    return OutboxMessage.objects.filter(
        Q(claimed_at__isnull=True) | Q(claimed_at__lt=now - CLAIM_TIMEOUT),
        sent_at__isnull=True,
        cancelled_at__isnull=True,
        send_after__lte=now,
    )


def _outdated(message, now) -> bool:
    """A reminder for a session that will not take place, or has already begun."""
    booking = message.booking
    return message.kind in REMINDERS and (
        booking.status != Booking.Status.CONFIRMED or booking.start <= now
    )


def _send(message) -> None:
    booking = message.booking
    attachments = []
    if message.kind in WITH_CALENDAR:
        cancelled = message.kind in CALENDAR_CANCELS
        attachments.append(
            ("sesi-konseling.ics", ics.calendar(booking, cancelled=cancelled), "text/calendar")
        )
    notifications.send(
        "booking",
        [message.recipient.email],
        {
            "headline": HEADLINES[message.kind],
            "kind": message.kind,
            "booking": booking,
            "for_counselor": message.recipient_id != booking.counselee.user_id,
        },
        attachments=attachments,
    )


@shared_task(time_limit=DELIVERY_TIME_LIMIT)
def deliver_outbox_message(message_id: int) -> bool:
    """Send one message if it is still due and unclaimed; mark it sent. True if sent.

    The claim is one conditional UPDATE: of two workers running this at once, the database
    lets exactly one match the row (on PostgreSQL the second waits for the first's row
    lock, then sees `claimed_at` set). A send that fails leaves the claim in place; after
    `CLAIM_TIMEOUT` the re-queue offers the message again.
    """
    now = timezone.now()
    claimed = (
        _claimable(now).filter(pk=message_id).update(claimed_at=now, attempts=F("attempts") + 1)
    )
    if not claimed:
        return False
    message = OutboxMessage.objects.select_related("booking", "recipient").get(pk=message_id)
    if _outdated(message, now):
        # Normally withdrawn by cancel_pending; this catches a reminder that came due
        # while the worker or beat was down, so nobody is reminded of a past session.
        OutboxMessage.objects.filter(pk=message_id).update(cancelled_at=now)
        return False
    if message.recipient.email:
        _send(message)
    else:
        logger.info("outbox message %s: recipient has no e-mail address", message_id)
    OutboxMessage.objects.filter(pk=message_id, sent_at__isnull=True).update(sent_at=timezone.now())
    return True


@shared_task
def requeue_due_messages() -> int:
    """Every minute: queue what is due and unsent (reminders, and anything Redis missed).

    Runs in a worker, so the broker has just delivered this very task; it publishes
    whatever the web requests skipped, and stops at the first failure rather than paying a
    timeout per message. Returns how many it published.
    """
    due = list(
        _claimable(timezone.now())
        .order_by("send_after")
        .values_list("pk", flat=True)[:REQUEUE_BATCH]
    )
    published = 0
    for message_id in due:
        if not _publish(message_id):
            break
        published += 1
    return published

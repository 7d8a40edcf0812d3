"""Delivering the outbox. Tasks take ids; a conditional claim means a retried or
redelivered task sends nothing twice."""

import datetime
import logging

from celery import shared_task
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from counseling import notifications
from sessions import ics
from sessions.models import OutboxMessage

logger = logging.getLogger("amanah.outbox")

Kind = OutboxMessage.Kind

# A claimed message not marked sent after this long is assumed lost with its worker.
CLAIM_TIMEOUT = datetime.timedelta(minutes=10)
REQUEUE_BATCH = 500

HEADLINES = {
    Kind.BOOKING_MADE: _("Permintaan jadwal konselingmu sudah terkirim"),
    Kind.BOOKING_REQUESTED: _("Ada permintaan jadwal konseling baru"),
    Kind.URGENT_REQUEST: _("Permintaan konseling MENDESAK"),
    Kind.BOOKING_CONFIRMED: _("Jadwal konselingmu dikonfirmasi"),
    Kind.BOOKING_DECLINED: _("Permintaan jadwal konselingmu belum dapat diterima"),
    Kind.BOOKING_CHANGED: _("Jadwal konseling diubah"),
    Kind.BOOKING_CANCELLED: _("Jadwal konseling dibatalkan"),
    Kind.REMINDER_24H: _("Pengingat: sesi konseling besok"),
    Kind.REMINDER_1H: _("Pengingat: sesi konseling satu jam lagi"),
}

WITH_CALENDAR = {
    Kind.BOOKING_CONFIRMED,
    Kind.BOOKING_CHANGED,
    Kind.BOOKING_CANCELLED,
    Kind.REMINDER_24H,
    Kind.REMINDER_1H,
    Kind.BOOKING_MADE,
}


def enqueue(message_id: int) -> None:
    """Hand one outbox message to Celery after commit, without ever failing the caller.

    With Redis down, publishing fails fast (short socket timeouts, see settings); the
    message stays in the outbox and `requeue_due_messages` sends it once Redis is back.
    """
    try:
        deliver_outbox_message.delay(message_id)
    except Exception:  # any broker failure: the outbox row is the durable copy
        logger.warning("outbox message %s not queued now; the periodic re-queue will", message_id)


def _claimable(now):
    return OutboxMessage.objects.filter(
        Q(claimed_at__isnull=True) | Q(claimed_at__lt=now - CLAIM_TIMEOUT),
        sent_at__isnull=True,
        cancelled_at__isnull=True,
        send_after__lte=now,
    )


@shared_task
def deliver_outbox_message(message_id: int) -> bool:
    """Send one message if it is still due and unclaimed; mark it sent."""
    now = timezone.now()
    claimed = (
        _claimable(now).filter(pk=message_id).update(claimed_at=now, attempts=F("attempts") + 1)
    )
    if not claimed:
        return False
    message = OutboxMessage.objects.select_related("booking", "recipient").get(pk=message_id)
    booking = message.booking
    if message.recipient.email:
        attachments = []
        if message.kind in WITH_CALENDAR:
            cancelled = message.kind == Kind.BOOKING_CANCELLED
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
    else:
        logger.info("outbox message %s: recipient has no e-mail address", message_id)
    OutboxMessage.objects.filter(pk=message_id).update(sent_at=timezone.now())
    return True


@shared_task
def requeue_due_messages() -> int:
    """Every minute: queue what is due and unsent (reminders, and anything Redis missed)."""
    due = list(
        _claimable(timezone.now())
        .order_by("send_after")
        .values_list("pk", flat=True)[:REQUEUE_BATCH]
    )
    for message_id in due:
        enqueue(message_id)
    return len(due)

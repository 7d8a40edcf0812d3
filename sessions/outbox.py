"""Writing notifications into the outbox, inside the caller's transaction.

Delivery (a Celery task per message, given its id) and the periodic re-queue live in
`sessions.tasks`.
"""

from django.db import transaction
from django.utils import timezone

from sessions.models import OutboxMessage

REMINDERS = (OutboxMessage.Kind.REMINDER_24H, OutboxMessage.Kind.REMINDER_1H)


def queue(booking, kind, recipient, *, send_after=None) -> OutboxMessage:
    """Promise one e-mail about `booking`; it is sent after the transaction commits."""
    message = OutboxMessage.objects.create(
        booking=booking,
        kind=kind,
        recipient=recipient,
        send_after=send_after or timezone.now(),
    )
    if message.send_after <= timezone.now():
        from sessions.tasks import enqueue

        transaction.on_commit(lambda: enqueue(message.pk))
    return message


def cancel_pending(booking) -> int:
    """Withdraw the reminders of a booking that will not take place."""
    return OutboxMessage.objects.filter(
        booking=booking, kind__in=REMINDERS, sent_at__isnull=True, cancelled_at__isnull=True
    ).update(cancelled_at=timezone.now())

"""Notifications written in the same transaction as the change they announce.

A row here is a promise to send one e-mail. A Celery task (given the row's id) sends it
and marks it sent; a beat task re-queues rows that are due and unsent, so a message is
never lost when Redis is down, and the conditional claim means it is never sent twice.
"""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class OutboxMessage(models.Model):
    class Kind(models.TextChoices):
        BOOKING_MADE = "booking_made", _("pemesanan dibuat")
        BOOKING_REQUESTED = "booking_requested", _("permintaan baru untuk konselor")
        URGENT_REQUEST = "urgent_request", _("permintaan mendesak")
        URGENT_TAKEN = "urgent_taken", _("permintaan mendesak diambil konselor lain")
        BOOKING_CONFIRMED = "booking_confirmed", _("pemesanan dikonfirmasi")
        BOOKING_DECLINED = "booking_declined", _("pemesanan ditolak")
        BOOKING_CHANGED = "booking_changed", _("pemesanan diubah")
        BOOKING_CANCELLED = "booking_cancelled", _("pemesanan dibatalkan")
        REMINDER_24H = "reminder_24h", _("pengingat 24 jam")
        REMINDER_1H = "reminder_1h", _("pengingat 1 jam")

    kind = models.CharField(max_length=32, choices=Kind.choices)
    booking = models.ForeignKey(
        "counseling_sessions.Booking", on_delete=models.CASCADE, related_name="outbox"
    )
    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+"
    )
    send_after = models.DateTimeField(default=timezone.now)
    claimed_at = models.DateTimeField(null=True, blank=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    cancelled_at = models.DateTimeField(null=True, blank=True)
    attempts = models.PositiveSmallIntegerField(default=0)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("pesan keluar")
        verbose_name_plural = _("pesan keluar")
        indexes = [
            models.Index(
                fields=["send_after"],
                condition=models.Q(sent_at__isnull=True, cancelled_at__isnull=True),
                name="outbox_pending",
            )
        ]

    def __str__(self):
        return f"#{self.pk} {self.kind}"

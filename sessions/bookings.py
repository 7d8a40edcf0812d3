"""Booking, rescheduling, cancelling, confirming and declining.

Each function is one transaction with its access-log event and its outbox messages
inside. No double booking: the counselor's row is locked before the free-slot check, so
concurrent requests for one counselor queue up and the later ones see the slot taken;
on PostgreSQL the exclusion constraint is the last line of defence.
"""

import datetime

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from counseling import policy
from counseling.accounts.models import User
from counseling.audit import log
from counseling.records import services as records_services
from counseling.records.models import CaseAssignment
from sessions import availability, outbox
from sessions import services as session_services
from sessions.models import Booking, CounselingSession

Kind = outbox.Kind
Status = Booking.Status


class BookingRefused(ValidationError):
    """A booking cannot be made or changed; the message says why and what to do."""


def _log(action, booking, by, purpose=log.Purpose.OWN):
    log.record(action, actor=by, obj=booking, counselee=booking.counselee, purpose=purpose)


def _lock_counselor(counselor):
    # Serialises bookings of one counselor: the free-slot check below sees every booking
    # committed before this lock was granted.
    return User.objects.select_for_update().get(pk=counselor.pk)


@transaction.atomic
def book(counselee, counselor, start, *, by, topic="", urgent=False, rescheduled_from=None):
    """Book the free slot of `counselor` that starts at `start` for `counselee`."""
    if counselee.user_id != by.pk or not policy.can_book(by, counselor):
        raise PermissionDenied
    _lock_counselor(counselor)
    slot = availability.find_free_slot(counselor, start)
    if slot is None:
        raise BookingRefused(
            _("Waktu ini sudah tidak tersedia. Pilih waktu lain yang masih kosong.")
        )
    active = Booking.objects.filter(
        counselee=counselee, status__in=Booking.ACTIVE, end__gt=timezone.now()
    )
    if rescheduled_from is not None:
        active = active.exclude(pk=rescheduled_from.pk)
    if active.count() >= settings.AMANAH_BOOKING_MAX_ACTIVE:
        raise BookingRefused(
            _(
                "Kamu sudah punya %(count)d jadwal yang belum berlangsung. Batalkan salah satu "
                "sebelum memesan lagi."
            )
            % {"count": settings.AMANAH_BOOKING_MAX_ACTIVE}
        )
    try:
        with transaction.atomic():
            booking = Booking.objects.create(
                counselee=counselee,
                counselor=counselor,
                start=slot.start,
                end=slot.end,
                mode=slot.mode,
                place=slot.place,
                topic=topic.strip(),
                urgent=urgent,
                rescheduled_from=rescheduled_from,
            )
    except IntegrityError:
        raise BookingRefused(
            _("Waktu ini baru saja dipesan. Pilih waktu lain yang masih kosong.")
        ) from None
    _log(log.Action.CREATE, booking, by)
    if counselee.counseling_ended_at is not None:
        # Her own new request: counseling may begin again (seed 004 a and d).
        counselee.counseling_ended_at = None
        counselee.save(update_fields=["counseling_ended_at"])
    if rescheduled_from is None:
        outbox.queue(booking, Kind.BOOKING_MADE, booking.counselee.user)
        outbox.queue(booking, Kind.BOOKING_REQUESTED, counselor)
    if urgent:
        # Every counselor, so someone answers quickly; never one with a declared conflict.
        conflicted = counselee.conflicts_of_interest.values("counselor_id")
        alerted = User.objects.filter(role=User.Role.COUNSELOR, is_active=True).exclude(
            pk__in=conflicted
        )
        outbox.alert_urgent(booking, alerted)
    return booking


def _check_cutoff(booking):
    if booking.start - timezone.now() < settings.AMANAH_BOOKING_CANCEL_CUTOFF:
        hours = int(settings.AMANAH_BOOKING_CANCEL_CUTOFF.total_seconds() // 3600)
        raise BookingRefused(
            _(
                "Jadwal ini tinggal kurang dari %(hours)d jam lagi dan tidak dapat diubah di "
                "sini. Hubungi guru BK-mu langsung."
            )
            % {"hours": hours}
        )


def _locked(booking):
    locked = Booking.objects.select_for_update().get(pk=booking.pk)
    if locked.status not in Booking.ACTIVE:
        raise BookingRefused(_("Pemesanan ini sudah tidak aktif."))
    return locked


def _close(booking, status, *, by, reason=""):
    booking.status = status
    booking.decline_reason = reason
    booking.save(update_fields=["status", "decline_reason", "updated_at"])
    outbox.cancel_pending(booking)
    if booking.session_id and booking.session.status == CounselingSession.Status.SCHEDULED:
        session_services.cancel_session(booking.session, by=by)


@transaction.atomic
def cancel(booking, *, by):
    """The student (before the cut-off) or the counselor cancels an active booking."""
    booking = _locked(booking)
    if by.pk == booking.counselee.user_id:
        _check_cutoff(booking)
        notify = booking.counselor
        purpose = log.Purpose.OWN
    elif by.pk == booking.counselor_id:
        notify = booking.counselee.user
        purpose = log.Purpose.BOOKING
    else:
        raise PermissionDenied
    _close(booking, Status.CANCELLED, by=by)
    _log(log.Action.UPDATE, booking, by, purpose)
    outbox.queue(booking, Kind.BOOKING_CANCELLED, notify)
    if notify != booking.counselee.user:
        outbox.queue(booking, Kind.BOOKING_CANCELLED, booking.counselee.user)
    return booking


@transaction.atomic
def cancel_all(counselee, *, by):
    """The student ended counseling: every active booking goes, whatever the cut-off."""
    for booking in Booking.objects.select_for_update().filter(
        counselee=counselee, status__in=Booking.ACTIVE
    ):
        _close(booking, Status.CANCELLED, by=by)
        _log(log.Action.UPDATE, booking, by)
        outbox.queue(booking, Kind.BOOKING_CANCELLED, booking.counselor)


@transaction.atomic
def reschedule(booking, new_start, *, by):
    """Move a booking to another free slot of the same counselor, as one change."""
    booking = _locked(booking)
    if by.pk != booking.counselee.user_id:
        raise PermissionDenied
    _check_cutoff(booking)
    was_confirmed = booking.status == Status.CONFIRMED
    # Free the old time first, so the new one may overlap it; if booking the new time
    # fails, the transaction puts the old booking back as it was.
    _close(booking, Status.CANCELLED, by=by)
    _log(log.Action.UPDATE, booking, by)
    new = book(
        booking.counselee,
        booking.counselor,
        new_start,
        by=by,
        topic=booking.topic,
        urgent=booking.urgent,
        rescheduled_from=booking,
    )
    outbox.queue(new, Kind.BOOKING_CHANGED, booking.counselee.user)
    outbox.queue(new, Kind.BOOKING_CHANGED, booking.counselor)
    if was_confirmed:
        confirm(new, by=booking.counselor, _notify=False)
    return new


@transaction.atomic
def confirm(booking, *, by, _notify=True):
    """The counselor accepts: the booking becomes a counseling session.

    A student with no counselor yet, who chose this one, is put on their caseload: the
    booking is the student's own request for help (seed 004 a and d).
    """
    booking = _locked(booking)
    if by.pk != booking.counselor_id:
        raise PermissionDenied
    if booking.status == Status.CONFIRMED:
        return booking
    counselee = booking.counselee
    if not CaseAssignment.objects.active().filter(counselee=counselee, counselor=by).exists():
        records_services.assign(by, counselee, by=by)
    booking.session = session_services.create_session_from_booking(booking, by=by)
    booking.status = Status.CONFIRMED
    booking.save(update_fields=["status", "session", "updated_at"])
    _log(log.Action.UPDATE, booking, by, log.Purpose.BOOKING)
    if _notify:
        outbox.queue(booking, Kind.BOOKING_CONFIRMED, counselee.user)
    for kind, before in (
        (Kind.REMINDER_24H, datetime.timedelta(hours=24)),
        (Kind.REMINDER_1H, datetime.timedelta(hours=1)),
    ):
        if booking.start - before > timezone.now():
            outbox.queue(booking, kind, counselee.user, send_after=booking.start - before)
    return booking


@transaction.atomic
def decline(booking, reason, *, by):
    booking = _locked(booking)
    if by.pk != booking.counselor_id:
        raise PermissionDenied
    if booking.status != Status.REQUESTED:
        raise BookingRefused(_("Hanya permintaan yang belum dikonfirmasi yang dapat ditolak."))
    if reason not in Booking.DeclineReason.values:
        raise BookingRefused(_("Pilih alasan dari daftar."))
    _close(booking, Status.DECLINED, by=by, reason=reason)
    _log(log.Action.UPDATE, booking, by, log.Purpose.BOOKING)
    outbox.queue(booking, Kind.BOOKING_DECLINED, booking.counselee.user)
    return booking

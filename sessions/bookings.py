"""Booking, rescheduling, cancelling, confirming, declining, and taking urgent requests.

Each function is one transaction with its access-log event and its outbox messages
inside, and asks the policy under its lock whether `by` may act. No double booking: the
counselor's row is locked before the free-slot check, so concurrent requests for one
counselor queue up and the later ones see the slot taken; on PostgreSQL the exclusion
constraint is the last line of defence. Locks are taken in one order: the counselor's
row, then the booking's.
"""

import datetime
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from counseling import policy
from counseling.accounts.models import User
from counseling.audit import log
from counseling.records import services as records_services
from counseling.records.models import CaseAssignment, Counselee
from sessions import availability, outbox
from sessions import services as session_services
from sessions.models import Booking, CounselingSession, DayOff

Kind = outbox.Kind
Status = Booking.Status


class BookingRefused(ValidationError):
    """A booking cannot be made or changed; the message says why and what to do."""


def _log(action: str, booking: Booking, by: Any, purpose: str | None = None) -> None:
    if purpose is None:
        purpose = policy.record_access(by, booking.counselee).purpose
    log.record(action, actor=by, obj=booking, counselee=booking.counselee, purpose=purpose)


def _lock_counselor(counselor: User) -> User:
    # Serialises bookings of one counselor: the free-slot check below sees every booking
    # committed before this lock was granted. NO KEY UPDATE, which still excludes other
    # bookers, lets a page view's access-log insert take its KEY SHARE on the counselor's
    # row: a full FOR UPDATE made it wait while holding the log's lock, which this
    # booking then waited for in turn (a deadlock).
    return User.objects.select_for_update(no_key=True).get(pk=counselor.pk)


# She asked that her data be processed no further for now (UU PDP art. 41).
RESTRICTED = gettext_lazy(
    "Pemrosesan datamu sedang dibatasi atas permintaanmu, jadi belum ada jadwal baru. Akhiri "
    "pembatasan di halaman Data saya bila kamu ingin memesan lagi."
)


@transaction.atomic
def book(
    counselee: Counselee,
    counselor: User,
    start: datetime.datetime,
    *,
    by: Any,
    topic: str = "",
    urgent: bool = False,
    rescheduled_from: Booking | None = None,
) -> Booking:
    """Book the free slot of `counselor` that starts at `start` for `counselee`."""
    _lock_counselor(counselor)
    return _book_locked(
        counselee,
        counselor,
        start,
        by=by,
        topic=topic,
        urgent=urgent,
        rescheduled_from=rescheduled_from,
    )


def _book_locked(
    counselee: Counselee,
    counselor: User,
    start: datetime.datetime,
    *,
    by: Any,
    topic: str,
    urgent: bool,
    rescheduled_from: Booking | None,
) -> Booking:
    """`book`, for a caller that holds the counselor's lock already."""
    if policy.is_restricted(counselee):
        raise BookingRefused(str(RESTRICTED))
    policy.require(policy.may_book(by, counselee, counselor), counselor)
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
    _log(log.Action.CREATE, booking, by, log.Purpose.OWN)
    if counselee.counseling_ended_at is not None:
        # Her own new request: counseling may begin again (seed 004 a and d).
        counselee.counseling_ended_at = None
        counselee.save(update_fields=["counseling_ended_at"])
    if rescheduled_from is None:
        # The student booking for herself is `by`, already loaded: no query for her again.
        student = by if counselee.user_id == getattr(by, "pk", None) else counselee.user
        outbox.queue(booking, Kind.BOOKING_MADE, student)
        outbox.queue(booking, Kind.BOOKING_REQUESTED, counselor)
    if urgent:
        outbox.alert_urgent(booking, policy.urgent_alert_recipients(counselee))
    return booking


def _check_cutoff(booking: Booking) -> None:
    if booking.start - timezone.now() < settings.AMANAH_BOOKING_CANCEL_CUTOFF:
        hours = int(settings.AMANAH_BOOKING_CANCEL_CUTOFF.total_seconds() // 3600)
        raise BookingRefused(
            _(
                "Jadwal ini tinggal kurang dari %(hours)d jam lagi dan tidak dapat diubah di "
                "sini. Hubungi guru BK-mu langsung."
            )
            % {"hours": hours}
        )


def _lock_with_sessions(bookings: QuerySet[Booking]) -> list[Booking]:
    """Lock `bookings` and the sessions they became, before anything is logged.

    The access log's lock is held to the end of a transaction that appended to it; a row
    lock waited for after it deadlocks with a writer that holds the row and waits for the
    log (TRAPS.md). So the rows a booking change touches are locked first, together.
    """
    locked = list(bookings.select_related("counselee").select_for_update(of=("self",)))
    session_ids = [booking.session_id for booking in locked if booking.session_id]
    if session_ids:
        sessions = CounselingSession.objects.select_for_update().in_bulk(session_ids)
        for booking in locked:
            if booking.session_id:
                booking.session = sessions[booking.session_id]
    return locked


def _locked(booking: Booking) -> Booking:
    [locked_booking] = _lock_with_sessions(Booking.objects.filter(pk=booking.pk))
    if locked_booking.status not in Booking.ACTIVE:
        raise BookingRefused(_("Pemesanan ini sudah tidak aktif."))
    return locked_booking


def _close(booking: Booking, status: str, *, by: Any, reason: str = "") -> None:
    """Close a booking whose row and session `_lock_with_sessions` locked."""
    booking.status = status
    booking.decline_reason = reason
    booking.save(update_fields=["status", "decline_reason", "updated_at"])
    outbox.cancel_pending(booking)
    session = booking.session
    if session is not None and session.status == CounselingSession.Status.SCHEDULED:
        session_services.cancel_session(session, by=by, locked=True)


@transaction.atomic
def cancel(booking: Booking, *, by: Any) -> Booking:
    """The student (before the cut-off) or the counselor cancels an active booking."""
    booking = _locked(booking)
    policy.require(policy.may_cancel(by, booking), booking, counselee=booking.counselee)
    by_student = policy.may_reschedule(by, booking)
    if by_student:
        _check_cutoff(booking)
    purpose = policy.record_access(by, booking.counselee).purpose
    _close(booking, Status.CANCELLED, by=by)
    _log(log.Action.UPDATE, booking, by, purpose)
    outbox.queue(booking, Kind.BOOKING_CANCELLED, booking.counselee.user)
    if by_student:
        outbox.queue(booking, Kind.BOOKING_CANCELLED, booking.counselor)
    return booking


def lock_active(counselee: Counselee, counselor: User | None = None) -> list[Booking]:
    """Lock the counselee's active bookings (with `counselor` only, if given) and their
    sessions, for `cancel_all` or `withdraw`, before anything is logged."""
    active = Booking.objects.filter(counselee=counselee, status__in=Booking.ACTIVE)
    if counselor is not None:
        active = active.filter(counselor=counselor)
    return _lock_with_sessions(active)


@transaction.atomic
def cancel_all(locked: list[Booking], *, by: Any) -> None:
    """The student ended counseling: every active booking goes, whatever the cut-off.

    `locked` is what `lock_active(counselee)` returned.
    """
    for booking in locked:
        _close(booking, Status.CANCELLED, by=by)
        _log(log.Action.UPDATE, booking, by, log.Purpose.OWN)
        outbox.queue(booking, Kind.BOOKING_CANCELLED, booking.counselor)


def on_day(counselor: User, day: datetime.date) -> QuerySet[Booking]:
    """The counselor's active bookings that start on `day` (the school's time zone)."""
    start = timezone.make_aware(datetime.datetime.combine(day, datetime.time.min))
    return (
        policy.bookings_for(counselor)
        .filter(status__in=Booking.ACTIVE, start__gte=start)
        .filter(start__lt=start + datetime.timedelta(days=1))
        .order_by("start")
    )


@transaction.atomic
def cancel_on_day_off(day_off: DayOff, *, by: User) -> int:
    """Cancel every active booking on the counselor's day off; each student is told.

    The day off itself stopped new bookings; the ones made before it are hers to cancel,
    and each student gets the same content-free message as any cancellation.
    """
    _lock_counselor(by)
    policy.require(policy.may_change_hours(by, day_off), day_off)
    count = 0
    for booking in _lock_with_sessions(on_day(by, day_off.date)):
        policy.require(policy.may_cancel(by, booking), booking, counselee=booking.counselee)
        purpose = policy.record_access(by, booking.counselee).purpose
        _close(booking, Status.CANCELLED, by=by)
        _log(log.Action.UPDATE, booking, by, purpose)
        outbox.queue(booking, Kind.BOOKING_CANCELLED, booking.counselee.user)
        count += 1
    return count


@transaction.atomic
def withdraw(locked: list[Booking], *, by: Any) -> int:
    """The counselor's reach ended: her requests from this student are declined, their
    confirmed bookings cancelled, and the student is told (without content) each time.

    Called by the case lifecycle (`sessions.cases`) when an assignment ends or a conflict
    is declared, with what `lock_active(counselee, counselor)` returned before anything
    was logged. Returns how many bookings were withdrawn.
    """
    count = 0
    for booking in locked:
        counselee = booking.counselee
        if booking.status == Status.REQUESTED:
            _close(booking, Status.DECLINED, by=by, reason=Booking.DeclineReason.COUNSELOR_CHANGED)
            outbox.queue(booking, Kind.BOOKING_DECLINED, counselee.user)
        else:
            _close(booking, Status.CANCELLED, by=by)
            outbox.queue(booking, Kind.BOOKING_CANCELLED, counselee.user)
        _log(log.Action.UPDATE, booking, by, log.Purpose.ADMINISTRATION)
        count += 1
    return count


@transaction.atomic
def reschedule(booking: Booking, new_start: datetime.datetime, *, by: Any) -> Booking:
    """Move a booking to another free slot of the same counselor, as one change.

    The moved booking is a new request: a confirmed time that moves goes back to the
    counselor to confirm again.
    """
    # The counselor's row first, as `book` takes it: the order every booking change
    # follows, and both before the access log's lock.
    _lock_counselor(booking.counselor)
    booking = _locked(booking)
    policy.require(policy.may_reschedule(by, booking), booking, counselee=booking.counselee)
    _check_cutoff(booking)
    # Free the old time first, so the new one may overlap it; if booking the new time
    # fails, the transaction puts the old booking back as it was.
    _close(booking, Status.CANCELLED, by=by)
    _log(log.Action.UPDATE, booking, by, log.Purpose.OWN)
    new = _book_locked(
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
    return new


@transaction.atomic
def confirm(booking: Booking, *, by: Any) -> Booking:
    """The counselor accepts: the booking becomes a counseling session.

    A student with no counselor yet, who chose this one, is put on her caseload: the
    booking is the student's own request for help (seed 004 a and d).
    """
    booking = _locked(booking)
    policy.require(policy.may_confirm(by, booking), booking, counselee=booking.counselee)
    if booking.status == Status.CONFIRMED:
        return booking
    counselee = booking.counselee
    if not policy.is_assigned(by, counselee):
        opened_by = (
            CaseAssignment.OpenedBy.URGENT_REQUEST
            if booking.urgent
            else CaseAssignment.OpenedBy.STUDENT_BOOKING
        )
        records_services.open_assignment(by, counselee, by=by, opened_by=opened_by)
    booking.session = session_services.create_session_from_booking(booking, by=by)
    booking.status = Status.CONFIRMED
    booking.save(update_fields=["status", "session", "updated_at"])
    _log(log.Action.UPDATE, booking, by)
    outbox.queue(booking, Kind.BOOKING_CONFIRMED, counselee.user)
    for kind, before in (
        (Kind.REMINDER_24H, datetime.timedelta(hours=24)),
        (Kind.REMINDER_1H, datetime.timedelta(hours=1)),
    ):
        if booking.start - before > timezone.now():
            outbox.queue(booking, kind, counselee.user, send_after=booking.start - before)
    return booking


@transaction.atomic
def decline(
    booking: Booking,
    reason: str,
    *,
    by: Any,
    offered_start: datetime.datetime | None = None,
) -> Booking:
    """The counselor declines a request with a reason, and may offer another free time.

    The offer reserves nothing: the student sees it (on the booking and in the e-mail)
    and books it like any slot while it is still free.
    """
    booking = _locked(booking)
    policy.require(policy.may_decline(by, booking), booking, counselee=booking.counselee)
    if booking.status != Status.REQUESTED:
        raise BookingRefused(_("Hanya permintaan yang belum dikonfirmasi yang dapat ditolak."))
    if reason not in Booking.DeclineReason.values:
        raise BookingRefused(_("Pilih alasan dari daftar."))
    if offered_start is not None:
        if (
            offered_start == booking.start
            or availability.find_free_slot(booking.counselor, offered_start) is None
        ):
            raise BookingRefused(_("Waktu yang ditawarkan sudah tidak kosong. Pilih waktu lain."))
        booking.offered_start = offered_start
        booking.save(update_fields=["offered_start"])
    _close(booking, Status.DECLINED, by=by, reason=reason)
    _log(log.Action.UPDATE, booking, by)
    outbox.queue(booking, Kind.BOOKING_DECLINED, booking.counselee.user)
    return booking


class AlreadyTaken(BookingRefused):
    """Another counselor took the urgent request first."""

    def __init__(self, taker: User):
        super().__init__(
            _("Permintaan ini sudah ditangani oleh %(name)s.") % {"name": taker.full_name}
        )
        self.taker = taker


@transaction.atomic
def take_urgent(booking: Booking, *, by: User) -> Booking:
    """A counselor takes an urgent request ("Saya tangani"): it becomes her session.

    Every counselor without a conflict was alerted; the first to take it wins. The
    taker's row is locked (her time), then the booking's, so two counselors taking at
    once queue on the booking and the second finds it taken.
    """
    _lock_counselor(by)
    locked = Booking.objects.select_related("counselee", "counselor").select_for_update(
        of=("self",)
    )
    booking = locked.get(pk=booking.pk)
    policy.require(policy.may_see_urgent_request(by, booking), booking, counselee=booking.counselee)
    if booking.status == Status.CONFIRMED:
        raise AlreadyTaken(booking.counselor)
    policy.require(
        policy.may_take_urgent_request(by, booking), booking, counselee=booking.counselee
    )
    if booking.counselor_id != by.pk:
        if availability.is_busy(by, booking.start, booking.end):
            raise BookingRefused(
                _(
                    "Anda sudah punya jadwal pada waktu itu. Kosongkan dulu, atau biarkan "
                    "konselor lain mengambilnya."
                )
            )
        booked = booking.counselor
        booking.counselor = by
        booking.save(update_fields=["counselor", "updated_at"])
        outbox.queue(booking, Kind.URGENT_TAKEN, booked)
    confirmed = confirm(booking, by=by)
    # Logged last: `confirm` re-takes the booking's lock, which must come before the log's.
    log.record(
        log.Action.URGENT_TAKEN,
        actor=by,
        obj=booking,
        counselee=booking.counselee,
        purpose=log.Purpose.BOOKING,
    )
    return confirmed

"""The booking rules, at the service layer."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied
from django.utils import timezone

from consent.services import ConsentRequired
from counseling.audit.models import AccessEvent
from counseling.notices.models import Notice
from sessions import availability, bookings, cases
from sessions import services as session_services
from sessions.bookings import BookingRefused
from sessions.models import AvailabilityRule, Booking, CounselingSession, DayOff
from tests.conftest import sealed, time_has_come
from tests.sessions.booking_helpers import at, open_hours, tomorrow

TOPIC = "Aku bertengkar hebat dengan kakakku soal uang saku."


@pytest.fixture
def hours(bu_rina):
    return open_hours(bu_rina)


def book(student, counselor, start, **kwargs):
    return bookings.book(student.counselee, counselor, start, by=student, **kwargs)


def test_free_slots_follow_the_hours_with_their_buffer(hours, bu_rina):
    starts = [timezone.localtime(s.start).time() for s in availability.free_slots(bu_rina)]
    assert starts == [datetime.time(h) for h in range(8, 14)]


def test_weekly_hours_repeat_and_days_off_remove_them(bu_rina):
    day = tomorrow()
    AvailabilityRule.objects.create(
        counselor=bu_rina,
        weekday=day.weekday(),
        start_time=datetime.time(9),
        end_time=datetime.time(10),
        slot_minutes=60,
        buffer_minutes=0,
    )
    days = {timezone.localtime(s.start).date() for s in availability.free_slots(bu_rina)}
    assert day in days and day + datetime.timedelta(days=7) in days
    DayOff.objects.create(counselor=bu_rina, date=day)
    days = {timezone.localtime(s.start).date() for s in availability.free_slots(bu_rina)}
    assert day not in days and day + datetime.timedelta(days=7) in days


def test_a_booking_takes_the_slot_and_shows_no_one_else_who(hours, siti, dimas, bu_rina, admin):
    cases.end_assignment(dimas.counselee.assignments.get(), by=admin)  # dimas: no counselor
    book(siti, bu_rina, at(tomorrow(), 10), topic=TOPIC)
    starts = [s.start for s in availability.free_slots(bu_rina)]
    assert at(tomorrow(), 10) not in starts
    with pytest.raises(BookingRefused, match="tidak tersedia"):
        book(dimas, bu_rina, at(tomorrow(), 10))


def test_the_topic_is_encrypted_and_the_booking_logged(hours, siti, bu_rina):
    from django.db import connection

    booking = book(siti, bu_rina, at(tomorrow(), 10), topic=TOPIC)
    with connection.cursor() as cursor:
        cursor.execute("SELECT topic FROM counseling_sessions_booking")
        [(stored,)] = cursor.fetchall()
    assert sealed(stored) and TOPIC not in stored
    event = AccessEvent.objects.get(action="create", object_id=str(booking.public_id))
    assert (event.actor, event.counselee) == (siti, siti.counselee)


def test_minimum_notice(bu_rina, siti, settings):
    soon = timezone.localtime() + datetime.timedelta(hours=1)
    open_hours(bu_rina, day=soon.date(), start=0, end=23, minutes=30, buffer=0)
    settings.AMANAH_BOOKING_MIN_NOTICE = datetime.timedelta(hours=2)
    starts = [s.start for s in availability.free_slots(bu_rina)]
    assert all(start >= timezone.now() + datetime.timedelta(hours=2) for start in starts)


def test_booking_window(bu_rina, siti, settings):
    settings.AMANAH_BOOKING_WINDOW = datetime.timedelta(days=3)
    far = tomorrow() + datetime.timedelta(days=5)
    open_hours(bu_rina, day=far)
    with pytest.raises(BookingRefused):
        book(siti, bu_rina, at(far, 10))


def test_a_student_books_only_her_own_counselor_while_she_has_one(hours, siti, pak_budi):
    open_hours(pak_budi)
    with pytest.raises(PermissionDenied):
        book(siti, pak_budi, at(tomorrow(), 10))


def test_a_student_without_a_counselor_may_book_any_but_a_conflicted_one(
    siti, bu_rina, pak_budi, admin
):
    cases.end_assignment(siti.counselee.assignments.get(), by=admin)
    open_hours(pak_budi)
    assert book(siti, pak_budi, at(tomorrow(), 10)).status == Booking.Status.REQUESTED
    cases.declare_conflict(siti.counselee, "family", by=pak_budi)
    with pytest.raises(PermissionDenied):
        book(siti, pak_budi, at(tomorrow(), 11))


def test_nobody_books_for_another_student(hours, siti, dimas, bu_rina):
    with pytest.raises(PermissionDenied):
        bookings.book(siti.counselee, bu_rina, at(tomorrow(), 10), by=dimas)


def test_nobody_cancels_another_students_booking(hours, siti, dimas, bu_rina):
    booking = book(siti, bu_rina, at(tomorrow(), 10))
    with pytest.raises(PermissionDenied):
        bookings.cancel(booking, by=dimas)
    booking.refresh_from_db()
    assert booking.status == Booking.Status.REQUESTED


def test_cancel_up_to_the_cut_off(bu_rina, siti, settings):
    settings.AMANAH_BOOKING_MIN_NOTICE = datetime.timedelta(0)
    soon = timezone.localtime() + datetime.timedelta(minutes=90)
    # Hours all day on that day and the next, so a slot follows `soon` at any hour (late
    # in the evening the next one is after midnight), always less than 24 hours ahead.
    for day in (soon.date(), soon.date() + datetime.timedelta(days=1)):
        open_hours(bu_rina, day=day, start=0, end=23, minutes=30, buffer=0)
    slot = next(s for s in availability.free_slots(bu_rina) if s.start > soon)
    booking = book(siti, bu_rina, slot.start)
    settings.AMANAH_BOOKING_CANCEL_CUTOFF = datetime.timedelta(hours=24)
    with pytest.raises(BookingRefused, match="kurang dari 24 jam"):
        bookings.cancel(booking, by=siti)
    settings.AMANAH_BOOKING_CANCEL_CUTOFF = datetime.timedelta(minutes=1)
    assert bookings.cancel(booking, by=siti).status == Booking.Status.CANCELLED


def test_overlapping_lengths_are_refused(siti, dimas, bu_rina, admin):
    """A 09:00 one-hour booking and a 09:30 one-hour booking cannot both stand."""
    cases.end_assignment(dimas.counselee.assignments.get(), by=admin)
    open_hours(bu_rina, start=9, end=10, minutes=60, buffer=0)
    AvailabilityRule.objects.create(
        counselor=bu_rina,
        date=tomorrow(),
        start_time=datetime.time(9, 30),
        end_time=datetime.time(10, 30),
        slot_minutes=60,
        buffer_minutes=0,
    )
    book(siti, bu_rina, at(tomorrow(), 9))
    with pytest.raises(BookingRefused):
        book(dimas, bu_rina, at(tomorrow(), 9, 30))
    assert Booking.objects.count() == 1


def test_back_to_back_bookings_are_fine(siti, dimas, bu_rina, admin):
    cases.end_assignment(dimas.counselee.assignments.get(), by=admin)
    open_hours(bu_rina, start=9, end=11, minutes=60, buffer=0)
    book(siti, bu_rina, at(tomorrow(), 9))
    book(dimas, bu_rina, at(tomorrow(), 10))
    assert Booking.objects.count() == 2


def test_reschedule_moves_the_booking_as_one_change(hours, siti, bu_rina):
    first = book(siti, bu_rina, at(tomorrow(), 10), topic=TOPIC)
    moved = bookings.reschedule(first, at(tomorrow(), 11), by=siti)
    first.refresh_from_db()
    assert first.status == Booking.Status.CANCELLED
    assert (moved.start, moved.topic, moved.rescheduled_from) == (at(tomorrow(), 11), TOPIC, first)
    assert at(tomorrow(), 10) in [s.start for s in availability.free_slots(bu_rina)]


def test_a_failed_reschedule_keeps_the_old_booking(hours, siti, bu_rina):
    first = book(siti, bu_rina, at(tomorrow(), 10))
    with pytest.raises(BookingRefused):
        bookings.reschedule(first, at(tomorrow(), 10, 30), by=siti)  # not a slot
    first.refresh_from_db()
    assert first.status == Booking.Status.REQUESTED


def test_at_most_three_upcoming_bookings(hours, siti, bu_rina):
    for hour in (8, 9, 10):
        book(siti, bu_rina, at(tomorrow(), hour))
    with pytest.raises(BookingRefused, match="3 jadwal"):
        book(siti, bu_rina, at(tomorrow(), 11))


def test_confirming_makes_a_session_that_needs_consent_to_start(nabila, pak_budi):
    open_hours(pak_budi)
    booking = bookings.confirm(book(nabila, pak_budi, at(tomorrow(), 10)), by=pak_budi)
    session = booking.session
    assert (session.scheduled_start, session.counselor, session.status) == (
        at(tomorrow(), 10),
        pak_budi,
        CounselingSession.Status.SCHEDULED,
    )
    time_has_come(session)
    with pytest.raises(ConsentRequired):
        session_services.start_session(session, by=pak_budi, limits_explained=True)


def test_confirming_a_student_without_a_counselor_opens_the_case(siti, pak_budi, admin):
    cases.end_assignment(siti.counselee.assignments.get(), by=admin)
    open_hours(pak_budi)
    booking = book(siti, pak_budi, at(tomorrow(), 10))
    bookings.confirm(booking, by=pak_budi)
    assert siti.counselee.assignments.active().get().counselor == pak_budi


def test_only_the_booked_counselor_confirms_or_declines(hours, siti, bu_rina, pak_budi):
    booking = book(siti, bu_rina, at(tomorrow(), 10))
    with pytest.raises(PermissionDenied):
        bookings.confirm(booking, by=pak_budi)
    with pytest.raises(PermissionDenied):
        bookings.decline(booking, "unavailable", by=pak_budi)


def test_decline_needs_a_reason_from_the_list_and_frees_the_slot(hours, siti, bu_rina):
    booking = book(siti, bu_rina, at(tomorrow(), 10))
    with pytest.raises(BookingRefused):
        bookings.decline(booking, "tidak suka", by=bu_rina)
    bookings.decline(booking, "school_event", by=bu_rina)
    assert at(tomorrow(), 10) in [s.start for s in availability.free_slots(bu_rina)]


def test_cancelling_a_confirmed_booking_cancels_its_session_and_reminders(hours, siti, bu_rina):
    booking = bookings.confirm(book(siti, bu_rina, at(tomorrow(), 10)), by=bu_rina)
    bookings.cancel(booking, by=siti)
    booking.session.refresh_from_db()
    assert booking.session.status == CounselingSession.Status.CANCELLED
    reminders = Notice.objects.filter(booking=booking, kind__startswith="reminder")
    assert reminders.exists()
    assert all(r.cancelled_at is not None for r in reminders)


def test_an_urgent_request_alerts_every_counselor(hours, siti, bu_rina, pak_budi):
    booking = book(siti, bu_rina, at(tomorrow(), 10), urgent=True)
    alerted = set(
        Notice.objects.filter(booking=booking, kind="urgent_request").values_list(
            "recipient__username", flat=True
        )
    )
    assert alerted == {"bu_rina", "pak_budi"}


def test_a_walk_in_session_holds_the_counselors_time(hours, siti, bu_rina):
    session = session_services.create_walk_in_session(siti.counselee, by=bu_rina)
    CounselingSession.objects.filter(pk=session.pk).update(
        scheduled_start=at(tomorrow(), 10), scheduled_end=at(tomorrow(), 10, 45)
    )
    assert at(tomorrow(), 10) not in [s.start for s in availability.free_slots(bu_rina)]


def test_an_urgent_alert_skips_a_counselor_with_a_declared_conflict(hours, siti, bu_rina, pak_budi):
    cases.declare_conflict(siti.counselee, "family", by=pak_budi)
    booking = book(siti, bu_rina, at(tomorrow(), 10), urgent=True)
    alerted = Notice.objects.filter(booking=booking, kind="urgent_request")
    assert list(alerted.values_list("recipient__username", flat=True)) == ["bu_rina"]

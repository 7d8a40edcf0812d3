"""Ending counseling: the student's right, and the counselor's when it no longer helps."""

from django.urls import reverse

from counseling.records.models import CaseAssignment, Counselee
from sessions import cases


def test_the_student_ends_counseling_after_a_confirm_step(
    client_for, siti, bu_rina, mailoutbox, django_capture_on_commit_callbacks
):
    bu_rina.email = "rina@sekolah.test"
    bu_rina.save()
    client = client_for(siti)
    confirm = client.get(reverse("end-counseling"))
    assert "Catatanmu tidak dihapus" in confirm.text
    assert CaseAssignment.objects.active().filter(counselee__user=siti).exists()

    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("end-counseling"))

    assignment = CaseAssignment.objects.get(counselee__user=siti)
    assert assignment.ended_at is not None
    assert assignment.end_reason == "student_ended"
    assert Counselee.objects.filter(user=siti).exists()  # records are kept
    [mail] = mailoutbox
    assert mail.to == ["rina@sekolah.test"]
    assert "Siti" not in mail.body and "1001" not in mail.body
    # Bu Rina no longer reaches the record.
    assert (
        client_for(bu_rina)
        .get(reverse("counselee-detail", args=[siti.counselee.public_id]))
        .status_code
        == 404
    )


def test_the_counselor_closes_a_case_that_no_longer_helps(client_for, siti, bu_rina):
    response = client_for(bu_rina).post(reverse("close-case", args=[siti.counselee.public_id]))
    assert response.status_code == 302
    assignment = CaseAssignment.objects.get(counselee__user=siti)
    assert assignment.end_reason == "counselor_closed"


def test_another_counselor_cannot_close_the_case(client_for, siti, pak_budi):
    response = client_for(pak_budi).post(reverse("close-case", args=[siti.counselee.public_id]))
    assert response.status_code == 404
    assert CaseAssignment.objects.active().filter(counselee__user=siti).exists()


def test_ending_counseling_cancels_every_booking_and_its_reminders(client_for, siti, bu_rina):
    from counseling.notices.models import Notice
    from sessions import bookings
    from sessions.models import Booking
    from tests.sessions.booking_helpers import at, open_hours, tomorrow

    open_hours(bu_rina)
    confirmed = bookings.confirm(
        bookings.book(siti.counselee, bu_rina, at(tomorrow(), 9), by=siti), by=bu_rina
    )
    requested = bookings.book(siti.counselee, bu_rina, at(tomorrow(), 10), by=siti)
    client_for(siti).post(reverse("end-counseling"))
    for booking in (confirmed, requested):
        booking.refresh_from_db()
        assert booking.status == Booking.Status.CANCELLED
    reminders = Notice.objects.filter(kind__startswith="reminder")
    assert reminders.exists() and not reminders.filter(cancelled_at__isnull=True).exists()


def test_after_ending_only_the_students_own_request_opens_a_case(siti, bu_rina, admin):
    import pytest
    from django.core.exceptions import ValidationError

    from counseling.records import services as records
    from sessions import bookings
    from tests.sessions.booking_helpers import at, open_hours, tomorrow

    cases.end_counseling(siti.counselee, by=siti)
    with pytest.raises(ValidationError, match="mengakhiri konseling"):
        records.assign(bu_rina, siti.counselee, by=admin)
    open_hours(bu_rina)
    booking = bookings.book(siti.counselee, bu_rina, at(tomorrow(), 10), by=siti)
    bookings.confirm(booking, by=bu_rina)
    assert siti.counselee.assignments.active().get().counselor == bu_rina

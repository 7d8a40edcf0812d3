"""A day off with bookings already on it lists them and offers to cancel them all.

Before, setting a day off said nothing of the bookings already made on it.
"""

from django.urls import reverse
from django.utils import timezone

from counseling.notices.models import Notice
from counseling.records import services as records
from sessions import bookings
from sessions.models import Booking, DayOff
from tests.conftest import slot_at


def _day_off_form(day):
    return {"off-date": day.isoformat()}


def test_a_day_off_lists_the_bookings_on_it_and_cancels_them_telling_each_student(
    client_for, siti, dimas, bu_rina, siti_booking, admin
):
    records.assign(bu_rina, dimas.counselee, by=admin)
    dimas_booking = bookings.book(
        dimas.counselee, bu_rina, slot_at(bu_rina, hour=12).start, by=dimas
    )
    bookings.confirm(siti_booking, by=bu_rina)
    client = client_for(bu_rina)
    day = timezone.localtime(siti_booking.start).date()

    response = client.post(reverse("day-off-add"), _day_off_form(day))

    day_off = DayOff.objects.get(counselor=bu_rina, date=day)
    assert response["Location"] == reverse("day-off-bookings", args=[day_off.pk])
    page = client.get(response["Location"]).text
    assert "Siti" in page and "Dimas" in page
    assert "Batalkan 2 jadwal ini" in page
    assert "2 jadwal masih terpesan" in client.get(reverse("availability")).text

    client.post(reverse("day-off-bookings", args=[day_off.pk]))

    for booking, student in ((siti_booking, siti), (dimas_booking, dimas)):
        booking.refresh_from_db()
        assert booking.status == Booking.Status.CANCELLED
        assert Notice.objects.filter(
            booking=booking, recipient=student, kind=Notice.Kind.BOOKING_CANCELLED
        ).exists()
    siti_booking.session.refresh_from_db()
    assert siti_booking.session.status == "cancelled"


def test_a_day_off_without_bookings_goes_back_to_the_hours_page(client_for, bu_rina, rina_hours):
    response = client_for(bu_rina).post(
        reverse("day-off-add"), _day_off_form(slot_at(bu_rina).start.date())
    )
    assert response["Location"] == reverse("availability")


def test_another_counselor_cannot_see_or_cancel_them(client_for, bu_rina, pak_budi, siti_booking):
    day_off = DayOff.objects.create(counselor=bu_rina, date=timezone.localdate(siti_booking.start))
    client = client_for(pak_budi)
    url = reverse("day-off-bookings", args=[day_off.pk])
    assert client.get(url).status_code == 404
    assert client.post(url).status_code == 404
    siti_booking.refresh_from_db()
    assert siti_booking.status == Booking.Status.REQUESTED

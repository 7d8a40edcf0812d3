"""Declining: the counselor chooses a reason (none is chosen for her) and may offer a time.

Before, declining was one click with the first reason preselected, and nothing else.
"""

import pytest
from django.urls import reverse

from counseling.celery import app as project_app
from counseling.notices import publishing
from sessions import availability, bookings
from sessions.bookings import BookingRefused
from sessions.models import Booking
from tests.conftest import slot_at
from tests.sessions.outbox_support import give_addresses


def test_no_reason_is_preselected(client_for, bu_rina, siti_booking):
    page = client_for(bu_rina).get(reverse("booking-detail", args=[siti_booking.public_id]))
    assert 'type="radio" name="reason"' in page.text
    assert "checked" not in page.text.split('class="decline"')[1].split("</form>")[0]


def test_declining_without_a_reason_is_refused(client_for, bu_rina, siti_booking):
    client = client_for(bu_rina)
    response = client.post(reverse("booking-decline", args=[siti_booking.public_id]), follow=True)
    assert "Pilih alasan penolakan" in response.text
    siti_booking.refresh_from_db()
    assert siti_booking.status == Booking.Status.REQUESTED


def test_the_counselor_offers_another_time_and_the_student_may_book_it(
    client_for, siti, bu_rina, siti_booking, mailoutbox, monkeypatch
):
    monkeypatch.setitem(project_app.conf, "task_always_eager", True)
    give_addresses(siti, bu_rina)
    other = slot_at(bu_rina, days=3, hour=9)
    client_for(bu_rina).post(
        reverse("booking-decline", args=[siti_booking.public_id]),
        {"reason": Booking.DeclineReason.UNAVAILABLE, "offer": other.key},
    )
    siti_booking.refresh_from_db()
    assert siti_booking.status == Booking.Status.DECLINED
    assert siti_booking.offered_start == other.start

    publishing.requeue()
    declined = [mail for mail in mailoutbox if siti.email in mail.to]
    assert any("menawarkan waktu lain" in mail.body for mail in declined)

    page = client_for(siti).get(reverse("booking-detail", args=[siti_booking.public_id]))
    assert "Pesan waktu yang ditawarkan" in page.text
    assert reverse("book-confirm", args=[bu_rina.username, other.key]) in page.text


def test_an_offer_must_be_a_free_time(siti, bu_rina, siti_booking):
    with pytest.raises(BookingRefused, match="tidak kosong"):
        bookings.decline(
            siti_booking,
            Booking.DeclineReason.UNAVAILABLE,
            by=bu_rina,
            offered_start=siti_booking.start,
        )
    assert availability.find_free_slot(bu_rina, slot_at(bu_rina, days=3).start) is not None

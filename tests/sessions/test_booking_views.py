"""A student books from a phone in three screens, and sees, cancels and moves her bookings."""

import datetime

import pytest
from django.db import OperationalError, connection
from django.urls import reverse

from counseling.accounts.models import User
from counseling.audit.models import AccessEvent
from counseling.records.models import ConflictOfInterest
from sessions import bookings
from sessions.models import Booking
from tests.conftest import BOOKING_TOPIC, acknowledge, make_counselee, make_user, slot_at


@pytest.fixture
def ayu(db, consent_v1):
    """A student with no counselor yet: she may book any counselor."""
    user = make_user("ayu", "Ayu Lestari", User.Role.STUDENT)
    make_counselee(user, "1004", class_name="X-3")
    acknowledge(user, consent_v1)
    return user


def confirm_url(counselor, slot):
    return reverse("book-confirm", args=[counselor.username, slot.key])


def messages_of(response):
    return [str(m) for m in response.context["messages"]]


def test_the_entry_skips_to_the_slots_when_there_is_one_counselor(client_for, siti, bu_rina):
    response = client_for(siti).get(reverse("book"))
    assert response.status_code == 302
    assert response["Location"] == reverse("book-slots", args=[bu_rina.username])


def test_a_student_without_a_counselor_chooses_among_those_without_a_conflict(
    client_for, ayu, bu_rina, pak_budi, admin
):
    client = client_for(ayu)
    page = client.get(reverse("book"))
    assert page.status_code == 200
    assert bu_rina.full_name in page.text and pak_budi.full_name in page.text

    ConflictOfInterest.objects.create(
        counselor=pak_budi, counselee=ayu.counselee, relation="family"
    )
    page = client.get(reverse("book"))
    assert page.status_code == 302
    assert page["Location"] == reverse("book-slots", args=[bu_rina.username])
    assert client.get(reverse("book-slots", args=[pak_budi.username])).status_code == 404


def test_the_slots_page_offers_free_times_by_day_and_hides_taken_ones(
    client_for, ayu, siti_booking, bu_rina
):
    taken = slot_at(bu_rina, days=2, hour=9)
    bookings.book(siti_booking.counselee, bu_rina, taken.start, by=siti_booking.counselee.user)
    free = slot_at(bu_rina, days=2, hour=11)

    page = client_for(ayu).get(reverse("book-slots", args=[bu_rina.username]))

    assert page.status_code == 200
    assert confirm_url(bu_rina, free) in page.text
    assert confirm_url(bu_rina, taken) not in page.text
    assert "Siti" not in page.text
    days = page.context["days"]
    assert [day for day, _slots in days] == sorted({day for day, _slots in days})


def test_siti_books_in_three_screens_and_lands_on_her_booking(
    client_for, siti, bu_rina, rina_hours
):
    client = client_for(siti)
    slots_url = client.get(reverse("book"))["Location"]
    slot = slot_at(bu_rina, days=3, hour=10)
    assert confirm_url(bu_rina, slot) in client.get(slots_url).text

    form = client.get(confirm_url(bu_rina, slot))
    assert "terenkripsi" in form.text
    assert 'name="urgent"' in form.text

    response = client.post(
        confirm_url(bu_rina, slot), {"topic": BOOKING_TOPIC, "urgent": "on"}, follow=True
    )

    booking = Booking.objects.get()
    assert response.redirect_chain == [(reverse("booking-detail", args=[booking.public_id]), 302)]
    assert any("Permintaanmu terkirim" in m for m in messages_of(response))
    assert (booking.start, booking.topic, booking.urgent) == (slot.start, BOOKING_TOPIC, True)
    assert booking.status == Booking.Status.REQUESTED
    assert BOOKING_TOPIC in response.text


def test_a_slot_taken_meanwhile_is_refused_with_a_clear_message(
    client_for, siti, ayu, bu_rina, rina_hours
):
    slot = slot_at(bu_rina)
    bookings.book(ayu.counselee, bu_rina, slot.start, by=ayu)

    response = client_for(siti).post(confirm_url(bu_rina, slot), {"topic": ""}, follow=True)

    assert response.redirect_chain[-1][0] == reverse("book-slots", args=[bu_rina.username])
    assert any("sudah tidak tersedia" in m for m in messages_of(response))
    assert Booking.objects.count() == 1


def test_the_services_refusal_is_shown_on_the_form(client_for, siti, bu_rina, rina_hours):
    for hour in (8, 9, 10):
        bookings.book(siti.counselee, bu_rina, slot_at(bu_rina, hour=hour).start, by=siti)

    response = client_for(siti).post(
        confirm_url(bu_rina, slot_at(bu_rina, hour=11)), {"topic": BOOKING_TOPIC}
    )

    assert response.status_code == 200
    assert "Kamu sudah punya 3 jadwal" in response.text
    assert Booking.objects.count() == 3


@pytest.mark.skipif(
    connection.vendor != "sqlite",
    reason="SQLite's busy database only; PostgreSQL's errors are reported (test_deadlock.py)",
)
def test_a_locked_database_asks_the_student_to_try_again(
    client_for, siti, bu_rina, rina_hours, monkeypatch
):
    def locked(*args, **kwargs):
        raise OperationalError("database is locked")

    monkeypatch.setattr(bookings, "book", locked)
    response = client_for(siti).post(confirm_url(bu_rina, slot_at(bu_rina)), {"topic": "x"})

    assert response.status_code == 200
    assert "Coba lagi" in response.text


def test_other_database_errors_are_not_disguised(
    client_for, siti, bu_rina, rina_hours, monkeypatch
):
    def broken(*args, **kwargs):
        raise OperationalError("no such table: counseling_sessions_booking")

    monkeypatch.setattr(bookings, "book", broken)
    with pytest.raises(OperationalError):
        client_for(siti).post(confirm_url(bu_rina, slot_at(bu_rina)), {"topic": ""})


def test_a_malformed_slot_is_a_404(client_for, siti, bu_rina, rina_hours):
    url = reverse("book-confirm", args=[bu_rina.username, "tomorrow"])
    assert client_for(siti).get(url).status_code == 404


# Consent comes first, but only once: the student may go on without agreeing.


def test_a_student_without_consent_sees_the_document_first_and_may_go_on(
    client_for, nabila, pak_budi, budi_hours
):
    client = client_for(nabila)
    response = client.get(reverse("book"))
    assert response.status_code == 302
    assert response["Location"] == reverse("consent") + "?next=%2Fbook%2F"

    document = client.get(response["Location"])
    assert 'name="next" value="/book/"' in document.text
    assert reverse("consent-later") in document.text

    later = client.post(reverse("consent-later"), {"next": "/book/"})
    assert later["Location"] == "/book/"
    assert client.get("/book/")["Location"] == reverse("book-slots", args=[pak_budi.username])


def test_going_on_later_never_leaves_the_site(client_for, nabila):
    response = client_for(nabila).post(
        reverse("consent-later"), {"next": "https://evil.example/book/"}
    )
    assert response["Location"] == reverse("student-dashboard")


def test_agreeing_returns_to_the_booking(client_for, nabila, consent_v1):
    from consent import rendering

    response = client_for(nabila).post(
        reverse("consent") + "?next=/book/",
        {
            "version": 1,
            "text_hash": rendering.text_hash(consent_v1.title_id, consent_v1.body_id),
            "understood": "on",
            "typed_name": nabila.full_name,
            "next": "/book/",
        },
    )
    assert response["Location"] == "/book/"


# My bookings and the booking page.


def test_my_bookings_lists_upcoming_and_past_with_their_status(
    client_for, siti, bu_rina, siti_booking
):
    moved = bookings.reschedule(siti_booking, slot_at(bu_rina, days=4).start, by=siti)
    cancelled = bookings.book(siti.counselee, bu_rina, slot_at(bu_rina, hour=12).start, by=siti)
    bookings.cancel(cancelled, by=siti)

    page = client_for(siti).get(reverse("my-bookings"))

    assert list(page.context["upcoming"]) == [moved]
    assert set(page.context["past"]) == {siti_booking, cancelled}
    assert "Dipindah" in page.text and "Dibatalkan" in page.text
    assert "Menunggu konfirmasi" in page.text
    assert BOOKING_TOPIC not in page.text


def test_siti_reads_her_booking_and_the_look_is_logged(client_for, siti, siti_booking):
    page = client_for(siti).get(reverse("booking-detail", args=[siti_booking.public_id]))

    assert page.status_code == 200
    assert BOOKING_TOPIC in page.text
    event = AccessEvent.objects.filter(action=AccessEvent.Action.VIEW).latest("id")
    assert (event.actor, event.purpose, event.object_id) == (
        siti,
        AccessEvent.Purpose.OWN,
        str(siti_booking.public_id),
    )


def test_cancelling_asks_first_then_cancels(client_for, siti, siti_booking):
    client = client_for(siti)
    url = reverse("booking-cancel", args=[siti_booking.public_id])

    assert "Ya, batalkan" in client.get(url).text
    siti_booking.refresh_from_db()
    assert siti_booking.status == Booking.Status.REQUESTED

    response = client.post(url)
    assert response["Location"] == reverse("my-bookings")
    siti_booking.refresh_from_db()
    assert siti_booking.status == Booking.Status.CANCELLED


def test_cancelling_after_the_cut_off_is_refused_with_the_reason(
    client_for, siti, siti_booking, settings
):
    settings.AMANAH_BOOKING_CANCEL_CUTOFF = datetime.timedelta(days=7)
    response = client_for(siti).post(
        reverse("booking-cancel", args=[siti_booking.public_id]), follow=True
    )
    assert any("Hubungi guru BK-mu langsung" in m for m in messages_of(response))
    siti_booking.refresh_from_db()
    assert siti_booking.status == Booking.Status.REQUESTED


def test_rescheduling_moves_the_booking_to_another_free_slot(
    client_for, siti, bu_rina, siti_booking
):
    client = client_for(siti)
    url = reverse("booking-reschedule", args=[siti_booking.public_id])
    new_slot = slot_at(bu_rina, days=5, hour=13)
    assert f'href="?slot={new_slot.key}"' in client.get(url).text

    response = client.post(url, {"slot": new_slot.key})

    new = Booking.objects.get(rescheduled_from=siti_booking)
    assert response["Location"] == reverse("booking-detail", args=[new.public_id])
    assert (new.start, new.topic) == (new_slot.start, BOOKING_TOPIC)
    siti_booking.refresh_from_db()
    assert siti_booking.status == Booking.Status.CANCELLED


def test_choosing_a_new_time_asks_to_confirm_the_move_first(
    client_for, siti, bu_rina, siti_booking
):
    bookings.confirm(siti_booking, by=bu_rina)
    client = client_for(siti)
    url = reverse("booking-reschedule", args=[siti_booking.public_id])
    new_slot = slot_at(bu_rina, days=5, hour=13)

    asked = client.get(url, {"slot": new_slot.key})

    assert asked.status_code == 200
    assert "Pastikan pindah jadwal" in asked.text
    assert "menunggu konfirmasi guru BK lagi" in asked.text
    assert f'name="slot" value="{new_slot.key}"' in asked.text
    siti_booking.refresh_from_db()
    assert siti_booking.status == Booking.Status.CONFIRMED
    assert not Booking.objects.filter(rescheduled_from=siti_booking).exists()

    client.post(url, {"slot": new_slot.key})
    new = Booking.objects.get(rescheduled_from=siti_booking)
    assert (new.start, new.status) == (new_slot.start, Booking.Status.REQUESTED)


def test_rescheduling_to_a_time_that_is_not_free_is_refused(client_for, siti, siti_booking):
    response = client_for(siti).post(
        reverse("booking-reschedule", args=[siti_booking.public_id]),
        {"slot": "2001-01-01T1000"},
        follow=True,
    )
    assert any("tidak tersedia" in m for m in messages_of(response))
    siti_booking.refresh_from_db()
    assert siti_booking.status == Booking.Status.REQUESTED


@pytest.mark.parametrize(
    ("name", "method"),
    [
        ("booking-detail", "get"),
        ("booking-cancel", "get"),
        ("booking-cancel", "post"),
        ("booking-reschedule", "get"),
        ("booking-reschedule", "post"),
    ],
)
def test_another_student_cannot_touch_sitis_booking(client_for, dimas, siti_booking, name, method):
    url = reverse(name, args=[siti_booking.public_id])
    response = getattr(client_for(dimas), method)(url, {"slot": "2001-01-01T1000"})

    assert response.status_code == 404
    denial = AccessEvent.objects.latest("id")
    assert (denial.action, denial.actor, denial.counselee) == (
        AccessEvent.Action.DENIED,
        dimas,
        siti_booking.counselee,
    )
    siti_booking.refresh_from_db()
    assert siti_booking.status == Booking.Status.REQUESTED


@pytest.mark.parametrize("name", ["my-bookings", "booking-detail"])
def test_read_only_booking_pages_reject_post(client_for, siti, siti_booking, name):
    args = [siti_booking.public_id] if name == "booking-detail" else []
    assert client_for(siti).post(reverse(name, args=args)).status_code == 405

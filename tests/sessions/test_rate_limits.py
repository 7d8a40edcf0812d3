"""Per-user limits on booking, cancelling, urgent flags and emergency access: counted
atomically, given back when the action fails, refused with the time to try again."""

import re
import threading

import pytest
from django.db import connection, connections
from django.test import Client
from django.urls import reverse

from counseling.accounts import counters
from counseling.audit.models import AccessEvent, EmergencyAccess
from sessions import bookings
from sessions.models import Booking
from tests.conftest import PASSWORD, login, slot_at

# Late in the evening the hour to try again is tomorrow's, and the message names the day.
HOUR = re.compile(r"Coba lagi (pada \d{1,2} \w+ )?pukul \d\d:\d\d")


def book(client, counselor, hour, urgent=False):
    slot = slot_at(counselor, hour=hour)
    data = {"topic": "", **({"urgent": "on"} if urgent else {})}
    return client.post(reverse("book-confirm", args=[counselor.username, slot.key]), data)


@pytest.fixture
def limits(settings):
    def set_limit(action, count):
        period = settings.AMANAH_RATE_LIMITS[action][1]
        settings.AMANAH_RATE_LIMITS = {**settings.AMANAH_RATE_LIMITS, action: (count, period)}

    return set_limit


def test_booking_too_often_is_refused_with_the_time_to_try_again(
    client_for, siti, bu_rina, rina_hours, limits
):
    limits("booking", 2)
    client = client_for(siti)
    assert book(client, bu_rina, 8).status_code == 302
    assert book(client, bu_rina, 9).status_code == 302
    response = book(client, bu_rina, 10)
    assert response.status_code == 200
    assert "terlalu sering memesan" in response.text
    assert HOUR.search(response.text)
    assert Booking.objects.count() == 2
    assert AccessEvent.objects.filter(action="rate_limited", actor=siti).count() == 1


def test_the_limit_is_per_student(client_for, siti, dimas, bu_rina, pak_budi, limits):
    from tests.conftest import open_hours

    open_hours(bu_rina)
    open_hours(pak_budi)
    limits("booking", 1)
    assert book(client_for(siti), bu_rina, 8).status_code == 302
    assert book(Client(), pak_budi, 8).status_code == 302  # anonymous: sent to sign in
    assert book(login(Client(), dimas), pak_budi, 8).status_code == 302
    assert Booking.objects.count() == 2


def test_a_refused_booking_does_not_use_up_the_limit(client_for, siti, bu_rina, rina_hours, limits):
    limits("booking", 1)
    client = client_for(siti)
    # Three bookings made elsewhere (not counted): the service refuses a fourth.
    made = [
        bookings.book(siti.counselee, bu_rina, slot_at(bu_rina, hour=h).start, by=siti)
        for h in (8, 9, 10)
    ]
    for _ in range(3):
        assert "Kamu sudah punya 3 jadwal" in book(client, bu_rina, 11).text
    bookings.cancel(made[0], by=siti)
    # The refusals were given back: her one booking for the hour still goes through.
    assert book(client, bu_rina, 11).status_code == 302
    assert not AccessEvent.objects.filter(action="rate_limited").exists()


def test_cancelling_too_often_is_refused(client_for, siti, bu_rina, rina_hours, limits):
    limits("cancel", 1)
    first = bookings.book(siti.counselee, bu_rina, slot_at(bu_rina, hour=8).start, by=siti)
    second = bookings.book(siti.counselee, bu_rina, slot_at(bu_rina, hour=9).start, by=siti)
    client = client_for(siti)
    client.post(reverse("booking-cancel", args=[first.public_id]))
    response = client.post(reverse("booking-cancel", args=[second.public_id]), follow=True)
    assert "terlalu sering membatalkan" in response.text
    second.refresh_from_db()
    assert second.is_active


def test_urgent_flags_are_limited_but_an_ordinary_request_still_goes(
    client_for, siti, bu_rina, rina_hours, limits
):
    limits("urgent", 1)
    client = client_for(siti)
    assert book(client, bu_rina, 8, urgent=True).status_code == 302
    response = book(client, bu_rina, 9, urgent=True)
    assert "Tanda mendesak dapat dipakai lagi" in response.text
    assert "112" in response.text
    assert book(client, bu_rina, 9).status_code == 302
    assert list(Booking.objects.order_by("start").values_list("urgent", flat=True)) == [
        True,
        False,
    ]


def test_moving_an_urgent_request_counts_as_an_urgent_flag(
    client_for, siti, bu_rina, rina_hours, limits
):
    limits("urgent", 1)
    client = client_for(siti)
    book(client, bu_rina, 8, urgent=True)
    booking = Booking.objects.get()
    response = client.post(
        reverse("booking-reschedule", args=[booking.public_id]),
        {"slot": slot_at(bu_rina, hour=10).key},
        follow=True,
    )
    assert "Tanda mendesak dapat dipakai lagi" in response.text
    booking.refresh_from_db()
    assert booking.is_active


def test_emergency_access_requests_are_limited(client_for, siti, dimas, pak_budi, bu_rina, limits):
    limits("emergency_access", 1)
    client = client_for(bu_rina)

    def request_access(nis):
        return client.post(
            reverse("emergency-access-request"),
            {
                "nis": nis,
                "justification": "Wali kelas melapor siswa hilang sejak pagi; guru BK cuti.",
                "password": PASSWORD,
            },
        )

    assert request_access("1002").status_code == 302
    response = request_access("1002")
    assert "terlalu sering meminta akses darurat" in response.text
    assert EmergencyAccess.objects.count() == 1


def test_the_message_speaks_the_users_language(client_for, siti, bu_rina, rina_hours, limits):
    limits("booking", 0)
    client = client_for(siti)
    client.cookies["django_language"] = "en"
    response = book(client, bu_rina, 8)
    assert re.search(r"Try again (on \d{1,2} \w+ )?at \d\d:\d\d", response.text)


@pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="parallel counting needs PostgreSQL's concurrency; CI runs this on PostgreSQL",
)
@pytest.mark.xdist_group("races")
@pytest.mark.django_db(transaction=True)
def test_parallel_hits_each_get_their_own_count():
    import datetime

    hits, errors = [], []
    barrier = threading.Barrier(20)

    def one():
        try:
            barrier.wait()
            hits.append(counters.hit("rate:test", limit=5, window=datetime.timedelta(hours=1)))
        except Exception as error:  # reported below
            errors.append(repr(error))
        finally:
            connections.close_all()

    threads = [threading.Thread(target=one) for _ in range(20)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert sorted(h.count for h in hits) == list(range(1, 21))
    assert sum(h.allowed for h in hits) == 5

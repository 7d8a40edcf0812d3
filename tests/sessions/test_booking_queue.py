"""The counselor's side: a queue of requests, urgent first; confirm, decline, no-show.

The topic is for the student and the counselor booked, on the booking page only: never on
the queue, never to a second counselor on the case, never to another counselor or an admin.
"""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from counseling.accounts.models import User
from counseling.audit.models import AccessEvent
from sessions import bookings
from sessions.models import Booking, CounselingSession
from tests.conftest import BOOKING_TOPIC, make_counselee, make_user, slot_at, time_has_come


def test_the_queue_puts_urgent_requests_first_then_the_earliest(
    client_for, siti, bu_rina, siti_booking
):
    earlier = bookings.book(
        siti.counselee, bu_rina, slot_at(bu_rina, days=1, hour=9).start, by=siti
    )
    urgent = bookings.book(
        siti.counselee, bu_rina, slot_at(bu_rina, days=3).start, by=siti, urgent=True
    )

    page = client_for(bu_rina).get(reverse("booking-queue"))

    assert [row["booking"] for row in page.context["requests"]] == [urgent, earlier, siti_booking]
    assert "Mendesak" in page.text
    assert siti.full_name in page.text


def test_the_queue_says_whether_there_is_a_topic_but_never_shows_it(
    client_for, siti, bu_rina, siti_booking
):
    bookings.book(siti.counselee, bu_rina, slot_at(bu_rina, hour=12).start, by=siti)

    page = client_for(bu_rina).get(reverse("booking-queue"))

    assert [row["has_topic"] for row in page.context["requests"]] == [True, False]
    assert "Ada topik" in page.text and "Tanpa topik" in page.text
    assert BOOKING_TOPIC not in page.text


def test_the_booked_counselor_reads_the_topic_and_the_look_is_logged(
    client_for, bu_rina, siti_booking
):
    page = client_for(bu_rina).get(reverse("booking-detail", args=[siti_booking.public_id]))

    assert BOOKING_TOPIC in page.text
    event = AccessEvent.objects.filter(action=AccessEvent.Action.VIEW).latest("id")
    assert (event.actor, event.counselee, event.object_id) == (
        bu_rina,
        siti_booking.counselee,
        str(siti_booking.public_id),
    )


@pytest.mark.parametrize("who", ["bu_ani", "pak_budi", "admin"])
def test_nobody_else_reads_the_topic(request, client_for, siti_booking, who):
    # Bu Ani is Siti's second counselor: still not the one Siti chose to tell.
    person = request.getfixturevalue(who)
    client = client_for(person)

    page = client.get(reverse("booking-detail", args=[siti_booking.public_id]))

    assert page.status_code == 404
    assert BOOKING_TOPIC not in page.text
    denial = AccessEvent.objects.latest("id")
    assert (denial.action, denial.actor) == (AccessEvent.Action.DENIED, person)
    if who != "admin":
        assert BOOKING_TOPIC not in client.get(reverse("booking-queue")).text


def test_confirming_turns_the_request_into_a_session(client_for, bu_rina, siti_booking):
    response = client_for(bu_rina).post(reverse("booking-confirm", args=[siti_booking.public_id]))

    assert response["Location"] == reverse("booking-queue")
    siti_booking.refresh_from_db()
    assert siti_booking.status == Booking.Status.CONFIRMED
    session = siti_booking.session
    assert (session.scheduled_start, session.status) == (
        siti_booking.start,
        CounselingSession.Status.SCHEDULED,
    )
    queue = client_for(bu_rina).get(reverse("booking-queue"))
    assert queue.context["requests"] == []
    assert list(queue.context["upcoming"]) == [siti_booking]


def test_a_confirmed_session_still_needs_consent_to_start(client_for, nabila, pak_budi, budi_hours):
    booking = bookings.book(nabila.counselee, pak_budi, slot_at(pak_budi).start, by=nabila)
    client = client_for(pak_budi)
    client.post(reverse("booking-confirm", args=[booking.public_id]))
    booking.refresh_from_db()

    response = client.post(
        reverse("session-start", args=[booking.session.public_id]),
        {"limits_explained": "on"},
        follow=True,
    )

    assert "belum menyetujui" in response.text
    booking.session.refresh_from_db()
    assert booking.session.status == CounselingSession.Status.SCHEDULED


def test_another_counselor_cannot_confirm_or_decline(client_for, pak_budi, siti_booking):
    client = client_for(pak_budi)
    assert client.post(reverse("booking-confirm", args=[siti_booking.public_id])).status_code == 404
    decline = client.post(
        reverse("booking-decline", args=[siti_booking.public_id]), {"reason": "unavailable"}
    )
    assert decline.status_code == 404
    siti_booking.refresh_from_db()
    assert siti_booking.status == Booking.Status.REQUESTED


def test_declining_needs_a_reason_from_the_list(client_for, bu_rina, siti_booking):
    client = client_for(bu_rina)
    url = reverse("booking-decline", args=[siti_booking.public_id])

    refused = client.post(url, {"reason": "aku sedang malas"}, follow=True)
    assert any("Pilih alasan" in str(m) for m in refused.context["messages"])
    siti_booking.refresh_from_db()
    assert siti_booking.status == Booking.Status.REQUESTED

    response = client.post(url, {"reason": Booking.DeclineReason.SCHOOL_EVENT})
    assert response["Location"] == reverse("booking-queue")
    siti_booking.refresh_from_db()
    assert (siti_booking.status, siti_booking.decline_reason) == (
        Booking.Status.DECLINED,
        Booking.DeclineReason.SCHOOL_EVENT,
    )


def test_the_student_sees_the_reason_for_a_decline(client_for, siti, bu_rina, siti_booking):
    bookings.decline(siti_booking, Booking.DeclineReason.SCHOOL_EVENT, by=bu_rina)
    page = client_for(siti).get(reverse("booking-detail", args=[siti_booking.public_id]))
    assert "Ada kegiatan sekolah" in page.text


@pytest.mark.parametrize("name", ["booking-confirm", "booking-decline"])
def test_answers_reject_get(client_for, bu_rina, siti_booking, name):
    assert client_for(bu_rina).get(reverse(name, args=[siti_booking.public_id])).status_code == 405


def test_a_student_did_not_come(client_for, bu_rina, siti_booking):
    bookings.confirm(siti_booking, by=bu_rina)
    session = time_has_come(Booking.objects.get(pk=siti_booking.pk).session)
    client = client_for(bu_rina)
    page = client.get(reverse("session-detail", args=[session.public_id]))
    assert reverse("session-no-show", args=[session.public_id]) in page.text

    client.post(reverse("session-no-show", args=[session.public_id]))

    session.refresh_from_db()
    assert session.status == CounselingSession.Status.NO_SHOW
    page = client.get(reverse("session-detail", args=[session.public_id]))
    assert reverse("session-no-show", args=[session.public_id]) not in page.text


def test_no_show_rejects_get_and_outsiders(client_for, bu_rina, pak_budi, siti_booking):
    bookings.confirm(siti_booking, by=bu_rina)
    session = Booking.objects.get(pk=siti_booking.pk).session
    url = reverse("session-no-show", args=[session.public_id])
    assert client_for(bu_rina).get(url).status_code == 405
    assert client_for(pak_budi).post(url).status_code == 404


# Query counts stay flat as bookings grow. The numbers include the session, the user,
# the counselor's second-factor device, the consent check of the booking pages and the
# urgent requests of other counselors on the queue, and the inbox's unread count in the
# header.
QUEUE_QUERIES = 7
SLOTS_QUERIES = 10


def _requests(counselor, count, prefix):
    """`count` requests from as many students, made directly: the setup, not the subject."""
    # Two days after the test's own bookings (at most a day ahead), inside the window.
    start = timezone.now() + datetime.timedelta(days=3)
    for n in range(count):
        student = make_user(f"{prefix}{n}", f"Murid {n}", User.Role.STUDENT)
        Booking.objects.create(
            counselee=make_counselee(student, f"{prefix}{n}"),
            counselor=counselor,
            start=start + datetime.timedelta(hours=n),
            end=start + datetime.timedelta(hours=n, minutes=45),
            mode=CounselingSession.Mode.FACE_TO_FACE,
            topic="Rahasia." if n % 2 else "",
            urgent=n % 3 == 0,
        )


def test_the_queue_costs_the_same_queries_for_2_or_20_requests(
    client_for, bu_rina, pak_budi, django_assert_num_queries
):
    _requests(bu_rina, 2, "a")
    _requests(pak_budi, 20, "b")
    client = client_for(bu_rina)
    with django_assert_num_queries(QUEUE_QUERIES):
        small = client.get(reverse("booking-queue"))
    client = client_for(pak_budi)
    with django_assert_num_queries(QUEUE_QUERIES):
        large = client.get(reverse("booking-queue"))
    assert (len(small.context["requests"]), len(large.context["requests"])) == (2, 20)


def test_the_slots_page_costs_the_same_queries_for_1_or_12_bookings(
    client_for, siti, bu_rina, rina_hours, django_assert_num_queries
):
    client = client_for(siti)
    url = reverse("book-slots", args=[bu_rina.username])
    bookings.book(siti.counselee, bu_rina, slot_at(bu_rina, days=1, hour=8).start, by=siti)
    with django_assert_num_queries(SLOTS_QUERIES):
        client.get(url)
    _requests(bu_rina, 11, "c")
    with django_assert_num_queries(SLOTS_QUERIES):
        page = client.get(url)
    assert page.status_code == 200
    assert Booking.objects.filter(counselor=bu_rina).count() == 12

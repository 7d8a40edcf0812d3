"""The in-app inbox: every role has it, it shows only her own notices, content-free."""

import pytest
from django.urls import reverse
from django.utils import timezone

from counseling import notices
from counseling.audit.models import AccessEvent
from counseling.notices.models import Notice
from sessions import bookings
from tests.sessions.outbox_support import TOPIC, free_starts, open_hours

Kind = Notice.Kind


@pytest.fixture
def urgent_booking(siti, bu_rina, pak_budi):
    """Siti's urgent request to Bu Rina, with a topic: notices to her and both counselors."""
    open_hours(bu_rina)
    return bookings.book(
        siti.counselee, bu_rina, free_starts(bu_rina)[0], by=siti, topic=TOPIC, urgent=True
    )


@pytest.mark.parametrize(
    ("who", "dashboard"),
    [
        ("siti", "student-dashboard"),
        ("bu_rina", "counselor-dashboard"),
        ("admin", "admin-dashboard"),
    ],
)
def test_every_role_sees_its_unread_count_in_the_header(
    request, client_for, who, dashboard, urgent_booking
):
    person = request.getfixturevalue(who)
    notices.notify(person, Kind.AUDIT_CHAIN_BROKEN, about="7")
    unread = notices.unread_count(person)
    assert unread >= 1

    page = client_for(person).get(reverse(dashboard)).text

    assert f'href="{reverse("inbox")}"' in page
    assert f'<span class="inbox-count">{unread}</span>' in page
    assert f"{unread} pemberitahuan belum dibaca" in page


def test_the_inbox_lists_her_own_notices_with_headline_time_and_link(
    client_for, siti, urgent_booking
):
    response = client_for(siti).get(reverse("inbox"))

    assert response.status_code == 200
    assert "Permintaan jadwal konselingmu sudah terkirim" in response.text
    assert f'href="{reverse("my-bookings")}"' in response.text
    # The counselors' notices about the same booking are theirs alone.
    assert "Ada permintaan jadwal konseling baru" not in response.text
    assert "MENDESAK" not in response.text
    assert [row["notice"].recipient for row in response.context["rows"]] == [siti]


def test_a_counselor_sees_the_request_without_the_student_or_the_topic(
    client_for, siti, pak_budi, urgent_booking
):
    page = client_for(pak_budi).get(reverse("inbox")).text

    assert "Permintaan konseling MENDESAK" in page
    assert f'href="{reverse("booking-queue")}"' in page
    main = page[page.index("<main") :]
    for secret in (TOPIC, "Zebrafinch", "Siti", "Nurhaliza", siti.counselee.nis):
        assert secret not in main


def test_alerts_link_to_where_an_admin_looks(client_for, siti, pak_budi, admin):
    from counseling.audit import services as audit_services

    access = audit_services.grant_emergency_access(
        siti.counselee, "Siswa tidak dapat dihubungi sejak pagi ini.", by=pak_budi
    )
    page = client_for(admin).get(reverse("inbox")).text

    assert "Akses darurat perlu ditinjau" in page
    assert f'href="{reverse("emergency-access-detail", args=[access.public_id])}"' in page
    assert "tidak dapat dihubungi" not in page


def test_marking_one_notice_read_lowers_the_count(client_for, siti, urgent_booking):
    client = client_for(siti)
    [notice] = Notice.objects.filter(recipient=siti)
    assert notices.unread_count(siti) == 1

    response = client.post(reverse("inbox-read", args=[notice.public_id]))

    assert response.status_code == 302
    notice.refresh_from_db()
    assert notice.read_at is not None
    assert notices.unread_count(siti) == 0
    assert 'class="inbox-count"' not in client.get(reverse("inbox")).text


def test_marking_all_read_touches_only_her_own(client_for, siti, bu_rina, urgent_booking):
    client_for(bu_rina).post(reverse("inbox-read-all"))

    assert notices.unread_count(bu_rina) == 0
    assert notices.unread_count(siti) == 1


def test_another_persons_notice_cannot_be_marked_and_the_attempt_is_logged(
    client_for, siti, pak_budi, urgent_booking
):
    theirs = Notice.objects.get(recipient=siti)

    response = client_for(pak_budi).post(reverse("inbox-read", args=[theirs.public_id]))

    assert response.status_code == 404
    theirs.refresh_from_db()
    assert theirs.read_at is None
    denied = AccessEvent.objects.filter(action="denied", actor=pak_budi).latest("id")
    assert denied.object_id == str(theirs.public_id)


def test_the_inbox_pages_refuse_the_wrong_method(client_for, siti, urgent_booking):
    client = client_for(siti)
    notice = Notice.objects.get(recipient=siti)
    assert client.get(reverse("inbox-read", args=[notice.public_id])).status_code == 405
    assert client.get(reverse("inbox-read-all")).status_code == 405
    assert client.post(reverse("inbox")).status_code == 405


def test_the_inbox_needs_a_signed_in_person(client, siti):
    response = client.get(reverse("inbox"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


def test_a_withdrawn_or_future_notice_is_not_shown(client_for, siti, bu_rina):
    open_hours(bu_rina)
    booking = bookings.book(siti.counselee, bu_rina, free_starts(bu_rina)[0], by=siti)
    bookings.confirm(booking, by=bu_rina)
    assert Notice.objects.filter(recipient=siti, kind__startswith="reminder").count() == 2
    rows = client_for(siti).get(reverse("inbox")).context["rows"]
    assert {row["notice"].kind for row in rows} == {Kind.BOOKING_MADE, Kind.BOOKING_CONFIRMED}
    bookings.cancel(booking, by=bu_rina)
    Notice.objects.filter(recipient=siti).update(send_after=timezone.now())
    rows = client_for(siti).get(reverse("inbox")).context["rows"]
    assert Kind.REMINDER_1H not in {row["notice"].kind for row in rows}


def test_the_unread_count_is_one_query_and_not_run_where_no_page_shows_it(
    siti, urgent_booking, client_for, django_assert_num_queries
):
    with django_assert_num_queries(1):
        assert notices.unread_count(siti) == 1
    client = client_for(siti)
    client.get(reverse("inbox"))
    # A redirect renders no header: nothing is counted for it.
    with django_assert_num_queries(3):  # the session, the user, the update
        assert client.post(reverse("inbox-read-all")).status_code == 302


def test_the_inbox_page_runs_the_same_queries_for_any_number_of_notices(
    client_for, siti, bu_rina, django_assert_num_queries
):
    client = client_for(siti)
    notices.notify(siti, Kind.CASE_ENDED)
    client.get(reverse("inbox"))
    # session, user, page count, page rows, unread count
    with django_assert_num_queries(5):
        client.get(reverse("inbox"))
    for _ in range(25):
        notices.notify(siti, Kind.CASE_ENDED)
    with django_assert_num_queries(5):
        assert client.get(reverse("inbox")).status_code == 200

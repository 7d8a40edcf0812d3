"""A session starts on its day, and a student is marked absent only once it was due.

Before, "Tidak hadir" was accepted six days early and "Mulai sesi" two days early while the
student still saw "Dikonfirmasi".
"""

import pytest
from django.urls import reverse

from sessions import bookings, services
from sessions.models import Booking, CounselingSession
from sessions.services import SessionStateError
from tests.conftest import time_has_come

Status = CounselingSession.Status


@pytest.fixture
def confirmed_session(siti_booking, bu_rina):
    """Bu Rina's confirmed session with Siti, the day after tomorrow at 10:00."""
    bookings.confirm(siti_booking, by=bu_rina)
    return Booking.objects.get(pk=siti_booking.pk).session


def test_it_refuses_to_start_a_session_days_early(confirmed_session, bu_rina):
    with pytest.raises(SessionStateError, match="pada harinya"):
        services.start_session(confirmed_session, by=bu_rina, limits_explained=True)
    confirmed_session.refresh_from_db()
    assert confirmed_session.status == Status.SCHEDULED


def test_it_starts_a_session_on_its_day(confirmed_session, bu_rina):
    session = time_has_come(confirmed_session, minutes_ago=-1)  # in a minute, today
    services.start_session(session, by=bu_rina, limits_explained=True)
    session.refresh_from_db()
    assert session.status == Status.IN_PROGRESS


def test_it_refuses_a_no_show_before_the_start_time(confirmed_session, bu_rina):
    with pytest.raises(SessionStateError, match="belum dimulai"):
        services.mark_no_show(confirmed_session, by=bu_rina)
    session = time_has_come(confirmed_session, minutes_ago=-1)  # today, in a minute
    with pytest.raises(SessionStateError):
        services.mark_no_show(session, by=bu_rina)
    time_has_come(session, minutes_ago=1)
    services.mark_no_show(session, by=bu_rina)
    session.refresh_from_db()
    assert session.status == Status.NO_SHOW


def test_a_walk_in_starts_at_once(siti, bu_rina):
    session = services.create_walk_in_session(siti.counselee, by=bu_rina)
    services.start_session(session, by=bu_rina, limits_explained=True)
    assert session.status == Status.IN_PROGRESS


def test_the_page_offers_start_and_no_show_only_when_they_apply(
    client_for, confirmed_session, bu_rina
):
    client = client_for(bu_rina)
    url = reverse("session-detail", args=[confirmed_session.public_id])
    start = reverse("session-start", args=[confirmed_session.public_id])
    no_show = reverse("session-no-show", args=[confirmed_session.public_id])
    page = client.get(url).text
    assert start not in page and no_show not in page
    assert "Sesi dapat dimulai pada hari" in page

    time_has_come(confirmed_session, minutes_ago=-1)
    page = client.get(url).text
    assert start in page and no_show not in page

    time_has_come(confirmed_session, minutes_ago=5)
    page = client.get(url).text
    assert start in page and no_show in page


def test_a_no_show_posted_early_changes_nothing(client_for, confirmed_session, bu_rina):
    client_for(bu_rina).post(reverse("session-no-show", args=[confirmed_session.public_id]))
    confirmed_session.refresh_from_db()
    assert confirmed_session.status == Status.SCHEDULED

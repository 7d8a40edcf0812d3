"""The counselor's dashboard shows her day: today's sessions, the next one, the requests
waiting (urgent ones counted), and her drafts not yet finalised; in constant queries.

Before, it showed two counts and no today.
"""

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from consent.models import ConsentDocument
from counseling.accounts.models import User
from counseling.records import services as records
from sessions import bookings, services
from sessions.models import Booking
from tests.conftest import acknowledge, make_counselee, make_user, slot_at

# Session, user and second factor, then the page's own: today, the next session,
# the requests (one aggregate), urgent requests elsewhere, drafts and their count, the
# caseload and conflicts counts; the inbox (the header's unread count, its card); and
# the unread online-counseling messages (one SUM).
QUERIES = 13


def _dashboard(client):
    return client.get(reverse("counselor-dashboard"))


def test_it_shows_today_the_next_session_requests_and_drafts(
    client_for, siti, bu_rina, siti_booking, rina_hours
):
    walk_in = services.create_walk_in_session(siti.counselee, by=bu_rina)
    services.start_session(walk_in, by=bu_rina, limits_explained=True)
    draft = services.write_note(walk_in, by=bu_rina, presenting_concern="Cemas ujian")
    urgent = bookings.book(
        siti.counselee, bu_rina, slot_at(bu_rina, days=3).start, by=siti, urgent=True
    )
    bookings.confirm(siti_booking, by=bu_rina)

    page = _dashboard(client_for(bu_rina)).text

    assert reverse("session-detail", args=[walk_in.public_id]) in page
    assert f"#note-{draft.public_id}" in page
    assert "Cemas ujian" not in page  # the dashboard never shows a note's words
    assert "Sesi berikutnya" in page
    assert "1 di antaranya mendesak" in page
    assert urgent.status == Booking.Status.REQUESTED
    assert "Draf catatan belum difinalkan" in page


def test_a_finalised_note_and_another_counselors_day_are_not_hers(
    client_for, siti, bu_rina, pak_budi, dimas
):
    mine = services.create_walk_in_session(siti.counselee, by=bu_rina)
    services.start_session(mine, by=bu_rina, limits_explained=True)
    services.finalise_note(services.write_note(mine, by=bu_rina, body="x"), by=bu_rina)
    his = services.create_walk_in_session(dimas.counselee, by=pak_budi)
    page = _dashboard(client_for(bu_rina)).text
    assert reverse("session-detail", args=[his.public_id]) not in page
    assert "Dimas" not in page
    assert reverse("session-detail", args=[mine.public_id]) in page
    assert "#note-" not in page


def _add_a_day_of_work(counselor, admin, first, last):
    """Students `first`..`last`-1 on the counselor's caseload, each with a session today,
    a draft note about it, and a request waiting."""
    document = ConsentDocument.objects.get()
    for i in range(first, last):
        student = make_user(f"murid{i}", f"Murid {i}", User.Role.STUDENT)
        counselee = make_counselee(student, nis=f"99{i:04d}")
        records.assign(counselor, counselee, by=admin)
        acknowledge(student, document)
        session = services.create_walk_in_session(counselee, by=counselor)
        services.start_session(session, by=counselor, limits_explained=True)
        services.write_note(session, by=counselor, body=f"draf {i}")
        bookings.book(
            counselee, counselor, slot_at(counselor, days=2, hour=8 + i).start, by=student
        )


def test_it_takes_a_constant_number_of_queries(client_for, siti, bu_rina, admin, rina_hours):
    client = client_for(bu_rina)
    _add_a_day_of_work(bu_rina, admin, 0, 1)
    _dashboard(client)
    with CaptureQueriesContext(connection) as few:
        _dashboard(client)
    _add_a_day_of_work(bu_rina, admin, 1, 5)
    with CaptureQueriesContext(connection) as many:
        page = _dashboard(client)
    assert page.text.count("Buka sesi") == 5
    assert len(many) == len(few), [q["sql"] for q in many.captured_queries]
    assert len(many) == QUERIES

"""Who may do what with Siti's session notes: every person, every page and action.

200 for what a person may see, 302 (back to the session) after a change they may make,
404 for everything else, as if it did not exist; 405 for the wrong method.
"""

import pytest
from django.urls import reverse

from counseling.audit.models import AccessEvent
from sessions import cases
from sessions.models import NoteAddendum, SessionNote
from tests.conftest import login
from tests.sessions.conftest import confirmed

PEOPLE = ["bu_rina", "bu_ani", "pak_budi", "pak_eko", "siti", "dimas", "admin", "bu_wati"]

EXPECTED = {
    # action: people who succeed; everyone else gets 404.
    "session page": ({"bu_rina", "bu_ani", "pak_eko"}, 200),
    "note edit": ({"bu_rina"}, 302),
    "finalise": ({"bu_rina"}, 302),
    # Bu Ani is on the case too, but Bu Rina's notes were not handed over to her.
    "addendum": ({"bu_rina"}, 302),
    "write note": ({"bu_rina"}, 302),
    "walk-in": ({"bu_rina", "bu_ani"}, 302),
}


@pytest.fixture
def people(bu_rina, bu_ani, pak_budi, pak_eko, siti, dimas, admin, bu_wati):
    return {
        "bu_wati": bu_wati,
        "bu_rina": bu_rina,
        "bu_ani": bu_ani,
        "pak_budi": pak_budi,
        "pak_eko": pak_eko,
        "siti": siti,
        "dimas": dimas,
        "admin": admin,
    }


def request_for(action, session, draft, final):
    """(method, url, data) of each action on Siti's session and notes."""
    if action == "session page":
        return "get", reverse("session-detail", args=[session.public_id]), {}
    if action == "note edit":
        return "post", reverse("note-edit", args=[draft.public_id]), {"body": "Diubah."}
    if action == "finalise":
        return "post", reverse("note-finalise", args=[draft.public_id]), confirmed(draft)
    if action == "addendum":
        return "post", reverse("addendum-create", args=[final.public_id]), {"body": "Tambahan."}
    if action == "write note":
        return "post", reverse("note-create", args=[session.public_id]), {"body": "Baru."}
    if action == "walk-in":
        url = reverse("walk-in-create", args=[session.counselee.public_id])
        return "post", url, {"mode": "face_to_face", "place": "Ruang BK", "minutes": "45"}
    raise AssertionError(action)


@pytest.mark.parametrize("action", EXPECTED)
@pytest.mark.parametrize("person", PEOPLE)
def test_each_person_reaches_only_what_the_policy_allows(
    client, people, siti_session, draft_note, final_note, person, action
):
    method, url, data = request_for(action, siti_session, draft_note, final_note)
    allowed, success = EXPECTED[action]
    login(client, people[person])

    response = getattr(client, method)(url, data)

    assert response.status_code == (success if person in allowed else 404)


@pytest.mark.parametrize(
    "person", ["pak_budi", "pak_eko", "bu_ani", "siti", "dimas", "admin", "bu_wati"]
)
def test_a_refused_change_changes_nothing_and_is_logged(
    client, people, siti_session, draft_note, final_note, person
):
    login(client, people[person])
    before = AccessEvent.objects.count()

    response = client.post(reverse("note-edit", args=[draft_note.public_id]), {"body": "X"})

    assert response.status_code == 404
    draft_note.refresh_from_db()
    assert draft_note.body != "X"
    assert SessionNote.objects.count() == 2
    assert NoteAddendum.objects.count() == 0
    denial = AccessEvent.objects.order_by("-id").first()
    assert AccessEvent.objects.count() == before + 1
    assert denial.action == AccessEvent.Action.DENIED
    assert denial.actor == people[person]
    assert denial.object_id == str(draft_note.public_id)


@pytest.mark.parametrize("url_name", ["note-edit", "note-finalise", "addendum-create"])
def test_note_changes_reject_get(client_for, bu_rina, draft_note, url_name):
    response = client_for(bu_rina).get(reverse(url_name, args=[draft_note.public_id]))
    assert response.status_code == 405


@pytest.mark.parametrize("url_name", ["session-start", "session-complete", "note-create"])
def test_session_changes_reject_get(client_for, bu_rina, siti_session, url_name):
    response = client_for(bu_rina).get(reverse(url_name, args=[siti_session.public_id]))
    assert response.status_code == 405


def test_the_walk_in_form_rejects_get(client_for, bu_rina, siti):
    response = client_for(bu_rina).get(reverse("walk-in-create", args=[siti.counselee.public_id]))
    assert response.status_code == 405


def test_the_session_page_rejects_post(client_for, bu_rina, siti_session):
    response = client_for(bu_rina).post(reverse("session-detail", args=[siti_session.public_id]))
    assert response.status_code == 405


def test_anonymous_visitors_are_sent_to_the_login_page(client, siti_session):
    response = client.get(reverse("session-detail", args=[siti_session.public_id]))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


def test_expired_emergency_access_ends_the_reading(client_for, pak_eko, siti_session):
    from django.utils import timezone

    pak_eko.emergency_accesses.update(expires_at=timezone.now())
    response = client_for(pak_eko).get(reverse("session-detail", args=[siti_session.public_id]))
    assert response.status_code == 404


def test_an_ended_assignment_ends_the_counselors_access(client_for, bu_rina, admin, siti_session):

    cases.end_assignment(siti_session.counselee.assignments.get(counselor=bu_rina), by=admin)
    response = client_for(bu_rina).get(reverse("session-detail", args=[siti_session.public_id]))
    assert response.status_code == 404


def test_an_unknown_session_looks_like_someone_elses(client_for, pak_budi, siti_session):
    client = client_for(pak_budi)
    unknown = client.get(reverse("session-detail", args=["00000000-0000-4000-8000-000000000000"]))
    others = client.get(reverse("session-detail", args=[siti_session.public_id]))
    assert unknown.status_code == others.status_code == 404

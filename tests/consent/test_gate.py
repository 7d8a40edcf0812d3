"""The consent gate holds at the service layer: no session starts and no note is written
for a counselee without a valid acknowledgement of the current version."""

import pytest
from django.urls import reverse

from consent import services as consent_services
from consent.models import ConsentDocument
from consent.services import ConsentRequired
from sessions import services
from sessions.models import CounselingSession
from tests.conftest import acknowledge

NOTE = {"presenting_concern": "Cemas menjelang ujian."}


@pytest.fixture
def nabila_session(nabila, pak_budi):
    return services.create_walk_in_session(nabila.counselee, by=pak_budi)


def test_a_session_without_consent_does_not_start(nabila_session, pak_budi):
    with pytest.raises(ConsentRequired, match="belum menyetujui"):
        services.start_session(nabila_session, by=pak_budi, limits_explained=True)
    nabila_session.refresh_from_db()
    assert nabila_session.status == CounselingSession.Status.SCHEDULED


def test_it_starts_right_after_the_student_acknowledges(
    nabila, nabila_session, pak_budi, consent_v1
):
    acknowledge(nabila, consent_v1)
    services.start_session(nabila_session, by=pak_budi, limits_explained=True)
    assert nabila_session.status == CounselingSession.Status.IN_PROGRESS


def test_a_session_begun_with_consent_is_written_up_after_a_withdrawal(siti, bu_rina):
    session = services.start_session(
        services.create_walk_in_session(siti.counselee, by=bu_rina),
        by=bu_rina,
        limits_explained=True,
    )
    consent_services.withdraw_consent(siti, by=siti)
    services.write_note(session, by=bu_rina, **NOTE)
    assert session.notes.count() == 1
    # What stops is counseling to come: no new session starts.
    with pytest.raises(ConsentRequired):
        services.start_session(
            services.create_walk_in_session(siti.counselee, by=bu_rina), by=bu_rina
        )


def test_a_new_version_gates_the_next_session_but_not_browsing(client_for, siti, bu_rina, admin):
    v2 = ConsentDocument.objects.create(
        version=2, title_id="Versi 2", body_id="teks baru", title_en="Version 2", body_en="new"
    )
    consent_services.publish(v2, by=admin)
    session = services.create_walk_in_session(siti.counselee, by=bu_rina)
    with pytest.raises(ConsentRequired):
        services.start_session(session, by=bu_rina, limits_explained=True)
    # Siti still browses and books; her dashboard asks for the new version.
    client = client_for(siti)
    assert client.get("/")["Location"] == reverse("student-dashboard")
    assert "Ada versi baru" in client.get(reverse("student-dashboard")).text
    acknowledge(siti, v2)
    services.start_session(session, by=bu_rina, limits_explained=True)


def test_the_counselor_sees_why_on_the_session_page(client_for, nabila_session, pak_budi):
    response = client_for(pak_budi).get(reverse("session-detail", args=[nabila_session.public_id]))
    assert "belum menyetujui dokumen persetujuan" in response.text
    response = client_for(pak_budi).post(
        reverse("session-start", args=[nabila_session.public_id]),
        {"limits_explained": "on"},
        follow=True,
    )
    assert "belum menyetujui" in response.text
    nabila_session.refresh_from_db()
    assert nabila_session.status == CounselingSession.Status.SCHEDULED


def test_the_first_session_needs_the_limits_explained_in_person(siti, bu_rina):
    session = services.create_walk_in_session(siti.counselee, by=bu_rina)
    with pytest.raises(Exception, match="batas kerahasiaan"):
        services.start_session(session, by=bu_rina)
    services.start_session(session, by=bu_rina, limits_explained=True)
    assert session.limits_explained_at is not None
    # Later sessions do not ask again.
    second = services.create_walk_in_session(siti.counselee, by=bu_rina)
    services.start_session(second, by=bu_rina)
    assert second.limits_explained_at is None


def test_ending_counseling_cancels_upcoming_sessions_and_keeps_the_rest(client_for, siti, bu_rina):
    done = services.start_session(
        services.create_walk_in_session(siti.counselee, by=bu_rina),
        by=bu_rina,
        limits_explained=True,
    )
    services.write_note(done, by=bu_rina, **NOTE)
    upcoming = services.create_walk_in_session(siti.counselee, by=bu_rina)
    client_for(siti).post(reverse("end-counseling"))
    upcoming.refresh_from_db()
    assert upcoming.status == CounselingSession.Status.CANCELLED
    assert done.notes.count() == 1


def test_drafts_and_addenda_of_a_begun_session_survive_a_withdrawal(siti, bu_rina):
    session = services.start_session(
        services.create_walk_in_session(siti.counselee, by=bu_rina),
        by=bu_rina,
        limits_explained=True,
    )
    draft = services.write_note(session, by=bu_rina, **NOTE)
    final = services.finalise_note(services.write_note(session, by=bu_rina, **NOTE), by=bu_rina)
    consent_services.withdraw_consent(siti, by=siti)
    assert services.edit_note(draft, by=bu_rina, presenting_concern="diubah").presenting_concern
    assert services.add_addendum(final, by=bu_rina, body="tambahan").pk

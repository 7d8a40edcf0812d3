"""Services for sessions: a walk-in, start and complete, and the one precondition hook."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from counseling.audit.models import AccessEvent
from sessions import services
from sessions.models import CounselingSession, SessionNote

Status = CounselingSession.Status


def test_a_walk_in_is_a_session_scheduled_from_now_with_the_counselor(siti, bu_rina):
    session = services.create_walk_in_session(
        siti.counselee, by=bu_rina, mode=CounselingSession.Mode.ONLINE, place="", minutes=30
    )
    assert session.counselor == bu_rina
    assert session.status == Status.SCHEDULED
    assert session.mode == CounselingSession.Mode.ONLINE
    assert (session.scheduled_end - session.scheduled_start).total_seconds() == 30 * 60


@pytest.mark.parametrize("person", ["pak_budi", "pak_eko", "siti", "admin"])
def test_only_a_counselor_on_the_case_records_a_walk_in(request, siti, person):
    with pytest.raises(PermissionDenied):
        services.create_walk_in_session(siti.counselee, by=request.getfixturevalue(person))
    assert CounselingSession.objects.count() == 0


def test_a_session_runs_from_scheduled_to_in_progress_to_completed(siti, bu_rina):
    session = services.create_walk_in_session(siti.counselee, by=bu_rina)

    services.start_session(session, by=bu_rina, limits_explained=True)
    session.refresh_from_db()
    assert session.status == Status.IN_PROGRESS
    assert session.started_at is not None

    services.complete_session(session, by=bu_rina)
    session.refresh_from_db()
    assert session.status == Status.COMPLETED
    assert session.ended_at >= session.started_at


def test_it_refuses_to_start_a_session_twice(siti_session, bu_rina):
    events = AccessEvent.objects.count()
    with pytest.raises(services.SessionStateError):
        services.start_session(siti_session, by=bu_rina, limits_explained=True)
    assert AccessEvent.objects.count() == events


def test_it_refuses_to_complete_a_session_that_has_not_started(siti, bu_rina):
    session = services.create_walk_in_session(siti.counselee, by=bu_rina)
    with pytest.raises(services.SessionStateError):
        services.complete_session(session, by=bu_rina)
    session.refresh_from_db()
    assert session.status == Status.SCHEDULED


def test_emergency_access_cannot_start_a_session(siti, bu_rina, pak_eko):
    session = services.create_walk_in_session(siti.counselee, by=bu_rina)
    with pytest.raises(PermissionDenied):
        services.start_session(session, by=pak_eko, limits_explained=True)


def test_one_precondition_guards_starting_a_session(monkeypatch, siti, bu_rina, siti_session):
    # The consent gate lives in check_session_may_proceed; a session that began under it
    # is written up to its end.
    def refuse(session):
        raise ValidationError("Belum ada persetujuan.")

    monkeypatch.setattr(services, "check_session_may_proceed", refuse)
    scheduled = services.create_walk_in_session(siti.counselee, by=bu_rina)

    with pytest.raises(ValidationError):
        services.start_session(scheduled, by=bu_rina, limits_explained=True)
    services.write_note(siti_session, by=bu_rina, body="Catatan.")

    scheduled.refresh_from_db()
    assert scheduled.status == Status.SCHEDULED
    assert SessionNote.objects.count() == 1


def test_a_session_ending_before_it_starts_is_refused_by_the_database(siti, bu_rina):
    from django.db import IntegrityError, transaction

    session = services.create_walk_in_session(siti.counselee, by=bu_rina)
    session.scheduled_end = session.scheduled_start
    with pytest.raises(IntegrityError), transaction.atomic():
        session.save(update_fields=["scheduled_end"])

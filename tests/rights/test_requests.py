"""The data-rights requests: made by the student, decided by the DPO, carried out."""

import datetime
import json

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from counseling import policy
from counseling.audit.models import AccessEvent
from counseling.notices.models import Notice
from counseling.retention import services as retention_services
from counseling.retention.models import Erasure
from counseling.rights import services
from counseling.rights.models import DataRequest
from sessions.models import CounselingSession, NoteAddendum, SessionNote

Kind = DataRequest.Kind
Status = DataRequest.Status


def ask(student, kind, **fields):
    return services.make_request(student.counselee, by=student, kind=kind, **fields)


def test_a_request_runs_on_the_three_times_24_hour_clock(siti, dpo, bu_rina):
    data_request = ask(siti, Kind.COPY, details="Untuk kusimpan.")
    assert data_request.due_at - data_request.received_at == datetime.timedelta(hours=72)
    assert data_request.status == Status.RECEIVED
    assert list(data_request.events.values_list("step", flat=True)) == ["received"]
    event = AccessEvent.objects.get(action=AccessEvent.Action.DATA_REQUEST_MADE)
    assert (event.actor, event.counselee, event.purpose) == (siti, siti.counselee, "own")


def test_the_dpo_hears_of_every_request_and_the_reviewer_of_a_copy(siti, dpo, bu_rina):
    copy = ask(siti, Kind.COPY)
    objection = ask(siti, Kind.OBJECTION, details="Saya keberatan.")
    told = {
        (n.recipient.username, n.about)
        for n in Notice.objects.filter(kind=Notice.Kind.DATA_REQUEST)
    }
    assert told == {
        (dpo.username, str(copy.public_id)),
        ("bu_rina", str(copy.public_id)),
        (dpo.username, str(objection.public_id)),
    }


def test_one_open_request_of_each_kind_at_a_time(siti, dpo):
    ask(siti, Kind.RESTRICTION)
    with pytest.raises(ValidationError, match="belum selesai"):
        ask(siti, Kind.RESTRICTION)
    ask(siti, Kind.COPY)  # another kind is fine


def test_nobody_asks_on_a_students_behalf(siti, dimas, bu_rina, admin, dpo):
    for someone in (dimas, bu_rina, admin, dpo):
        with pytest.raises(policy.Denied):
            services.make_request(siti.counselee, by=someone, kind=Kind.COPY)
    assert not DataRequest.objects.exists()


def test_the_text_she_writes_is_sealed_under_her_key(siti, dpo):
    from django.db import connection

    from tests.conftest import sealed

    data_request = ask(siti, Kind.OBJECTION, details="Saya keberatan dengan X.")
    with connection.cursor() as cursor:
        cursor.execute("SELECT details FROM rights_datarequest WHERE id = %s", [data_request.pk])
        (stored,) = cursor.fetchone()
    assert sealed(stored)


def test_she_withdraws_an_open_request_and_only_she(siti, dimas, dpo):
    data_request = ask(siti, Kind.COPY)
    with pytest.raises(policy.Denied):
        services.withdraw(data_request, by=dimas)
    with pytest.raises(policy.Denied):
        services.withdraw(data_request, by=dpo)
    services.withdraw(data_request, by=siti)
    data_request.refresh_from_db()
    assert data_request.status == Status.WITHDRAWN
    with pytest.raises(policy.Denied):
        services.withdraw(data_request, by=siti)


def test_her_view_of_a_note_is_added_beside_it_and_the_note_is_unchanged(siti, bu_rina, siti_note):
    before = SessionNote.objects.get(pk=siti_note.pk)
    data_request = services.add_view_to_note(siti_note, by=siti, view="Aku tidak setuju.")
    addendum = NoteAddendum.objects.get(note=siti_note)
    assert (addendum.author, addendum.body) == (siti, "Aku tidak setuju.")
    after = SessionNote.objects.get(pk=siti_note.pk)
    assert (after.body, after.presenting_concern) == (before.body, before.presenting_concern)
    assert (data_request.kind, data_request.status) == (Kind.CORRECTION, Status.DONE)
    assert Notice.objects.filter(recipient=bu_rina, kind=Notice.Kind.DATA_REQUEST).exists()


def test_a_view_needs_words_and_her_own_note(siti, dimas, siti_note):
    with pytest.raises(ValidationError):
        services.add_view_to_note(siti_note, by=siti, view="   ")
    with pytest.raises(policy.Denied):
        services.add_view_to_note(siti_note, by=dimas, view="Bukan catatanku.")


def test_a_draft_takes_no_view(siti, bu_rina, siti_note):
    from sessions import services as session_services

    draft = session_services.write_note(siti_note.session, by=bu_rina, body="Draf.")
    with pytest.raises(policy.Denied):
        services.add_view_to_note(draft, by=siti, view="Tidak setuju.")


def test_the_dpo_corrects_her_directory_data(siti, dpo):
    proposed = json.dumps({"full_name": "Siti Nur Haliza", "class_name": "X-3"})
    data_request = ask(siti, Kind.CORRECTION, proposed=proposed)
    services.decide(data_request, by=dpo, grant=True)
    siti.refresh_from_db()
    siti.counselee.refresh_from_db()
    assert (siti.full_name, siti.counselee.class_name) == ("Siti Nur Haliza", "X-3")
    assert AccessEvent.objects.filter(
        action=AccessEvent.Action.DATA_CORRECTED, actor=dpo, counselee=siti.counselee
    ).exists()
    assert Notice.objects.filter(recipient=siti, kind=Notice.Kind.DATA_REQUEST_ANSWERED).exists()


def test_only_the_dpo_decides(siti, bu_rina, admin, dpo):
    data_request = ask(siti, Kind.RESTRICTION)
    for someone in (siti, bu_rina, admin):
        with pytest.raises(policy.Denied):
            services.decide(data_request, by=someone, grant=True)
    copy = ask(siti, Kind.COPY)
    with pytest.raises(policy.Denied):
        services.decide(copy, by=dpo, grant=True)  # her counselor releases a copy


def test_a_refusal_names_its_ground(siti, dpo):
    data_request = ask(siti, Kind.ERASURE)
    with pytest.raises(ValidationError, match="dasar"):
        services.decide(data_request, by=dpo, grant=False)
    services.decide(data_request, by=dpo, grant=False, ground=DataRequest.Ground.PENDING_CASE)
    data_request.refresh_from_db()
    assert (data_request.status, data_request.ground) == (Status.REFUSED, "pending_case")


def test_an_objection_is_answered_in_words(siti, dpo):
    data_request = ask(siti, Kind.OBJECTION, details="Saya keberatan.")
    with pytest.raises(ValidationError):
        services.decide(data_request, by=dpo, grant=True)
    services.decide(data_request, by=dpo, grant=True, answer="Tidak ada keputusan otomatis.")
    data_request.refresh_from_db()
    assert data_request.answer == "Tidak ada keputusan otomatis."


def test_a_granted_erasure_shreds_her_records_now(siti, dpo, siti_note):
    data_request = ask(siti, Kind.ERASURE)
    services.decide(data_request, by=dpo, grant=True)
    erasure = Erasure.objects.get(counselee=siti.counselee)
    assert erasure.due_on == timezone.localdate()
    assert not SessionNote.objects.filter(session__counselee=siti.counselee).exists()
    siti.refresh_from_db()
    assert not siti.is_active and siti.full_name == ""
    # The request stays as the DPO's record: kind, status, dates; her words are gone.
    data_request.refresh_from_db()
    assert data_request.status == Status.DONE
    assert AccessEvent.objects.filter(
        action=AccessEvent.Action.COUNSELEE_ERASED, actor=dpo
    ).exists()


def test_an_erasure_under_a_legal_hold_is_refused_with_that_ground(siti, admin, dpo):
    retention_services.request_legal_hold(siti.counselee, by=admin, reason="Perkara di Polres.")
    data_request = ask(siti, Kind.ERASURE)
    assert policy.erasure_obstacles(siti.counselee) == [DataRequest.Ground.LEGAL_HOLD]
    with pytest.raises(ValidationError, match="penahanan"):
        services.decide(data_request, by=dpo, grant=True)
    assert not Erasure.objects.exists()


def test_a_restriction_stops_bookings_sessions_and_messages_until_she_ends_it(
    siti, bu_rina, dpo, siti_note
):
    counselee = siti.counselee
    assert policy.may_book(siti, counselee, bu_rina)
    services.decide(ask(siti, Kind.RESTRICTION), by=dpo, grant=True)
    counselee.refresh_from_db()
    assert policy.is_restricted(counselee)
    assert not policy.may_book(siti, counselee, bu_rina)
    assert not policy.may_create_walk_in(bu_rina, counselee)
    session = CounselingSession.objects.get(pk=siti_note.session_id)
    assert not policy.may_run_session(bu_rina, session)
    assert not policy.message_partners_for(siti).exists()
    # Her records stay readable to her counselor: restriction keeps, it does not erase.
    assert policy.record_access(bu_rina, counselee).read_counseling_data

    with pytest.raises(policy.Denied):
        services.end_restriction(counselee, by=dpo)
    services.end_restriction(counselee, by=siti)
    counselee.refresh_from_db()
    assert policy.may_book(siti, counselee, bu_rina)
    assert AccessEvent.objects.filter(action=AccessEvent.Action.PROCESSING_RESUMED).exists()


def test_an_erased_student_asks_nothing_more(siti, dpo):
    services.decide(ask(siti, Kind.ERASURE), by=dpo, grant=True)
    siti.refresh_from_db()
    assert not policy.may_make_data_request(siti, siti.counselee)


def test_a_restriction_stops_notes_and_addenda_too_and_cancels_what_is_booked(
    siti, bu_rina, dpo, siti_note, siti_booking
):
    from sessions import services as session_services
    from sessions.models import Booking

    draft = session_services.write_note(siti_note.session, by=bu_rina, body="Draf.")
    services.decide(ask(siti, Kind.RESTRICTION), by=dpo, grant=True)
    siti_booking.refresh_from_db()
    assert siti_booking.status == Booking.Status.CANCELLED
    with pytest.raises(ValidationError, match="dibatasi"):
        session_services.edit_note(draft, by=bu_rina, body="Diubah.")
    with pytest.raises(ValidationError, match="dibatasi"):
        session_services.finalise_note(draft, by=bu_rina)
    with pytest.raises(ValidationError, match="dibatasi"):
        session_services.add_addendum(siti_note, by=bu_rina, body="Tambahan.")
    note = SessionNote.objects.get(pk=siti_note.pk)
    assert not policy.may_add_addendum(bu_rina, note)
    assert not policy.may_edit_note(bu_rina, SessionNote.objects.get(pk=draft.pk))
    # No hand-over passes her records on either.
    siti.counselee.refresh_from_db()
    assert not policy.may_refer(bu_rina, siti.counselee)
    # Her own view beside a note is hers to add still.
    services.add_view_to_note(siti_note, by=siti, view="Pandanganku.")


def test_an_erasure_waits_while_she_is_being_helped(siti, dpo, bu_rina):
    from counseling.crisis import services as crisis_services

    crisis_services.ask_for_help(siti)
    data_request = ask(siti, Kind.ERASURE)
    with pytest.raises(ValidationError, match="sedang ditangani"):
        services.decide(data_request, by=dpo, grant=True)
    assert not Erasure.objects.exists()


def test_a_granted_erasure_closes_her_other_requests(siti, dpo, bu_rina):
    copy = ask(siti, Kind.COPY)
    services.decide(ask(siti, Kind.ERASURE), by=dpo, grant=True)
    copy.refresh_from_db()
    assert copy.status == Status.WITHDRAWN
    assert not policy.may_review_copy(bu_rina, copy)
    assert not DataRequest.objects.open().exists()

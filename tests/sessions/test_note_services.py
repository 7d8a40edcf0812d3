"""Services for notes: drafts, edits by the author, finalisation, and addenda."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from counseling import policy
from sessions import services
from sessions.models import FinalisedNoteError, NoteAddendum, SessionNote
from tests.sessions.conftest import NOTE_TEXT


def test_a_note_starts_as_a_draft_by_its_author(siti_session, bu_rina):
    note = services.write_note(siti_session, by=bu_rina, **NOTE_TEXT)
    note.refresh_from_db()
    assert note.status == SessionNote.Status.DRAFT
    assert note.author == bu_rina
    assert note.finalised_at is None
    assert note.presenting_concern == NOTE_TEXT["presenting_concern"]


def test_it_refuses_a_note_before_the_session_starts(siti, bu_rina):
    session = services.create_walk_in_session(siti.counselee, by=bu_rina)
    with pytest.raises(services.SessionStateError):
        services.write_note(session, by=bu_rina, body="Terlalu cepat.")
    assert SessionNote.objects.count() == 0


def test_it_refuses_an_empty_note(siti_session, bu_rina):
    with pytest.raises(ValidationError):
        services.write_note(siti_session, by=bu_rina, body="  ")


@pytest.mark.parametrize("person", ["pak_budi", "pak_eko", "siti", "admin"])
def test_only_a_counselor_on_the_case_writes_a_note(request, siti_session, person):
    with pytest.raises(PermissionDenied):
        services.write_note(siti_session, by=request.getfixturevalue(person), body="X")
    assert SessionNote.objects.count() == 0


def test_the_author_edits_her_draft(draft_note, bu_rina):
    services.edit_note(draft_note, by=bu_rina, body="Isi baru.")
    draft_note.refresh_from_db()
    assert draft_note.body == "Isi baru."
    assert draft_note.presenting_concern == ""


def test_another_counselor_on_the_case_cannot_edit_the_draft(draft_note, bu_ani):
    with pytest.raises(PermissionDenied):
        services.edit_note(draft_note, by=bu_ani, body="Isi baru.")
    draft_note.refresh_from_db()
    assert draft_note.body == NOTE_TEXT["body"]


def test_finalising_locks_the_note_with_author_and_time(draft_note, bu_rina):
    services.finalise_note(draft_note, by=bu_rina)
    draft_note.refresh_from_db()
    assert draft_note.status == SessionNote.Status.FINAL
    assert draft_note.finalised_at is not None
    assert draft_note.author == bu_rina


def test_a_finalised_note_refuses_edits(final_note, bu_rina):
    with pytest.raises(FinalisedNoteError):
        services.edit_note(final_note, by=bu_rina, body="Diam-diam diubah.")
    final_note.refresh_from_db()
    assert final_note.body == ""
    assert final_note.presenting_concern == "Konflik dengan teman sebangku."


def test_a_stale_draft_copy_cannot_edit_a_note_finalised_since(draft_note, bu_rina):
    stale = SessionNote.objects.get(pk=draft_note.pk)
    services.finalise_note(draft_note, by=bu_rina)
    with pytest.raises(FinalisedNoteError):
        services.edit_note(stale, by=bu_rina, body="Diam-diam diubah.")
    draft_note.refresh_from_db()
    assert draft_note.body == NOTE_TEXT["body"]


def test_a_note_cannot_be_finalised_twice(final_note, bu_rina):
    first = final_note.finalised_at
    with pytest.raises(FinalisedNoteError):
        services.finalise_note(final_note, by=bu_rina)
    final_note.refresh_from_db()
    assert final_note.finalised_at == first


def test_a_finalised_note_accepts_dated_addenda(final_note, bu_rina):
    services.add_addendum(final_note, by=bu_rina, body="Wali kelas sudah diberi tahu.")
    services.add_addendum(final_note, by=bu_rina, body="Siti datang lagi hari Senin.")
    addenda = list(final_note.addenda.order_by("created_at", "pk"))
    assert [a.body for a in addenda] == [
        "Wali kelas sudah diberi tahu.",
        "Siti datang lagi hari Senin.",
    ]
    assert [a.author for a in addenda] == [bu_rina, bu_rina]
    assert all(a.created_at for a in addenda)


def test_a_second_counselor_adds_nothing_to_a_note_not_handed_over(final_note, bu_ani):
    with pytest.raises(policy.Denied):
        services.add_addendum(final_note, by=bu_ani, body="Siti datang lagi hari Senin.")
    assert not final_note.addenda.exists()


def test_a_draft_takes_no_addendum(draft_note, bu_rina):
    with pytest.raises(ValidationError):
        services.add_addendum(draft_note, by=bu_rina, body="Tambahan.")
    assert NoteAddendum.objects.count() == 0


def test_emergency_access_adds_no_addendum(final_note, pak_eko):
    with pytest.raises(PermissionDenied):
        services.add_addendum(final_note, by=pak_eko, body="Tambahan.")
    assert NoteAddendum.objects.count() == 0

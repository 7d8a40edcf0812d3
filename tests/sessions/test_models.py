"""The models themselves keep final notes and addenda unchanged, and __str__ content-free."""

import pytest

from sessions import services
from sessions.models import FinalisedNoteError, NoteAddendum, SessionNote
from tests.sessions.conftest import NOTE_TEXT


def test_saving_a_finalised_note_is_refused_even_outside_the_services(final_note):
    note = SessionNote.objects.get(pk=final_note.pk)
    note.body = "Diam-diam diubah."
    with pytest.raises(FinalisedNoteError):
        note.save()
    assert SessionNote.objects.get(pk=final_note.pk).body == ""


def test_an_addendum_cannot_be_changed_or_deleted(final_note, bu_rina):
    addendum = services.add_addendum(final_note, by=bu_rina, body="Tambahan.")
    loaded = NoteAddendum.objects.get(pk=addendum.pk)
    loaded.body = "Diubah."
    with pytest.raises(FinalisedNoteError):
        loaded.save()
    with pytest.raises(FinalisedNoteError):
        loaded.delete()
    assert NoteAddendum.objects.get(pk=addendum.pk).body == "Tambahan."


def test_a_note_cannot_be_deleted(draft_note):
    with pytest.raises(FinalisedNoteError):
        draft_note.delete()
    assert SessionNote.objects.filter(pk=draft_note.pk).exists()


def test_no_str_holds_content(draft_note, bu_rina):
    note = services.finalise_note(draft_note, by=bu_rina)
    addendum = services.add_addendum(note, by=bu_rina, body="Isi adendum rahasia.")
    for obj in (note.session, note, addendum):
        text = str(obj) + repr(obj)
        for secret in [*NOTE_TEXT.values(), "Isi adendum rahasia.", "Ruang BK"]:
            assert secret not in text

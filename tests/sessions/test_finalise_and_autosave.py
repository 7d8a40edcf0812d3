"""Nobody loses what she typed.

Finalising saves the text on screen, shows the note as it will be locked and asks once
(before, it locked the last saved text without a word). Drafts save themselves through
the same service and access log as the "Simpan" button, and a save that changes nothing
writes nothing.
"""

from django.urls import reverse

from counseling.audit.models import AccessEvent
from sessions.models import SessionNote
from tests.sessions.conftest import NOTE_TEXT


def _finalise(client, note, data):
    return client.post(reverse("note-finalise", args=[note.public_id]), data)


def test_finalising_saves_what_is_on_screen_then_asks_once(
    client_for, bu_rina, draft_note, events_since
):
    client = client_for(bu_rina)
    on_screen = {**NOTE_TEXT, "agreed_follow_up": "Diketik tepat sebelum memfinalkan."}
    mark = events_since()

    asked = _finalise(client, draft_note, on_screen)

    assert asked.status_code == 200
    assert "tidak dapat dibatalkan" in asked.text
    assert "Diketik tepat sebelum memfinalkan." in asked.text
    draft_note.refresh_from_db()
    assert draft_note.status == SessionNote.Status.DRAFT
    assert draft_note.agreed_follow_up == "Diketik tepat sebelum memfinalkan."
    assert [e.action for e in events_since(mark)][:1] == [AccessEvent.Action.UPDATE]

    done = _finalise(client, draft_note, {"confirm": "yes", "version": asked.context["version"]})

    assert done.status_code == 302
    draft_note.refresh_from_db()
    assert draft_note.status == SessionNote.Status.FINAL
    assert draft_note.agreed_follow_up == "Diketik tepat sebelum memfinalkan."


def test_a_draft_saved_again_since_the_review_is_not_locked_unseen(client_for, bu_rina, draft_note):
    client = client_for(bu_rina)
    asked = _finalise(client, draft_note, {})
    client.post(
        reverse("note-autosave", args=[draft_note.public_id]),
        {**NOTE_TEXT, "body": "Ditambah dari tab lain."},
    )
    again = _finalise(client, draft_note, {"confirm": "yes", "version": asked.context["version"]})
    assert again.status_code == 200
    assert "berubah sejak Anda meninjaunya" in again.text
    assert "Ditambah dari tab lain." in again.text
    draft_note.refresh_from_db()
    assert draft_note.status == SessionNote.Status.DRAFT


def test_the_draft_form_finalises_through_the_same_form(client_for, bu_rina, draft_note):
    page = client_for(bu_rina).get(reverse("session-detail", args=[draft_note.session.public_id]))
    form = page.text.split(f'action="{reverse("note-edit", args=[draft_note.public_id])}"')[1]
    form = form.split("</form>")[0]
    assert f'formaction="{reverse("note-finalise", args=[draft_note.public_id])}"' in form
    assert reverse("note-autosave", args=[draft_note.public_id]) in page.text


def test_the_first_autosave_makes_a_draft_and_later_ones_change_it(
    client_for, bu_rina, siti_session, events_since
):
    client = client_for(bu_rina)
    mark = events_since()

    first = client.post(
        reverse("note-autosave-new", args=[siti_session.public_id]),
        {"presenting_concern": "Mulai mengetik"},
    )

    assert first.status_code == 201
    note = SessionNote.objects.get()
    assert first.json()["autosave_url"] == reverse("note-autosave", args=[note.public_id])
    assert note.status == SessionNote.Status.DRAFT

    client.post(first.json()["autosave_url"], {"presenting_concern": "Mulai mengetik lagi"})
    client.post(first.json()["autosave_url"], {"presenting_concern": "Mulai mengetik lagi"})

    note.refresh_from_db()
    assert note.presenting_concern == "Mulai mengetik lagi"
    assert SessionNote.objects.count() == 1
    # One entry per save that changed something, as a manual save writes: no more.
    assert [e.action for e in events_since(mark)] == [
        AccessEvent.Action.CREATE,
        AccessEvent.Action.UPDATE,
    ]
    assert "Mulai mengetik" not in str(list(AccessEvent.objects.values()))


def test_autosave_is_the_authors_alone(client_for, pak_budi, bu_ani, draft_note, siti_session):
    for outsider in (pak_budi, bu_ani):
        client = client_for(outsider)
        assert (
            client.post(
                reverse("note-autosave", args=[draft_note.public_id]), {"body": "x"}
            ).status_code
            == 404
        )
    assert (
        client_for(pak_budi)
        .post(reverse("note-autosave-new", args=[siti_session.public_id]), {"body": "x"})
        .status_code
        == 404
    )
    draft_note.refresh_from_db()
    assert draft_note.body == NOTE_TEXT["body"]


def test_autosave_of_a_final_note_is_refused(client_for, bu_rina, final_note):
    response = client_for(bu_rina).post(
        reverse("note-autosave", args=[final_note.public_id]), {"body": "x"}
    )
    assert response.status_code == 409
    assert response.json()["saved"] is False


def test_autosave_rejects_get(client_for, bu_rina, draft_note):
    url = reverse("note-autosave", args=[draft_note.public_id])
    assert client_for(bu_rina).get(url).status_code == 405


def test_keepalive_from_the_page_keeps_it(client_for, bu_rina):
    client = client_for(bu_rina)
    response = client.post(
        reverse("keepalive"), {"next": "/"}, headers={"X-Requested-With": "fetch"}
    )
    assert response.status_code == 204
    assert client.post(reverse("keepalive"), {"next": "/"}).status_code == 302

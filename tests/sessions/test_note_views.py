"""Writing, editing, finalising and adding to notes through their pages."""

from django.contrib.messages import get_messages
from django.urls import reverse

from sessions.models import NoteAddendum, SessionNote
from tests.sessions.conftest import LIMITS_EXPLAINED, NOTE_TEXT


def session_url(session, note=None):
    url = reverse("session-detail", args=[session.public_id])
    return f"{url}#note-{note.public_id}" if note else url


def flashed(response):
    return [str(m) for m in get_messages(response.wsgi_request)]


def test_the_counselor_writes_a_draft_note(client_for, bu_rina, siti_session):
    response = client_for(bu_rina).post(
        reverse("note-create", args=[siti_session.public_id]), NOTE_TEXT
    )
    note = SessionNote.objects.get()
    assert response.status_code == 302
    assert response["Location"] == session_url(siti_session, note)
    assert note.status == SessionNote.Status.DRAFT
    assert note.what_was_done == NOTE_TEXT["what_was_done"]
    assert flashed(response) == ["Catatan disimpan sebagai draf."]


def test_an_empty_note_is_sent_back_with_an_error(client_for, bu_rina, siti_session):
    response = client_for(bu_rina).post(
        reverse("note-create", args=[siti_session.public_id]), {"body": "   "}
    )
    assert response.status_code == 200
    assert "Catatan kosong" in response.text
    assert SessionNote.objects.count() == 0


def test_a_note_before_the_session_starts_is_refused(client_for, bu_rina, siti):
    from sessions import services

    session = services.create_walk_in_session(siti.counselee, by=bu_rina)
    response = client_for(bu_rina).post(
        reverse("note-create", args=[session.public_id]), {"body": "Terlalu cepat."}
    )
    # The form comes back with the reason and what she typed: nothing is lost.
    assert response.status_code == 200
    assert SessionNote.objects.count() == 0
    assert "Catatan hanya dapat ditulis setelah sesi dimulai." in response.text
    assert "Terlalu cepat." in response.text


def test_the_author_edits_her_draft(client_for, bu_rina, draft_note):
    response = client_for(bu_rina).post(
        reverse("note-edit", args=[draft_note.public_id]),
        {**NOTE_TEXT, "agreed_follow_up": "Bertemu lagi minggu depan."},
    )
    assert response.status_code == 302
    assert response["Location"] == session_url(draft_note.session, draft_note)
    draft_note.refresh_from_db()
    assert draft_note.agreed_follow_up == "Bertemu lagi minggu depan."
    assert flashed(response) == ["Draf catatan diperbarui."]


def test_a_finalised_note_refuses_an_edit_and_says_so(client_for, bu_rina, final_note):
    response = client_for(bu_rina).post(
        reverse("note-edit", args=[final_note.public_id]), {"body": "Diam-diam diubah."}
    )
    assert response.status_code == 302
    final_note.refresh_from_db()
    assert final_note.body == ""
    assert "sudah final" in flashed(response)[0]


def test_the_author_finalises_her_draft(client_for, bu_rina, draft_note):
    client = client_for(bu_rina)
    url = reverse("note-finalise", args=[draft_note.public_id])
    asked = client.post(url)
    assert asked.status_code == 200
    draft_note.refresh_from_db()
    assert draft_note.status == SessionNote.Status.DRAFT
    response = client.post(url, {"confirm": "yes", "version": asked.context["version"]})
    assert response.status_code == 302
    draft_note.refresh_from_db()
    assert draft_note.status == SessionNote.Status.FINAL
    assert draft_note.finalised_at is not None


def test_a_finalised_note_accepts_an_addendum(client_for, bu_rina, final_note):
    response = client_for(bu_rina).post(
        reverse("addendum-create", args=[final_note.public_id]),
        {"body": "Orang tua sudah dihubungi."},
    )
    assert response.status_code == 302
    assert response["Location"] == session_url(final_note.session, final_note)
    addendum = NoteAddendum.objects.get()
    assert addendum.body == "Orang tua sudah dihubungi."
    assert addendum.author == bu_rina
    assert flashed(response) == ["Adendum ditambahkan."]


def test_a_draft_refuses_an_addendum(client_for, bu_rina, draft_note):
    response = client_for(bu_rina).post(
        reverse("addendum-create", args=[draft_note.public_id]), {"body": "Tambahan."}
    )
    assert response.status_code == 200
    assert "Catatan ini masih draf; ubah catatannya langsung." in response.text
    assert NoteAddendum.objects.count() == 0


def test_an_empty_addendum_is_sent_back_with_an_error(client_for, bu_rina, final_note):
    response = client_for(bu_rina).post(
        reverse("addendum-create", args=[final_note.public_id]), {"body": ""}
    )
    assert response.status_code == 200
    assert NoteAddendum.objects.count() == 0


def test_the_counselor_starts_and_completes_the_session(client_for, bu_rina, siti):
    from sessions import services

    session = services.create_walk_in_session(siti.counselee, by=bu_rina)
    client = client_for(bu_rina)

    assert (
        client.post(
            reverse("session-start", args=[session.public_id]), LIMITS_EXPLAINED
        ).status_code
        == 302
    )
    session.refresh_from_db()
    assert session.status == session.Status.IN_PROGRESS

    response = client.post(reverse("session-complete", args=[session.public_id]))
    assert response.status_code == 302
    session.refresh_from_db()
    assert session.status == session.Status.COMPLETED
    assert flashed(response)[-1] == "Sesi selesai."


def test_completing_twice_is_refused_with_a_message(client_for, bu_rina, siti_session):
    client = client_for(bu_rina)
    client.post(reverse("session-complete", args=[siti_session.public_id]))
    response = client.post(reverse("session-complete", args=[siti_session.public_id]))
    assert response.status_code == 302
    assert "tidak dapat dilakukan" in flashed(response)[-1]


def test_an_empty_edit_of_a_finalised_note_is_refused_as_final(client_for, bu_rina, final_note):
    response = client_for(bu_rina).post(reverse("note-edit", args=[final_note.public_id]), {})
    assert response.status_code == 302
    assert "sudah final" in flashed(response)[0]


def test_the_finalise_review_is_a_logged_look_at_the_note(client_for, bu_rina, draft_note):
    from counseling.audit.models import AccessEvent

    before = AccessEvent.objects.order_by("-id").values_list("id", flat=True).first()
    asked = client_for(bu_rina).post(reverse("note-finalise", args=[draft_note.public_id]))
    assert draft_note.body in asked.text
    [look] = AccessEvent.objects.filter(id__gt=before, action=AccessEvent.Action.VIEW)
    assert (look.actor, look.object_id) == (bu_rina, str(draft_note.public_id))

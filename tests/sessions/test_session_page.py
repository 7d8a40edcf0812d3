"""The session page: the notes in order with their addenda, and only the forms allowed."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from sessions import services
from tests.sessions.conftest import NOTE_TEXT


def page_url(session):
    return reverse("session-detail", args=[session.public_id])


def test_the_author_reads_her_notes_in_order_with_their_addenda(client_for, bu_rina, siti_session):
    first = services.write_note(siti_session, by=bu_rina, body="Catatan pertama.")
    services.finalise_note(first, by=bu_rina)
    services.add_addendum(first, by=bu_rina, body="Adendum: orang tua sudah dihubungi.")
    services.write_note(siti_session, by=bu_rina, body="Catatan kedua.")

    response = client_for(bu_rina).get(page_url(siti_session))

    assert response.status_code == 200
    text = response.text
    assert (
        text.index("Catatan pertama.")
        < text.index("Adendum: orang tua")
        < text.index("Catatan kedua.")
    )


def test_the_author_gets_edit_and_finalise_forms_for_her_draft(client_for, bu_rina, draft_note):
    response = client_for(bu_rina).get(page_url(draft_note.session))
    assert reverse("note-edit", args=[draft_note.public_id]) in response.text
    assert reverse("note-finalise", args=[draft_note.public_id]) in response.text
    assert NOTE_TEXT["presenting_concern"] in response.text


def test_a_second_counselor_sees_the_session_but_none_of_its_notes(
    client_for, bu_ani, draft_note, final_note
):
    response = client_for(bu_ani).get(page_url(draft_note.session))
    assert response.status_code == 200
    assert NOTE_TEXT["body"] not in response.text
    assert final_note.presenting_concern not in response.text
    assert "hanya dapat Anda baca bila siswa menyetujui alih tangan kasus" in response.text
    for url in [
        reverse("note-edit", args=[draft_note.public_id]),
        reverse("addendum-create", args=[final_note.public_id]),
        reverse("note-create", args=[draft_note.session.public_id]),
    ]:
        assert url not in response.text


def test_emergency_access_reads_without_any_form(client_for, pak_eko, draft_note, final_note):
    session = draft_note.session
    response = client_for(pak_eko).get(page_url(session))

    assert response.status_code == 200
    # The final note, read-only; the draft stays its author's alone.
    assert final_note.presenting_concern in response.text
    assert NOTE_TEXT["what_was_done"] not in response.text
    assert "Akses darurat" in response.text
    for url in [
        reverse("note-edit", args=[draft_note.public_id]),
        reverse("note-finalise", args=[draft_note.public_id]),
        reverse("addendum-create", args=[final_note.public_id]),
        reverse("note-create", args=[session.public_id]),
        reverse("session-complete", args=[session.public_id]),
    ]:
        assert url not in response.text


def test_a_finalised_note_offers_an_addendum_and_no_edit(client_for, bu_rina, final_note):
    response = client_for(bu_rina).get(page_url(final_note.session))
    assert reverse("addendum-create", args=[final_note.public_id]) in response.text
    assert reverse("note-edit", args=[final_note.public_id]) not in response.text


def test_a_scheduled_session_offers_start_and_no_note_form(client_for, bu_rina, siti):
    session = services.create_walk_in_session(siti.counselee, by=bu_rina)
    response = client_for(bu_rina).get(page_url(session))
    assert reverse("session-start", args=[session.public_id]) in response.text
    assert reverse("note-create", args=[session.public_id]) not in response.text


def test_html_in_a_note_is_shown_as_text(client_for, bu_rina, siti_session):
    note = services.write_note(
        siti_session, by=bu_rina, body="<script>alert('x')</script>\n<b>tebal</b>"
    )
    services.finalise_note(note, by=bu_rina)
    services.add_addendum(note, by=bu_rina, body="<img src=x onerror=alert(1)>")

    response = client_for(bu_rina).get(page_url(siti_session))

    assert "<script>alert" not in response.text
    assert "<b>tebal</b>" not in response.text
    assert "<img src=x" not in response.text
    assert "&lt;script&gt;alert(&#x27;x&#x27;)&lt;/script&gt;" in response.text
    assert "&lt;img src=x onerror=alert(1)&gt;" in response.text


def test_html_in_a_draft_is_escaped_inside_its_edit_form(client_for, bu_rina, siti_session):
    services.write_note(siti_session, by=bu_rina, body="</textarea><script>alert(1)</script>")
    response = client_for(bu_rina).get(page_url(siti_session))
    assert "<script>alert(1)" not in response.text
    assert "&lt;/textarea&gt;&lt;script&gt;" in response.text


def add_notes(session, author, count):
    for number in range(count):
        note = services.write_note(session, by=author, body=f"Catatan {number}.")
        if number % 2:
            note = services.finalise_note(note, by=author)
            services.add_addendum(note, by=author, body=f"Adendum {number}.")


@pytest.mark.parametrize("person", ["bu_rina", "pak_eko"])
def test_the_page_costs_the_same_queries_for_2_or_10_notes(
    client_for, request, siti, bu_rina, person
):
    reader = request.getfixturevalue(person)
    client = client_for(reader)
    counts = []
    for count in (2, 10):
        session = services.start_session(
            services.create_walk_in_session(siti.counselee, by=bu_rina),
            by=bu_rina,
            limits_explained=True,
        )
        add_notes(session, bu_rina, count)
        with CaptureQueriesContext(connection) as queries:
            response = client.get(page_url(session))
        assert response.status_code == 200
        readable = count if reader == bu_rina else count // 2  # finals only, to Pak Eko
        assert response.text.count('class="card confidential note"') == readable
        counts.append(len(queries))
    assert counts[0] == counts[1]

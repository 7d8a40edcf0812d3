"""The whole note workflow leaves no content in logs, e-mails, flash messages or the session."""

import logging

import pytest
from django.contrib.sessions.models import Session
from django.urls import reverse
from django.views.debug import SafeExceptionReporterFilter

from counseling.audit.models import AccessEvent
from sessions.models import CounselingSession, SessionNote
from tests.conftest import login
from tests.sessions.conftest import LIMITS_EXPLAINED, confirmed

SECRETS = {
    "presenting_concern": "Rahasia-1: takut pulang karena orang tua sering bertengkar.",
    "what_was_done": "Rahasia-2: menggambar peta dukungan sosial.",
    "agreed_follow_up": "Rahasia-3: menghubungi tantenya di Bekasi.",
    "body": "Rahasia-4: <b>menangis</b> saat membahas ayahnya.",
}
EDITED = "Rahasia-5: bercerita tentang sahabatnya, Rani."
ADDENDUM = "Rahasia-6: tantenya bersedia menjemput."
PLACE = "Rahasia-7: rumah nenek di Cibubur"


def all_secrets():
    return [*SECRETS.values(), EDITED, ADDENDUM, PLACE, "Rahasia-"]


def run_the_whole_workflow(client, intruder_client, siti):
    client.post(
        reverse("walk-in-create", args=[siti.counselee.public_id]),
        {"mode": "face_to_face", "place": PLACE, "minutes": "45"},
    )
    session = CounselingSession.objects.get()
    client.post(reverse("session-start", args=[session.public_id]), LIMITS_EXPLAINED)
    client.post(reverse("note-create", args=[session.public_id]), SECRETS)
    note = SessionNote.objects.get()
    # An invalid submission is answered with the form, and logged nowhere.
    client.post(reverse("note-create", args=[session.public_id]), {"body": ""})
    client.post(reverse("note-edit", args=[note.public_id]), {**SECRETS, "body": EDITED})
    client.post(reverse("note-finalise", args=[note.public_id]), confirmed(note))
    client.post(reverse("note-edit", args=[note.public_id]), {"body": EDITED + " lagi"})
    client.post(reverse("addendum-create", args=[note.public_id]), {"body": ADDENDUM})
    client.post(reverse("session-complete", args=[session.public_id]))
    page = client.get(reverse("session-detail", args=[session.public_id]), follow=True)
    assert ADDENDUM in page.text  # the workflow really ran
    # Refused attempts are logged too: make sure those lines carry no content either.
    intruder_client.post(reverse("note-edit", args=[note.public_id]), {"body": EDITED})
    intruder_client.post(reverse("addendum-create", args=[note.public_id]), {"body": ADDENDUM})
    return session, note


@pytest.fixture
def intruder_client(pak_budi):
    from django.test import Client

    client = Client()
    login(client, pak_budi)
    return client


def test_no_content_reaches_logs_mail_messages_or_sessions(
    client_for, intruder_client, siti, bu_rina, caplog, mailoutbox, settings
):
    # With DEBUG on, Django also logs every SQL statement with its parameters.
    settings.DEBUG = True
    caplog.set_level(logging.DEBUG)
    # Django's own loggers stop at INFO unless told otherwise.
    caplog.set_level(logging.DEBUG, logger="django")
    client = client_for(bu_rina)

    run_the_whole_workflow(client, intruder_client, siti)

    # The SQL log shows the note's columns were written: the test would catch plaintext.
    assert 'INSERT INTO "counseling_sessions_sessionnote"' in caplog.text
    logged = caplog.text + "".join(str(r.args) for r in caplog.records)
    sent = "".join(m.subject + m.body + "".join(str(a) for a in m.alternatives) for m in mailoutbox)
    sessions = "".join(str(s.get_decoded()) + s.session_data for s in Session.objects.all())
    events = "".join(
        f"{e.object_type}{e.object_id}{e.user_agent}{e.request_id}"
        for e in AccessEvent.objects.all()
    )
    for secret in all_secrets():
        assert secret not in logged
        assert secret not in sent
        assert secret not in sessions
        assert secret not in events


def test_flash_messages_carry_no_content(client_for, intruder_client, siti, bu_rina):
    from django.contrib.messages import get_messages

    client = client_for(bu_rina)
    client.post(
        reverse("walk-in-create", args=[siti.counselee.public_id]),
        {"mode": "online", "place": PLACE, "minutes": "30"},
    )
    session = CounselingSession.objects.get()
    client.post(reverse("session-start", args=[session.public_id]), LIMITS_EXPLAINED)
    response = client.post(reverse("note-create", args=[session.public_id]), SECRETS)
    note = SessionNote.objects.get()
    client.post(reverse("note-finalise", args=[note.public_id]), confirmed(note))
    response = client.post(reverse("note-edit", args=[note.public_id]), {"body": EDITED})

    flashed = [str(m) for m in get_messages(response.wsgi_request)]
    assert len(flashed) == 5
    for text in flashed:
        for secret in all_secrets():
            assert secret not in text


@pytest.mark.parametrize("change", ["walk-in", "note-create", "note-edit", "addendum-create"])
def test_forms_with_content_hide_their_post_data_from_error_reports(
    client_for, bu_rina, siti, siti_session, draft_note, final_note, change
):
    url = {
        "walk-in": reverse("walk-in-create", args=[siti.counselee.public_id]),
        "note-create": reverse("note-create", args=[siti_session.public_id]),
        "note-edit": reverse("note-edit", args=[draft_note.public_id]),
        "addendum-create": reverse("addendum-create", args=[final_note.public_id]),
    }[change]
    response = client_for(bu_rina).post(url, {"body": ADDENDUM, "place": PLACE})

    request = response.wsgi_request
    assert request.sensitive_post_parameters == "__ALL__"
    cleansed = SafeExceptionReporterFilter().get_post_parameters(request)
    assert ADDENDUM not in str(cleansed)
    assert PLACE not in str(cleansed)

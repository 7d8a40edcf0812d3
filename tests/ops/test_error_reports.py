"""Error reports to ADMINS carry where and what broke, never what a student said."""

import pytest
from django.test import Client
from django.urls import reverse

from counseling.notices import delivery, publishing
from counseling.notices.models import Notice
from sessions import services as session_services
from tests.conftest import BOOKING_TOPIC, login
from tests.ops.celery_support import celery_app, celery_includes, own_redis  # noqa: F401
from tests.ops.stack import wait_for

NOTE = "RAHASIA-ERR-7731: ayah tiriku memukulku kemarin malam"


def everything_in(mail) -> str:
    parts = [mail.subject, mail.body, mail.message().as_string()]
    parts += [str(content) for content, _type in getattr(mail, "alternatives", [])]
    parts += [str(attachment) for attachment in mail.attachments]
    return "\n".join(parts)


@pytest.fixture
def admins(settings):
    settings.ADMINS = [("Pak Joko", "it@sekolah.test")]


@pytest.fixture
def draft_note(siti, bu_rina):
    session = session_services.create_walk_in_session(siti.counselee, by=bu_rina, place="BK")
    session = session_services.start_session(session, by=bu_rina, limits_explained=True)
    return session_services.write_note(session, by=bu_rina, presenting_concern="Belum ditulis.")


def test_a_500_in_a_note_view_emails_the_admins_without_the_note(
    admins, draft_note, bu_rina, monkeypatch, mailoutbox
):
    def edit_note_that_breaks(note, *, by, **fields):
        # The note is in scope in this frame, and Python quotes it in the error's text:
        # "invalid literal for int() with base 10: 'RAHASIA-ERR-7731: ...'".
        concern = fields["presenting_concern"]
        return int(concern)

    monkeypatch.setattr(session_services, "edit_note", edit_note_that_breaks)
    client = login(Client(raise_request_exception=False), bu_rina)
    path = reverse("note-edit", args=[draft_note.public_id])

    response = client.post(path, {"presenting_concern": NOTE})

    assert response.status_code == 500
    assert NOTE not in response.content.decode()
    [report] = mailoutbox
    assert report.to == ["it@sekolah.test"]
    text = everything_in(report)
    assert "RAHASIA-ERR-7731" not in text
    assert "ayah tiriku" not in text
    assert "Rina" not in text and "Siti" not in text
    assert f"POST {path}" in text
    assert response["X-Request-ID"] in text
    assert f"#{bu_rina.pk} (counselor)" in text
    assert "ValueError: (withheld" in text
    assert "in edit_note_that_breaks: return int(concern)" in text  # where, not what


def test_without_admins_nobody_is_mailed(draft_note, bu_rina, monkeypatch, mailoutbox):
    monkeypatch.setattr(session_services, "edit_note", lambda *a, **k: 1 / 0)
    client = login(Client(raise_request_exception=False), bu_rina)
    client.post(reverse("note-edit", args=[draft_note.public_id]), {"presenting_concern": NOTE})
    assert mailoutbox == []


@pytest.fixture
def publishing_paused(monkeypatch):
    """The booking's notices are not handed to the broker: this test hands one itself."""
    monkeypatch.setattr(publishing, "publish_after_commit", lambda notice_ids: None)


@pytest.mark.django_db(transaction=True)
def test_a_failed_task_emails_the_admins_without_the_topic(
    admins, celery_worker, publishing_paused, siti_booking, siti, monkeypatch, mailoutbox
):
    siti.email = "siti@sekolah.test"
    siti.save(update_fields=["email"])

    def check_that_breaks(notice, now):
        topic = notice.booking.topic  # decrypted, in scope in this frame
        raise RuntimeError(f"The check failed on the booking about {topic}")

    # A failure outside the send itself (which is recorded and retried, not raised).
    monkeypatch.setattr(delivery, "_outdated", check_that_breaks)
    message = Notice.objects.filter(booking=siti_booking, recipient=siti).first()
    mailoutbox.clear()

    result = delivery.deliver_notice.delay(message.pk)

    with pytest.raises(RuntimeError):
        result.get(timeout=20, propagate=True)
    assert wait_for(lambda: mailoutbox, timeout=10)
    [report] = mailoutbox
    text = everything_in(report)
    assert BOOKING_TOPIC not in text
    assert BOOKING_TOPIC[:20] not in text
    assert "counseling.notices.tasks.deliver_notice" in text
    assert result.id in text
    assert "RuntimeError: (withheld" in text


@pytest.mark.django_db
def test_a_request_for_another_host_is_logged_but_not_mailed(admins, client, mailoutbox):
    assert client.get("/", HTTP_HOST="scanner.example").status_code == 400
    assert mailoutbox == []

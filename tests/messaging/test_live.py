"""Live enough: the poll, unread counts, and batched, content-free notices."""

import datetime

import pytest
from django.urls import reverse

from counseling.celery import app as project_app
from counseling.messaging import services
from counseling.notices.models import Notice
from tests.conftest import login
from tests.messaging.conftest import RINA_LINE, SITI_LINE
from tests.sessions.outbox_support import give_addresses

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _deliver_in_process(monkeypatch):
    monkeypatch.setitem(project_app.conf, "task_always_eager", True)


def _poll(client, conversation, version):
    url = reverse("conversation-poll", args=[conversation.public_id])
    return client.get(url, {"v": version}, HTTP_X_AMANAH_POLL="1")


def test_a_poll_with_nothing_new_costs_two_queries_and_decrypts_nothing(
    client, conversation, bu_rina, monkeypatch
):
    from counseling import fernet

    login(client, bu_rina).get(reverse("conversation", args=[conversation.public_id]))
    conversation.refresh_from_db()
    _poll(client, conversation, conversation.version)  # the session's last-seen is written once
    decrypted = []
    real = fernet.decrypt
    monkeypatch.setattr(fernet, "decrypt", lambda value: decrypted.append(1) or real(value))
    # The session and the user are Django's own two; the poll adds one.
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as queries:
        response = _poll(client, conversation, conversation.version)
    assert response.status_code == 204
    # Signing the request in is Django's (the session, the user) and, for staff, the
    # verified second factor; the poll's own work is one indexed read of one integer.
    sign_in = ("django_session", "accounts_user", "accounts_authenticatordevice")
    own = [
        q["sql"]
        for q in queries.captured_queries
        if not any(f'FROM "{table}"' in q["sql"] for table in sign_in)
    ]
    assert len(own) == 1
    assert own[0].startswith('SELECT "messaging_conversation"."version"')
    assert len(queries.captured_queries) <= 2 + 1 + 1
    assert decrypted == []


def test_a_poll_after_a_new_message_brings_it_without_a_second_log_entry(
    client, conversation, bu_rina, siti_online
):
    from counseling.audit.models import AccessEvent

    login(client, bu_rina).get(reverse("conversation", args=[conversation.public_id]))
    conversation.refresh_from_db()
    old_version = conversation.version
    services.send(conversation, by=siti_online, body="RAHASIA-BARU-4404 satu lagi")
    views = AccessEvent.objects.filter(actor=bu_rina, action="view").count()
    response = _poll(client, conversation, old_version)
    assert response.status_code == 200
    assert "RAHASIA-BARU-4404" in response.content.decode()
    assert int(response["X-Conversation-Version"]) == old_version + 1
    assert AccessEvent.objects.filter(actor=bu_rina, action="view").count() == views


def test_a_poll_without_an_open_is_a_logged_look(client, conversation, bu_rina):
    from counseling.audit.models import AccessEvent

    login(client, bu_rina)
    response = _poll(client, conversation, 0)
    assert response.status_code == 200
    assert AccessEvent.objects.filter(
        actor=bu_rina, action="view", object_type="messaging.conversation"
    ).exists()


def test_a_poll_does_not_keep_an_idle_session_alive(client, conversation, siti_online):
    from counseling.accounts import security

    login(client, siti_online).get(reverse("conversation", args=[conversation.public_id]))
    session = client.session
    session[security.LAST_SEEN] -= 3600 * 5
    session.save()
    response = _poll(client, conversation, 0)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


def test_unread_counts_on_both_dashboards(client, conversation, siti_online, bu_rina):
    page = login(client, siti_online).get(reverse("student-dashboard")).content.decode()
    assert "1 pesan belum dibaca" in page
    page = login(client, bu_rina).get(reverse("counselor-dashboard")).content.decode()
    assert "1 pesan belum dibaca" in page  # Siti's first line; Bu Rina's reply came after
    client.get(reverse("conversation", args=[conversation.public_id]))
    page = client.get(reverse("counselor-dashboard")).content.decode()
    assert "Tidak ada pesan baru." in page


def test_a_chat_sends_one_content_free_email_per_window(
    conversation, siti_online, bu_rina, mailoutbox, django_capture_on_commit_callbacks
):
    give_addresses(siti_online, bu_rina)
    # The fixture's own reply opened this window already; start a fresh one.
    Notice.objects.all().delete()
    for n in range(5):
        with django_capture_on_commit_callbacks(execute=True):
            services.send(conversation, by=bu_rina, body=f"RAHASIA-BARIS-{n} lanjutan")
    notices = Notice.objects.filter(recipient=siti_online, kind=Notice.Kind.MESSAGE_TO_STUDENT)
    assert notices.count() == 1
    assert [m.to for m in mailoutbox] == [[siti_online.email]]
    mail = mailoutbox[0]
    assert "Ada pesan baru dari konselormu" in mail.subject
    text = mail.subject + mail.body
    assert "RAHASIA" not in text and RINA_LINE not in text and SITI_LINE not in text
    assert str(conversation.public_id) in mail.body  # the link, to a page that asks again


def test_the_next_window_brings_the_next_notice(conversation, siti_online, bu_rina):
    now = datetime.datetime(2026, 3, 2, 10, 0, tzinfo=datetime.UTC)
    later = now + datetime.timedelta(minutes=16)
    first = services.window_key(conversation, siti_online, now)
    assert first == services.window_key(
        conversation, siti_online, now + datetime.timedelta(minutes=1)
    )
    assert first != services.window_key(conversation, siti_online, later)


def test_the_inbox_says_only_that_there_is_a_message(client, conversation, siti_online):
    page = login(client, siti_online).get(reverse("inbox")).content.decode()
    assert "Ada pesan baru dari konselormu" in page
    assert RINA_LINE not in page


def test_the_admin_sees_counts_and_never_a_line(client, conversation, admin):
    page = login(client, admin).get(reverse("admin-dashboard")).content.decode()
    assert "percakapan daring" in page
    assert SITI_LINE not in page and RINA_LINE not in page
    assert (
        login(client, admin).get(reverse("conversation", args=[conversation.public_id])).status_code
        == 404
    )

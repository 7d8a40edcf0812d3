"""The guardian's one-time link: e-mailed without content, single use, expiring, bound to
the browser that opened it first, stored only as a hash, and never in a log line."""

import datetime
import json
import logging
import smtplib

import pytest
from django.core import mail
from django.test import Client
from django.utils import timezone

from counseling import policy
from counseling.audit.models import AccessEvent
from counseling.guardians import mail as guardian_mail
from counseling.guardians.models import GuardianAcknowledgement, GuardianLink
from counseling.notices.models import Notice
from counseling.ops.logs import JsonFormatter
from counseling.policy.guardians import GateState
from tests.guardians.conftest import GUARDIAN_EMAIL, send_link

AGREE = {"typed_name": "Suryani", "agree": "on"}


@pytest.fixture
def link_path(
    consent_required, ibu_suryani, bu_rina, django_capture_on_commit_callbacks, mailoutbox
):
    return send_link(ibu_suryani, bu_rina, django_capture_on_commit_callbacks, mailoutbox)


def accept(client, path):
    page = client.get(path)
    assert page.status_code == 200
    shown_hash = page.context["form"].initial["shown_hash"]
    return client.post(path, {**AGREE, "shown_hash": shown_hash})


def test_the_email_reaches_the_guardian_with_the_link_and_no_content(link_path, mailoutbox, siti):
    message = mailoutbox[-1]
    assert message.to == [GUARDIAN_EMAIL]
    assert link_path in message.body
    # The booking topic, the background notes: nothing of what the school knows about her.
    assert "Sering cemas" not in message.body
    assert "Sering cemas" not in message.subject


def test_only_a_hash_of_the_token_is_stored(link_path):
    token = link_path.split("/")[2]
    link = GuardianLink.objects.get()
    assert link.token_hash == GuardianLink.hash_of(token)
    assert token not in link.token_hash


def test_the_guardian_acknowledges_without_signing_in(link_path, siti, bu_rina):
    guardian_phone = Client()
    response = accept(guardian_phone, link_path)
    assert response.status_code == 200
    assert "Persetujuan Anda tercatat" in response.text
    acknowledgement = GuardianAcknowledgement.objects.get()
    assert acknowledgement.channel == "link"
    assert acknowledgement.basis == "consent_required"
    assert policy.gate_state(siti.counselee) == GateState.CONSENT_GIVEN
    # The counselor is told, without content.
    assert Notice.objects.filter(
        recipient=bu_rina, kind=Notice.Kind.GUARDIAN_CONSENT_GIVEN
    ).exists()
    # Logged, naming nobody as the actor: the guardian has no account.
    event = AccessEvent.objects.get(
        action="consent_acknowledged", object_type__startswith="guardians"
    )
    assert event.actor_id is None
    assert event.counselee_id == siti.counselee.pk


def test_the_link_is_single_use(link_path):
    guardian_phone = Client()
    accept(guardian_phone, link_path)
    again = guardian_phone.get(link_path)
    assert again.status_code == 404
    assert "Tautan ini tidak berlaku" in again.text
    assert GuardianAcknowledgement.objects.count() == 1


def test_a_second_submission_of_the_same_page_writes_nothing(link_path):
    guardian_phone = Client()
    page = guardian_phone.get(link_path)
    data = {**AGREE, "shown_hash": page.context["form"].initial["shown_hash"]}
    guardian_phone.post(link_path, data)
    replay = guardian_phone.post(link_path, data)
    assert replay.status_code == 404
    assert GuardianAcknowledgement.objects.count() == 1


def test_another_browser_cannot_use_a_link_once_it_was_opened(link_path):
    guardian_phone, someone_else = Client(), Client()
    page = guardian_phone.get(link_path)
    assert page.status_code == 200
    assert someone_else.get(link_path).status_code == 404
    data = {**AGREE, "shown_hash": page.context["form"].initial["shown_hash"]}
    assert someone_else.post(link_path, data).status_code == 404
    assert not GuardianAcknowledgement.objects.exists()
    # The guardian herself still can.
    assert guardian_phone.post(link_path, data).status_code == 200


def test_a_signed_in_user_cannot_replay_a_used_link(link_path, client_for, dimas):
    accept(Client(), link_path)
    assert client_for(dimas).get(link_path).status_code == 404


def test_the_link_expires(link_path, settings):
    GuardianLink.objects.update(expires_at=timezone.now() - datetime.timedelta(seconds=1))
    assert Client().get(link_path).status_code == 404


def test_a_newer_link_replaces_the_older(
    link_path, ibu_suryani, bu_rina, django_capture_on_commit_callbacks, mailoutbox
):
    newer = send_link(ibu_suryani, bu_rina, django_capture_on_commit_callbacks, mailoutbox)
    assert newer != link_path
    assert Client().get(link_path).status_code == 404
    assert Client().get(newer).status_code == 200


def test_an_unknown_token_is_refused_and_logged_without_the_token(db):
    response = Client().get("/wali/tidak-ada-token-seperti-ini/")
    assert response.status_code == 404
    event = AccessEvent.objects.filter(action="denied").latest("id")
    assert event.object_type == "guardians.guardianlink"
    assert "tidak-ada" not in event.object_id


def test_the_link_pages_keep_the_token_out_of_referrers_and_caches(link_path):
    response = Client().get(link_path)
    assert response["Referrer-Policy"] == "same-origin"
    assert "no-store" in response["Cache-Control"] or "max-age=0" in response["Cache-Control"]


def test_the_token_never_reaches_a_log_line(link_path, caplog):
    caplog.set_level(logging.DEBUG)
    token = link_path.split("/")[2]
    guardian_phone = Client()
    accept(guardian_phone, link_path)
    guardian_phone.get(link_path)  # used: a 404, which Django logs with its path
    Client().get(link_path)
    assert any("/wali/" in record.getMessage() for record in caplog.records)
    formatter = JsonFormatter()
    for record in caplog.records:
        assert token not in formatter.format(record), record.getMessage()
    assert token not in json.dumps(list(AccessEvent.objects.values_list("object_id", "user_agent")))


def test_a_failing_mail_server_delays_the_link_and_loses_nothing(
    consent_required, ibu_suryani, bu_rina, django_capture_on_commit_callbacks, monkeypatch
):
    def refuse(self, *args, **kwargs):
        raise smtplib.SMTPServerDisconnected("relay gone")

    monkeypatch.setattr("django.core.mail.message.EmailMessage.send", refuse)
    with django_capture_on_commit_callbacks(execute=True):
        from counseling.guardians import services

        services.send_link(ibu_suryani, by=bu_rina)
    link = GuardianLink.objects.get()
    assert link.email_status == "pending"
    assert link.attempts == 1
    assert link.last_error == "SMTPServerDisconnected"
    assert link.next_attempt_at > timezone.now()
    monkeypatch.undo()
    GuardianLink.objects.update(next_attempt_at=timezone.now())
    assert guardian_mail.deliver_due() == 1
    assert GuardianLink.objects.get().email_status == "sent"
    assert len(mail.outbox) == 1
    # Sent once: a second run finds nothing due.
    assert guardian_mail.deliver_due() == 0


def test_a_guardian_without_an_email_gets_no_link(
    consent_required, siti, bu_rina, guardian_document
):
    from django.core.exceptions import ValidationError

    from counseling.guardians import services

    guardian = services.add_guardian(siti.counselee, by=bu_rina, name="Bapak X", relation="father")
    with pytest.raises(ValidationError):
        services.send_link(guardian, by=bu_rina)

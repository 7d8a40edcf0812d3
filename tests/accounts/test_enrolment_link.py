"""Counselors and admins enrol their second factor through a one-time link sent to their
own e-mail address, not with the password the admin typed."""

import datetime
import io
import re

import pytest
from django.core.management import CommandError, call_command
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from django_otp.oath import totp

from counseling.accounts import enrolment
from counseling.accounts.models import EnrolmentLink, User
from counseling.accounts.second_factor import AuthenticatorDevice
from counseling.audit.models import AccessEvent
from counseling.notices import publishing
from counseling.notices.models import Notice
from tests.conftest import PASSWORD, enrolment_link, login, second_factor

LINK = re.compile(r"https?://\S+(/accounts/2fa/enrol/[^/\s]+/)")
TEMPORARY = "sementara-dari-admin-1"


@pytest.fixture
def bu_rina_mail(bu_rina):
    bu_rina.email = "rina@sekolah.test"
    bu_rina.save(update_fields=["email"])
    return bu_rina


def sign_in(username, password=PASSWORD):
    client = Client()
    client.post(reverse("login"), {"username": username, "password": password})
    assert "_auth_user_id" in client.session
    return client


def link_in(message) -> str:
    return LINK.search(message.body).group(1)


def enrol(client, user):
    """On the setup page, as an authenticator app would: the response with the codes."""
    client.get(reverse("two-factor-setup"))
    device = AuthenticatorDevice.objects.get(user=user, confirmed=False)
    return client.post(reverse("two-factor-setup"), {"token": f"{totp(device.bin_key):06d}"})


def test_a_new_counselor_is_mailed_a_link_the_admin_never_sees(
    admin, mailoutbox, django_capture_on_commit_callbacks
):
    admin_client = login(Client(), admin)
    with django_capture_on_commit_callbacks(execute=True):
        response = admin_client.post(
            reverse("admin:accounts_user_add"),
            {
                "username": "bu_sari",
                "full_name": "Sari Indah",
                "role": "counselor",
                "email": "sari@sekolah.test",
                "usable_password": "true",
                "password1": TEMPORARY,
                "password2": TEMPORARY,
            },
            follow=True,
        )
    assert response.status_code == 200
    [message] = mailoutbox
    assert message.to == ["sari@sekolah.test"]
    path = link_in(message)
    token = path.rstrip("/").rsplit("/", 1)[1]
    # Not on the admin's page, not in the database, not in the access log.
    assert token not in response.text
    link = EnrolmentLink.objects.get(user__username="bu_sari")
    assert token not in str(list(EnrolmentLink.objects.values()))
    assert link.token_hash
    notice = Notice.objects.get(kind=Notice.Kind.ENROLMENT_LINK, recipient=link.user)
    assert notice.email_status == Notice.EmailStatus.SENT
    assert token not in str(list(Notice.objects.values()))
    assert token not in str(list(AccessEvent.objects.values()))
    event = AccessEvent.objects.get(action="enrolment_link_issued")
    assert (event.actor, event.object_id) == (admin, str(link.user.pk))

    # Sari opens it from her e-mail: sign in, then the QR code, then her own password.
    sari = User.objects.get(username="bu_sari")
    client = Client()
    page = client.get(path, follow=True)
    assert page.request["PATH_INFO"] == reverse("login")
    login_page = page.request["PATH_INFO"] + "?" + page.request["QUERY_STRING"]
    landed = client.post(login_page, {"username": "bu_sari", "password": TEMPORARY}, follow=True)
    assert landed.request["PATH_INFO"] == reverse("two-factor-setup")
    codes = enrol(client, sari).context["codes"]
    assert len(codes) == 10
    assert client.get(reverse("counselor-dashboard"))["Location"] == reverse("choose-password")
    assert AccessEvent.objects.filter(action="2fa_enrolled", actor=sari).exists()


def test_without_a_link_the_password_alone_cannot_enrol(bu_rina):
    # Whoever knows the password (the admin typed it) meets a clear page, and no QR code.
    client = sign_in("bu_rina")
    page = client.get(reverse("two-factor-setup"))
    assert page.status_code == 403
    assert "Minta admin sekolah mengirim tautan baru" in page.text
    assert "<svg" not in page.text
    assert not AuthenticatorDevice.objects.filter(user=bu_rina).exists()
    assert client.post(reverse("two-factor-setup"), {"token": "123456"}).status_code == 403
    assert client.get(reverse("counselor-dashboard")).status_code == 302


def test_a_link_works_once(bu_rina):
    path = enrolment_link(bu_rina)
    client = sign_in("bu_rina")
    assert client.get(path)["Location"] == reverse("two-factor-setup")
    enrol(client, bu_rina)
    again = sign_in("bu_rina")
    page = again.get(path)
    assert page.status_code == 404
    assert "Tautan ini tidak berlaku" in page.text
    assert again.get(reverse("two-factor-setup"))["Location"] == reverse("two-factor-verify")


def test_one_link_opened_in_two_browsers_enrols_one_device(bu_rina):
    path = enrolment_link(bu_rina)
    first, second = sign_in("bu_rina"), sign_in("bu_rina")
    first.get(path)
    second.get(path)
    first.get(reverse("two-factor-setup"))
    second.get(reverse("two-factor-setup"))
    device = AuthenticatorDevice.objects.get(user=bu_rina, confirmed=False)
    token = f"{totp(device.bin_key):06d}"
    assert first.post(reverse("two-factor-setup"), {"token": token}).status_code == 200
    # The link is used up: the second browser is sent to verify the device just enrolled.
    late = second.post(reverse("two-factor-setup"), {"token": token})
    assert late["Location"] == reverse("two-factor-verify")
    assert AuthenticatorDevice.objects.filter(user=bu_rina, confirmed=True).count() == 1


def test_an_expired_link_is_refused(bu_rina, settings):
    path = enrolment_link(bu_rina)
    EnrolmentLink.objects.update(expires_at=timezone.now() - datetime.timedelta(seconds=1))
    page = sign_in("bu_rina").get(path)
    assert page.status_code == 404
    assert "Minta admin sekolah mengirim tautan baru" in page.text


def test_a_new_link_replaces_the_old_one(bu_rina):
    old = enrolment_link(bu_rina)
    new = enrolment_link(bu_rina)
    client = sign_in("bu_rina")
    assert client.get(old).status_code == 404
    assert client.get(new).status_code == 302


def test_someone_elses_link_is_refused_and_logged_without_its_token(bu_rina, pak_budi, siti):
    path = enrolment_link(bu_rina)
    token = path.rstrip("/").rsplit("/", 1)[1]
    for username in ("pak_budi", "siti"):
        assert sign_in(username).get(path).status_code == 404
    denials = AccessEvent.objects.filter(action="denied", object_type="accounts.enrolmentlink")
    assert denials.count() == 2
    assert token not in str(list(AccessEvent.objects.values()))
    # Bu Rina's own link still works.
    assert sign_in("bu_rina").get(path).status_code == 302


def test_a_link_replaces_a_lost_device(bu_rina):
    old = second_factor(bu_rina)
    client = sign_in("bu_rina")
    client.get(enrolment_link(bu_rina))
    enrol(client, bu_rina)
    assert not AuthenticatorDevice.objects.filter(pk=old.pk).exists()
    assert client.get(reverse("counselor-dashboard")).status_code == 200


def test_the_admin_sends_a_new_link_and_it_is_logged(
    admin, bu_rina_mail, siti, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = login(Client(), admin).post(
            reverse("admin:accounts_user_changelist"),
            {"action": "send_enrolment_links", "_selected_action": [bu_rina_mail.pk, siti.pk]},
            follow=True,
        )
    assert [m.to for m in mailoutbox] == [["rina@sekolah.test"]]
    assert link_in(mailoutbox[0]) not in response.text
    assert "Hanya konselor dan admin" in response.text  # Siti has no second factor
    assert AccessEvent.objects.filter(
        action="enrolment_link_issued", actor=admin, object_id=str(bu_rina_mail.pk)
    ).exists()


def test_no_link_without_an_email_address(admin, bu_rina):
    response = login(Client(), admin).post(
        reverse("admin:accounts_user_changelist"),
        {"action": "send_enrolment_links", "_selected_action": [bu_rina.pk]},
        follow=True,
    )
    assert "belum punya alamat e-mail" in response.text
    assert not EnrolmentLink.objects.exists()


def test_the_link_is_a_notice_sent_once(bu_rina_mail, mailoutbox):
    enrolment.issue(bu_rina_mail, by=None)
    assert publishing.requeue() == 1
    assert publishing.requeue() == 0
    assert len(mailoutbox) == 1
    assert "sekali" in mailoutbox[0].body
    # Her inbox says that the link was sent, never the link.
    notice = Notice.objects.get(recipient=bu_rina_mail)
    assert link_in(mailoutbox[0]).split("/")[-2] not in str(list(Notice.objects.values()))
    assert notice.kind == Notice.Kind.ENROLMENT_LINK


def test_a_replaced_link_is_never_sent(bu_rina_mail, mailoutbox):
    enrolment.issue(bu_rina_mail, by=None)
    second = enrolment.issue(bu_rina_mail, by=None)
    publishing.requeue()
    # Only the newer link is mailed; the older one's notice is withdrawn unsent.
    [message] = mailoutbox
    token = link_in(message).rstrip("/").rsplit("/", 1)[1]
    second.refresh_from_db()
    assert second.token_hash == EnrolmentLink.hash_of(token)
    statuses = sorted(Notice.objects.values_list("email_status", flat=True))
    assert statuses == sorted([Notice.EmailStatus.SENT, Notice.EmailStatus.CANCELLED])


def test_the_first_admin_gets_a_link_from_the_command_line(
    admin, mailoutbox, django_capture_on_commit_callbacks
):
    admin.email = "agus@sekolah.test"
    admin.save(update_fields=["email"])
    with django_capture_on_commit_callbacks(execute=True):
        call_command("send_enrolment_link", "agus", stdout=io.StringIO())
    assert [m.to for m in mailoutbox] == [["agus@sekolah.test"]]
    with pytest.raises(CommandError, match="No account"):
        call_command("send_enrolment_link", "tidak-ada")


def test_a_link_the_broker_missed_is_sent_by_the_sweep(bu_rina_mail, mailoutbox):
    # Issued, but its notice never reached a worker (the broker was down at the commit).
    enrolment.issue(bu_rina_mail, by=None)
    assert mailoutbox == []
    assert publishing.requeue() == 1
    assert publishing.requeue() == 0
    assert [m.to for m in mailoutbox] == [["rina@sekolah.test"]]

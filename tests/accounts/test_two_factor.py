"""Staff (counselors, admins, the data protection officer) need a second factor; a
password alone reaches no student data."""

import pytest
from django.test import Client
from django.urls import reverse
from django_otp.oath import totp

from counseling.accounts.second_factor import AuthenticatorDevice, RecoveryCode, hash_code
from counseling.audit.models import AccessEvent
from tests.conftest import PASSWORD, enrolment_link, second_factor


def code(device):
    return f"{totp(device.bin_key):06d}"


def password_only(client, user):
    client.post(reverse("login"), {"username": user.username, "password": PASSWORD})
    return client


@pytest.mark.parametrize(
    "url",
    [
        "/counselor/",
        "/caseload/",
        "/admin-dashboard/",
        "/audit/",
        "/admin/",
        "/emergency-access/",
        "/dpo/",
        "/dpo/processing/",
        "/data-requests/",
    ],
)
@pytest.mark.parametrize("who", ["bu_rina", "admin", "dpo"])
def test_a_password_alone_reaches_no_data(client, request, siti, who, url):
    user = request.getfixturevalue(who)
    second_factor(user)
    response = password_only(client, user).get(url)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("two-factor-verify"))


def test_nor_a_record_by_its_address(client, siti, bu_rina):
    second_factor(bu_rina)
    client = password_only(client, bu_rina)
    response = client.get(reverse("counselee-detail", args=[siti.counselee.public_id]))
    assert response.status_code == 302
    assert "Sering cemas" not in response.text


def test_enrolment_shows_a_qr_code_drawn_here_and_issues_recovery_codes(client, bu_rina):
    client = password_only(client, bu_rina)
    client.get(enrolment_link(bu_rina))
    page = client.get(reverse("two-factor-setup"))
    assert "<svg" in page.text and "<img" not in page.text.split("qr")[1][:200]
    device = AuthenticatorDevice.objects.get(user=bu_rina, confirmed=False)
    response = client.post(reverse("two-factor-setup"), {"token": code(device)})
    assert response.status_code == 200
    codes = response.context["codes"]
    assert len(codes) == 10
    assert {hash_code(c) for c in codes} == set(
        RecoveryCode.objects.values_list("code_hash", flat=True)
    )
    assert client.get("/counselor/").status_code == 200
    assert AccessEvent.objects.filter(action="2fa_enrolled", actor=bu_rina).exists()


def test_a_wrong_code_is_refused_and_logged(client, bu_rina):
    second_factor(bu_rina)
    client = password_only(client, bu_rina)
    response = client.post(reverse("two-factor-verify"), {"token": "000000"})
    assert "Kode salah" in response.text
    assert client.get("/counselor/").status_code == 302
    assert AccessEvent.objects.filter(action="login_failed", actor=bu_rina).exists()


def test_a_code_is_used_once_only(client, bu_rina):
    device = second_factor(bu_rina)
    token = code(device)
    password_only(client, bu_rina).post(reverse("two-factor-verify"), {"token": token})
    assert client.get("/counselor/").status_code == 200
    client.post(reverse("logout"))
    password_only(client, bu_rina).post(reverse("two-factor-verify"), {"token": token})
    assert client.get("/counselor/").status_code == 302


def test_a_recovery_code_works_once(client, bu_rina):
    client = password_only(client, bu_rina)
    client.get(enrolment_link(bu_rina))
    client.get(reverse("two-factor-setup"))
    device = AuthenticatorDevice.objects.get(user=bu_rina, confirmed=False)
    codes = client.post(reverse("two-factor-setup"), {"token": code(device)}).context["codes"]
    client.post(reverse("logout"))
    password_only(client, bu_rina).post(reverse("two-factor-verify"), {"token": codes[0]})
    assert client.get("/counselor/").status_code == 200
    client.post(reverse("logout"))
    password_only(client, bu_rina).post(reverse("two-factor-verify"), {"token": codes[0]})
    assert client.get("/counselor/").status_code == 302


def test_the_session_key_changes_when_the_second_factor_is_verified(client, bu_rina):
    device = second_factor(bu_rina)
    client = password_only(client, bu_rina)
    before = client.session.session_key
    client.post(reverse("two-factor-verify"), {"token": code(device)})
    assert client.session.session_key != before


def test_the_dpo_enrols_and_verifies_like_other_staff(client, dpo):
    client = password_only(client, dpo)
    assert client.get(reverse("dpo-dashboard"))["Location"].startswith(reverse("two-factor-verify"))
    client.get(enrolment_link(dpo))
    client.get(reverse("two-factor-setup"))
    device = AuthenticatorDevice.objects.get(user=dpo, confirmed=False)
    response = client.post(reverse("two-factor-setup"), {"token": code(device)})
    assert len(response.context["codes"]) == 10
    assert client.get(reverse("dpo-dashboard")).status_code == 200
    assert AccessEvent.objects.filter(action="2fa_enrolled", actor=dpo).exists()

    # Another day, another browser: the password, then a recovery code.
    fresh = password_only(Client(), dpo)
    fresh.post(reverse("two-factor-verify"), {"token": response.context["codes"][0]})
    assert fresh.get(reverse("dpo-dashboard")).status_code == 200


def test_students_sign_in_with_a_password(client, siti):
    client.post(reverse("login"), {"username": "siti", "password": PASSWORD})
    assert client.get(reverse("student-dashboard")).status_code == 200


def test_production_refuses_to_start_without_it(settings):
    from counseling import checks

    settings.DEBUG = False
    settings.AMANAH_REQUIRE_2FA = False
    settings.ALLOWED_HOSTS = ["bk.sekolah.sch.id"]
    settings.AMANAH_DEVELOPMENT_SECRETS = []
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.CELERY_TASK_ALWAYS_EAGER = False
    settings.DEFAULT_FROM_EMAIL = "bk@sekolah.sch.id"
    settings.AMANAH_SITE_URL = "https://bk.sekolah.sch.id"
    settings.ADMINS = [("", "it@sekolah.sch.id")]
    assert [e.id for e in checks.check_production_settings()] == ["amanah.E030"]

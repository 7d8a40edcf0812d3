import pytest
from django.contrib.auth.hashers import make_password
from django.test import override_settings
from django.urls import reverse

from counseling import settings as project_settings_module
from tests.conftest import PASSWORD, enrolment_link, second_factor


def current_code(user):
    from django_otp.oath import totp

    return f"{totp(second_factor(user).bin_key):06d}"


def pass_second_factor(client, user):
    """Enrol through the link from her e-mail and the setup page, with a real TOTP code."""
    from counseling.accounts.second_factor import AuthenticatorDevice

    client.get(enrolment_link(user))
    client.get(reverse("two-factor-setup"))
    device = AuthenticatorDevice.objects.get(user=user)
    from django_otp.oath import totp

    client.post(reverse("two-factor-setup"), {"token": f"{totp(device.bin_key):06d}"})
    return client.get("/", follow=True)


PRODUCTION_HASHERS = project_settings_module.PASSWORD_HASHERS


def test_the_login_page_is_open_to_anonymous_visitors(client):
    response = client.get(reverse("login"))
    assert response.status_code == 200
    assert 'name="username"' in response.text
    assert 'name="password"' in response.text


@pytest.mark.parametrize(
    ("who", "dashboard"),
    [
        ("siti", "student-dashboard"),
        ("bu_rina", "counselor-dashboard"),
        ("admin", "admin-dashboard"),
    ],
)
def test_each_role_logs_in_and_lands_on_its_own_dashboard(db, client, request, who, dashboard):
    user = request.getfixturevalue(who)
    response = client.post(
        reverse("login"), {"username": user.username, "password": PASSWORD}, follow=True
    )
    if user.role != "student":
        # Counselors and admins pass the second factor first (tests/accounts/test_two_factor).
        assert response.request["PATH_INFO"] == reverse("two-factor-setup")
        response = pass_second_factor(client, user)
    assert response.redirect_chain[-1][0] == reverse(dashboard)
    assert response.status_code == 200
    assert user.full_name in response.text


def test_a_wrong_password_is_refused_with_a_message(client, siti):
    response = client.post(reverse("login"), {"username": "siti", "password": "salah-sekali-123"})
    assert response.status_code == 200
    assert "_auth_user_id" not in client.session
    assert "errors" in response.text


def test_an_inactive_account_cannot_log_in(client, siti):
    siti.is_active = False
    siti.save()
    client.post(reverse("login"), {"username": "siti", "password": PASSWORD})
    assert "_auth_user_id" not in client.session


def test_logout_ends_the_session(client_for, siti):
    client = client_for(siti)
    response = client.post(reverse("logout"))
    assert response.status_code == 302
    assert client.get(reverse("student-dashboard")).status_code == 302


def test_logout_rejects_get(client_for, siti):
    assert client_for(siti).get(reverse("logout")).status_code == 405


@pytest.mark.parametrize(
    "url",
    ["/", "/student/", "/counselor/", "/admin-dashboard/", "/caseload/", "/conflicts/", "/admin/"],
)
def test_anonymous_visitors_are_sent_to_login(client, url):
    response = client.get(url, follow=True)
    assert response.redirect_chain
    assert response.request["PATH_INFO"] == reverse("login")


def test_an_admin_sent_to_login_from_the_admin_site_returns_there(client, admin):
    second_factor(admin)
    response = client.get("/admin/", follow=True)
    response = client.post(
        response.request["PATH_INFO"] + "?" + response.request["QUERY_STRING"],
        {"username": admin.username, "password": PASSWORD},
        follow=True,
    )
    assert response.request["PATH_INFO"] == reverse("two-factor-verify")
    response = client.post(
        response.request["PATH_INFO"] + "?" + response.request["QUERY_STRING"],
        {"token": current_code(admin)},
        follow=True,
    )
    assert response.request["PATH_INFO"] == "/admin/"
    assert response.status_code == 200


def test_passwords_are_hashed_with_argon2():
    assert PRODUCTION_HASHERS[0] == "django.contrib.auth.hashers.Argon2PasswordHasher"
    with override_settings(PASSWORD_HASHERS=PRODUCTION_HASHERS):
        assert make_password("amanah-demo-123").startswith("argon2$")

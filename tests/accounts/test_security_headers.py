"""Headers, cookies and session lifetimes."""

import time

import pytest
from django.urls import reverse

from counseling.accounts import security


def test_every_page_carries_the_security_headers(client_for, siti):
    response = client_for(siti).get(reverse("student-dashboard"))
    csp = response["Content-Security-Policy"]
    assert "default-src 'self'" in csp
    assert "script-src 'self'" in csp and "unsafe-inline" not in csp
    assert "frame-ancestors 'none'" in csp
    assert response["X-Frame-Options"] == "DENY"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "same-origin"
    assert "camera=()" in response["Permissions-Policy"]
    assert "no-store" in response["Cache-Control"]


def test_hsts_over_https(client, db, settings):
    settings.SECURE_HSTS_SECONDS = 31536000
    response = client.get(reverse("login"), secure=True)
    assert "max-age=31536000" in response["Strict-Transport-Security"]


def test_no_page_has_inline_script_or_style(client_for, siti):
    html = client_for(siti).get(reverse("student-dashboard")).text
    assert "<script>" not in html and "style=" not in html
    assert '<script src="/static/js/session.js" defer>' in html


@pytest.mark.parametrize(("who", "minutes"), [("siti", 30), ("bu_rina", 15), ("admin", 15)])
def test_idle_sessions_end_after_the_roles_timeout(client_for, request, who, minutes):
    client = client_for(request.getfixturevalue(who))
    session = client.session
    session[security.LAST_SEEN] = time.time() - minutes * 60 + 30
    session.save()
    assert client.get("/").status_code == 302  # still in
    assert "_auth_user_id" in client.session
    session = client.session
    session[security.LAST_SEEN] = time.time() - minutes * 60 - 5
    session.save()
    response = client.get("/", follow=True)
    assert response.request["PATH_INFO"] == reverse("login")
    assert "_auth_user_id" not in client.session


def test_sessions_end_after_twelve_hours_whatever_the_activity(client_for, siti):
    client = client_for(siti)
    session = client.session
    session[security.LOGGED_IN_AT] = time.time() - 12 * 3600 - 5
    session.save()
    client.get("/")
    assert "_auth_user_id" not in client.session


def test_the_idle_warning_is_on_the_page_a_minute_ahead(client_for, bu_rina):
    html = client_for(bu_rina).get(reverse("counselor-dashboard")).text
    assert 'data-idle-seconds="900"' in html
    assert reverse("keepalive") in html


def test_a_deactivated_account_is_logged_out_on_the_server(client_for, siti):
    client = client_for(siti)
    siti.is_active = False
    siti.save()
    client.get("/")
    assert "_auth_user_id" not in client.session


def test_session_cookies_are_http_only_and_same_site(client, siti, settings):
    from tests.conftest import PASSWORD

    response = client.post(reverse("login"), {"username": "siti", "password": PASSWORD})
    cookie = response.cookies["sessionid"]
    assert cookie["httponly"] and cookie["samesite"] == "Lax"
    assert settings.SESSION_COOKIE_SECURE is True  # DEBUG is off in tests, as in production

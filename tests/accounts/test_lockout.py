"""Repeated failed logins lock the account name and the address for a while, with a
message that says nothing about whether the account exists."""

import datetime

from django.urls import reverse

from counseling.accounts.models import LoginFailure
from counseling.audit.models import AccessEvent
from tests.conftest import PASSWORD


def fail(client, username, times):
    for _ in range(times):
        client.post(reverse("login"), {"username": username, "password": "salah-sekali-999"})


def test_five_failures_lock_the_account_even_with_the_right_password(client, siti):
    fail(client, "siti", 5)
    response = client.post(reverse("login"), {"username": "siti", "password": PASSWORD})
    assert "Terlalu banyak percobaan" in response.text
    assert "_auth_user_id" not in client.session
    assert AccessEvent.objects.filter(action="locked_out").count() == 1
    assert AccessEvent.objects.filter(action="login_failed").count() == 5


def test_a_locked_out_account_stays_locked_for_the_window(client, siti, settings):
    fail(client, "siti", 5)
    LoginFailure.objects.update(failed_at=LoginFailure.objects.first().failed_at)
    response = client.post(reverse("login"), {"username": "siti", "password": PASSWORD})
    assert "Terlalu banyak percobaan" in response.text
    # After the window, the right password works again.
    old = LoginFailure.objects.first().failed_at - settings.AMANAH_LOCKOUT_WINDOW
    LoginFailure.objects.update(failed_at=old - datetime.timedelta(seconds=1))
    client.post(reverse("login"), {"username": "siti", "password": PASSWORD})
    assert "_auth_user_id" in client.session


def test_the_message_is_the_same_for_an_account_that_does_not_exist(client, siti):
    fail(client, "siti", 5)
    fail(client, "tidak-ada-orangnya", 5)
    real = client.post(reverse("login"), {"username": "siti", "password": "x" * 12})
    ghost = client.post(reverse("login"), {"username": "tidak-ada-orangnya", "password": "x" * 12})
    assert real.context["form"].non_field_errors() == ghost.context["form"].non_field_errors()


def test_the_address_is_locked_after_many_failures_on_many_names(client, siti, settings):
    settings.AMANAH_LOCKOUT_ADDRESS_FAILURES = 6
    for n in range(6):
        fail(client, f"tebakan{n}", 1)
    response = client.post(reverse("login"), {"username": "siti", "password": PASSWORD})
    assert "Terlalu banyak percobaan" in response.text


def test_typed_names_are_not_stored(client, db):
    fail(client, "sandiku-rahasia", 1)
    assert "sandiku-rahasia" not in str(list(LoginFailure.objects.values()))


def test_a_success_clears_the_count(client, siti):
    fail(client, "siti", 4)
    client.post(reverse("login"), {"username": "siti", "password": PASSWORD})
    assert LoginFailure.objects.count() == 0

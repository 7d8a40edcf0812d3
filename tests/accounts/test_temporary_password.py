"""A password an admin sets is temporary: it leads only to "choose your own password", and
the student sees the reset, and the sign-in with it, on her own access page.

Without this an admin could set Siti's password, sign in as her, read her booking topic,
and the access log would call that read hers.
"""

import pytest
from django.test import Client
from django.urls import reverse

from counseling.accounts.models import User
from counseling.audit.models import AccessEvent
from tests.conftest import BOOKING_TOPIC, login, second_factor

TEMPORARY = "sementara-dari-admin-1"
OWN = "pilihanku-sendiri-2024"


def reset_password(admin, user, password=TEMPORARY):
    response = login(Client(), admin).post(
        reverse("admin:auth_user_password_change", args=[user.pk]),
        {"password1": password, "password2": password},
    )
    assert response.status_code == 302
    user.refresh_from_db()
    return user


def sign_in(username, password=TEMPORARY):
    client = Client()
    client.post(reverse("login"), {"username": username, "password": password})
    assert "_auth_user_id" in client.session
    return client


def choose(client, password=OWN):
    return client.post(
        reverse("choose-password"), {"new_password1": password, "new_password2": password}
    )


def test_an_admin_set_password_is_temporary_and_logged_about_the_student(admin, siti):
    reset_password(admin, siti)
    assert siti.password_is_temporary
    event = AccessEvent.objects.filter(action="temp_password_set").get()
    assert (event.actor, event.counselee, event.object_id) == (admin, siti.counselee, str(siti.pk))
    assert event.is_flagged
    # Logged as what it was, not as an ordinary change of the account.
    assert not AccessEvent.objects.filter(action="update", object_type="accounts.user").exists()


@pytest.mark.parametrize(
    "url_name", ["student-dashboard", "my-bookings", "my-access-log", "book", "home"]
)
def test_it_leads_only_to_choose_your_own_password(admin, siti, url_name):
    reset_password(admin, siti)
    response = sign_in("siti").get(reverse(url_name))
    assert response.status_code == 302
    assert response["Location"] == reverse("choose-password")


def test_whoever_signs_in_with_it_cannot_read_her_booking_topic(admin, siti_booking):
    reset_password(admin, siti_booking.counselee.user)
    client = sign_in("siti")
    response = client.get(reverse("booking-detail", args=[siti_booking.public_id]), follow=True)
    assert response.request["PATH_INFO"] == reverse("choose-password")
    assert BOOKING_TOPIC not in response.text
    assert not AccessEvent.objects.filter(action="view", object_id=str(siti_booking.public_id))


def test_the_sign_in_with_it_is_logged_as_such(admin, siti):
    reset_password(admin, siti)
    sign_in("siti")
    event = AccessEvent.objects.filter(action="temp_password_login").get()
    assert (event.actor, event.counselee) == (siti, siti.counselee)
    assert not AccessEvent.objects.filter(action="login", actor=siti).exists()


def test_she_chooses_her_own_and_goes_on(admin, siti):
    reset_password(admin, siti)
    client = sign_in("siti")
    page = client.get(reverse("choose-password"))
    assert "Pilih kata sandimu sendiri" in page.text
    # The temporary one will not do as her own.
    assert "bukan kata sandi sementara" in choose(client, TEMPORARY).text
    response = choose(client)
    assert response.status_code == 302
    assert client.get(reverse("student-dashboard")).status_code == 200
    siti.refresh_from_db()
    assert not siti.password_is_temporary
    assert AccessEvent.objects.filter(action="password_changed", counselee=siti.counselee).exists()
    # Her new password signs in as usual, logged as an ordinary login.
    sign_in("siti", OWN)
    assert AccessEvent.objects.filter(action="login", actor=siti).exists()


def test_she_sees_the_reset_and_the_sign_in_on_her_own_access_page(admin, siti, dimas):
    reset_password(admin, siti)
    client = sign_in("siti")
    choose(client)
    page = client.get(reverse("my-access-log")).text
    assert "Agus Setiawan (Admin)" in page
    assert "memberi akunmu kata sandi sementara" in page
    assert "masuk ke akunmu dengan kata sandi sementara" in page
    assert "mengganti kata sandi akunmu" in page
    # Another student's reset is not hers to see.
    reset_password(admin, dimas)
    assert client.get(reverse("my-access-log")).text.count("kata sandi sementara dari admin") == 1


def test_staff_pass_their_second_factor_before_choosing(admin, bu_rina):
    from django_otp.oath import totp

    device = second_factor(bu_rina)
    reset_password(admin, bu_rina)
    client = sign_in("bu_rina")
    # The admin who typed the password has no way past this.
    response = client.get(reverse("choose-password"))
    assert response["Location"].startswith(reverse("two-factor-verify"))
    client.post(reverse("two-factor-verify"), {"token": f"{totp(device.bin_key):06d}"})
    assert client.get(reverse("counselor-dashboard"))["Location"] == reverse("choose-password")
    choose(client)
    assert client.get(reverse("counselor-dashboard")).status_code == 200


def test_a_new_account_from_the_admin_site_has_a_temporary_password(admin):
    response = login(Client(), admin).post(
        reverse("admin:accounts_user_add"),
        {
            "username": "ayu",
            "full_name": "Ayu Lestari",
            "role": "student",
            "email": "",
            "usable_password": "true",
            "password1": TEMPORARY,
            "password2": TEMPORARY,
        },
    )
    assert response.status_code == 302
    ayu = User.objects.get(username="ayu")
    assert ayu.password_is_temporary
    assert AccessEvent.objects.filter(action="temp_password_set", object_id=str(ayu.pk)).exists()
    assert sign_in("ayu").get(reverse("home"))["Location"] == reverse("choose-password")


def test_disabling_the_password_is_not_a_temporary_password(admin, siti):
    response = login(Client(), admin).post(
        reverse("admin:auth_user_password_change", args=[siti.pk]),
        {"usable_password": "false", "unset-password": "1"},
    )
    assert response.status_code == 302
    siti.refresh_from_db()
    assert not siti.has_usable_password() and not siti.password_is_temporary
    assert AccessEvent.objects.filter(action="update", object_id=str(siti.pk)).exists()


def test_the_page_is_only_for_a_temporary_password(client_for, siti):
    client = client_for(siti)
    assert client.get(reverse("choose-password"))["Location"] == reverse("home")
    assert client.put(reverse("choose-password")).status_code == 405


def test_the_admin_never_sees_the_flag_as_editable(client_for, admin, siti):
    reset_password(admin, siti)
    page = client_for(admin).get(reverse("admin:accounts_user_change", args=[siti.pk])).text
    assert 'name="password_is_temporary"' not in page

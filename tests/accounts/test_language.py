"""A signed-in person's language choice is kept on her account, for her e-mails."""

from django.urls import reverse

from counseling.accounts.models import User


def test_new_accounts_speak_indonesian(siti):
    assert User.objects.get(pk=siti.pk).language == "id"


def test_switching_while_signed_in_keeps_the_choice(client_for, siti):
    response = client_for(siti).post(
        reverse("set_language"), {"language": "en", "next": reverse("inbox")}, follow=True
    )
    assert '<html lang="en">' in response.text
    assert User.objects.get(pk=siti.pk).language == "en"


def test_a_language_that_is_not_offered_changes_nothing(client_for, siti):
    client_for(siti).post(reverse("set_language"), {"language": "fr", "next": "/"})
    assert User.objects.get(pk=siti.pk).language == "id"


def test_switching_on_the_login_page_touches_no_account(client, siti):
    response = client.post(reverse("set_language"), {"language": "en", "next": reverse("login")})
    assert response.status_code == 302
    assert User.objects.get(pk=siti.pk).language == "id"

"""Error pages with DEBUG off: in the user's language and voice, with a way back; a favicon."""

import pytest
from django.test import Client
from django.urls import path, reverse

from counseling import urls as project_urls


def _english(client):
    client.post(reverse("set_language"), {"language": "en", "next": "/"})
    return client


def test_a_missing_page_is_in_the_students_language_and_voice(client_for, siti, settings):
    settings.DEBUG = False
    client = client_for(siti)
    page = client.get("/tidak-ada-halaman-ini/")
    assert page.status_code == 404
    assert "Halaman tidak ditemukan" in page.text
    assert "kamu" in page.text and "Anda" not in page.text.split("<main")[1].split("</main>")[0]
    assert f'href="{reverse("home")}"' in page.text

    english = _english(client).get("/tidak-ada-halaman-ini/")
    assert english.status_code == 404
    assert "Page not found" in english.text
    assert '<html lang="en">' in english.text


def test_a_missing_page_speaks_to_staff_as_anda(client_for, bu_rina, settings):
    settings.DEBUG = False
    page = client_for(bu_rina).get("/tidak-ada-halaman-ini/")
    assert "Anda" in page.text.split("<main")[1]


def _forbidden(request):
    from django.core.exceptions import PermissionDenied

    raise PermissionDenied


def _broken(request):
    raise RuntimeError("boom")


@pytest.fixture
def failing_urls(settings):
    from django.contrib.auth.decorators import login_not_required

    urls = type(
        "urls",
        (),
        {
            "urlpatterns": [
                path("forbidden/", login_not_required(_forbidden)),
                path("broken/", login_not_required(_broken)),
                *project_urls.urlpatterns,
            ]
        },
    )
    settings.ROOT_URLCONF = urls
    settings.DEBUG = False


def test_forbidden_and_server_error_pages_are_translated_with_a_way_back(failing_urls):
    client = Client(raise_request_exception=False)
    client.cookies["django_language"] = "en"
    forbidden = client.get("/forbidden/")
    assert forbidden.status_code == 403
    assert "Not allowed" in forbidden.text
    assert 'href="/"' in forbidden.text or f'href="{reverse("home")}"' in forbidden.text

    broken = client.get("/broken/")
    assert broken.status_code == 500
    assert '<html lang="en">' in broken.text
    assert "Something went wrong" in broken.text
    assert 'href="/"' in broken.text
    assert "boom" not in broken.text


def test_there_is_a_favicon(client):
    page = client.get(reverse("login"))
    assert 'rel="icon"' in page.text
    assert client.get("/favicon.ico")["Location"].endswith("favicon.svg")
    assert client.get("/static/favicon.svg").status_code == 200

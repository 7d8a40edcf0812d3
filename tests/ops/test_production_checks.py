"""Production checks of where mail comes from, where its links lead, and who hears of errors."""

import pytest

from counseling import checks


@pytest.fixture
def production(settings):
    settings.DEBUG = False
    settings.ALLOWED_HOSTS = ["bk.sekolah.sch.id"]
    settings.AMANAH_DEVELOPMENT_SECRETS = []
    settings.AMANAH_REQUIRE_2FA = True
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.CELERY_TASK_ALWAYS_EAGER = False
    settings.DEFAULT_FROM_EMAIL = "Amanah BK <bk@sekolah.sch.id>"
    settings.AMANAH_SITE_URL = "https://bk.sekolah.sch.id"
    settings.ADMINS = [("Pak Joko", "it@sekolah.sch.id")]
    return settings


def ids(settings):
    return sorted(error.id for error in checks.check_production_settings())


def test_a_well_configured_server_passes(production):
    assert ids(production) == []


@pytest.mark.parametrize(
    "sender",
    [
        "Amanah <bk@localhost>",
        "bk@localhost.localdomain",
        "bk@server.localhost",
        "bk@bk-server",
        "bk@127.0.0.1",
        "not an address",
    ],
)
def test_a_sender_at_localhost_is_refused(production, sender):
    production.DEFAULT_FROM_EMAIL = sender
    [error] = checks.check_production_settings()
    assert error.id == "amanah.E060"
    assert "DEFAULT_FROM_EMAIL" in error.hint


def test_links_must_be_https(production):
    production.AMANAH_SITE_URL = "http://bk.sekolah.sch.id"
    [error] = checks.check_production_settings()
    assert error.id == "amanah.E061"
    assert "SITE_URL=https://" in error.hint


@pytest.mark.parametrize("url", ["http://127.0.0.1:8000", "http://localhost:8000"])
def test_a_trial_on_this_machine_alone_may_link_over_http(production, url):
    production.AMANAH_SITE_URL = url
    assert ids(production) == []


def test_someone_must_hear_of_errors(production):
    production.ADMINS = []
    [error] = checks.check_production_settings()
    assert error.id == "amanah.E062"
    assert "ADMINS=" in error.hint


def test_none_of_it_applies_with_debug_on(production):
    production.DEBUG = True
    production.DEFAULT_FROM_EMAIL = "bk@localhost"
    production.ADMINS = []
    assert ids(production) == []


def test_admins_are_read_from_the_environment(tmp_path):
    from tests.subprocesses import manage

    result = manage(
        "shell",
        "-v0",
        "-c",
        "from django.conf import settings; print(settings.ADMINS)",
        DEBUG="on",
        DATABASE_URL=f"sqlite:///{tmp_path / 'db.sqlite3'}",
        ADMINS="Pak Joko <it@sekolah.sch.id>, kepala@sekolah.sch.id",
    )
    assert result.stdout.strip() == (
        "[('Pak Joko', 'it@sekolah.sch.id'), ('', 'kepala@sekolah.sch.id')]"
    ), result.stderr

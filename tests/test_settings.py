"""Settings fail closed: with DEBUG off, missing or development secrets stop the app."""

import pytest
from cryptography.fernet import Fernet

from counseling import checks, envfile
from tests.subprocesses import manage


@pytest.fixture
def production(settings):
    """Settings as a well-configured production server has them; tests spoil one each."""
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


def error_ids(errors):
    return sorted(e.id for e in errors)


def test_no_check_applies_with_debug_on(settings):
    settings.DEBUG = True
    settings.SECRET_KEY = "x"
    settings.ALLOWED_HOSTS = []
    assert checks.check_production_settings() == []


def test_development_secrets_are_refused_with_debug_off(production):
    settings = production
    settings.AMANAH_DEVELOPMENT_SECRETS = ["AUDIT_HMAC_KEY", "FIELD_ENCRYPTION_KEY", "SECRET_KEY"]
    errors = checks.check_production_settings()
    assert error_ids(errors) == ["amanah.E011", "amanah.E012", "amanah.E013"]
    assert all(e.hint for e in errors)


def test_missing_secrets_and_hosts_are_refused_with_debug_off(production):
    settings = production
    settings.SECRET_KEY = ""
    settings.FIELD_ENCRYPTION_KEY = []
    settings.AUDIT_HMAC_KEY = ""
    settings.ALLOWED_HOSTS = []
    settings.AMANAH_DEVELOPMENT_SECRETS = []
    assert error_ids(checks.check_production_settings()) == [
        "amanah.E001",
        "amanah.E002",
        "amanah.E003",
        "amanah.E004",
    ]


def test_a_wildcard_host_is_refused(production):
    settings = production
    settings.ALLOWED_HOSTS = ["*"]
    settings.AMANAH_DEVELOPMENT_SECRETS = []
    assert error_ids(checks.check_production_settings()) == ["amanah.E004"]


def test_real_secrets_pass(production):
    assert checks.check_production_settings() == []


def test_console_email_is_refused_in_production(production):
    production.EMAIL_BACKEND = "django.core.mail.backends.console.EmailBackend"
    assert error_ids(checks.check_production_settings()) == ["amanah.E040"]


def test_tasks_inside_requests_are_refused_in_production(production):
    production.CELERY_TASK_ALWAYS_EAGER = True
    assert error_ids(checks.check_production_settings()) == ["amanah.E041"]


@pytest.fixture
def empty_database(tmp_path):
    # A fresh SQLite file, so that no database lying in the checkout (and the key it was
    # written with) decides the outcome.
    return f"sqlite:///{tmp_path / 'amanah.sqlite3'}"


def test_manage_check_refuses_the_generated_env_file_with_debug_off(empty_database):
    result = manage(
        "check", DEBUG="off", ALLOWED_HOSTS="bk.sekolah.sch.id", DATABASE_URL=empty_database
    )
    assert result.returncode != 0
    assert "amanah.E012" in result.stderr
    assert "FIELD_ENCRYPTION_KEY" in result.stderr


def test_manage_check_passes_with_production_secrets(empty_database):
    result = manage(
        "check",
        "--tag",
        "amanah",
        DATABASE_URL=empty_database,
        DEBUG="off",
        ALLOWED_HOSTS="bk.sekolah.sch.id",
        SECRET_KEY="s" * 60,
        FIELD_ENCRYPTION_KEY=Fernet.generate_key().decode(),
        AUDIT_HMAC_KEY="a" * 60,
        EMAIL_URL="smtp+tls://amanah:sandi@smtp.sekolah.sch.id:587",
        CELERY_BROKER_URL="redis://127.0.0.1:6379/15",
        DEFAULT_FROM_EMAIL="Amanah BK <bk@sekolah.sch.id>",
        SITE_URL="https://bk.sekolah.sch.id",
        ADMINS="it@sekolah.sch.id",
    )
    assert result.returncode == 0, result.stderr


def test_an_empty_encryption_key_stops_the_app_and_names_the_key():
    result = manage("check", DEBUG="off", FIELD_ENCRYPTION_KEY="")
    assert result.returncode != 0
    assert "FIELD_ENCRYPTION_KEY" in result.stderr


@pytest.fixture
def clean_environment(monkeypatch):
    for name in envfile.SECRET_NAMES:
        monkeypatch.delenv(name, raising=False)


def test_first_run_generates_a_private_env_file_and_keeps_it(tmp_path, clean_environment):
    path = tmp_path / ".env"
    first = envfile.ensure(path)
    assert sorted(first) == sorted(envfile.SECRET_NAMES)
    Fernet(first["FIELD_ENCRYPTION_KEY"])  # a valid key
    assert path.stat().st_mode & 0o077 == 0
    assert envfile.ensure(path) == first


def test_a_hand_written_env_file_is_left_alone(tmp_path, clean_environment):
    path = tmp_path / ".env"
    path.write_text("SECRET_KEY=mine\n")
    assert envfile.ensure(path) == {}
    assert path.read_text() == "SECRET_KEY=mine\n"


def test_an_older_generated_file_gains_the_missing_secret(tmp_path, clean_environment):
    path = tmp_path / ".env"
    path.write_text(envfile.MARKER + "\nSECRET_KEY=old\n")
    values = envfile.ensure(path)
    assert values["SECRET_KEY"] == "old"
    assert "AUDIT_HMAC_KEY=" in path.read_text()

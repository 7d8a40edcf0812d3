"""Start-up checks: Amanah refuses to run with settings that would leak or lose data.

Registered with Django's system check framework, so `manage.py check`, `runserver` and
`migrate` stop on them; `fail_unless_ready()` runs them for gunicorn and the Celery
worker, which run no checks of their own.
"""

from django.conf import settings
from django.core import checks
from django.core.exceptions import ImproperlyConfigured
from django.core.management.base import SystemCheckError

TAG = "amanah"

_SECRET_HINTS = {
    "SECRET_KEY": "Set SECRET_KEY in the environment to a long random value, e.g. "
    "`python -c 'import secrets; print(secrets.token_urlsafe(50))'`.",
    "FIELD_ENCRYPTION_KEY": "Set FIELD_ENCRYPTION_KEY to a Fernet key, e.g. "
    "`python -c 'from cryptography.fernet import Fernet; print(Fernet.generate_key().decode())'`, "
    "and back it up outside the database: without it the counseling records cannot be read.",
    "AUDIT_HMAC_KEY": "Set AUDIT_HMAC_KEY to a long random value, different from SECRET_KEY.",
}


def _configured(name):
    try:
        return getattr(settings, name, None)
    except ImproperlyConfigured:
        return None


@checks.register(TAG)
def check_production_secrets(app_configs=None, **kwargs):
    """With DEBUG off, every secret must be set and must not be a development value."""
    if settings.DEBUG:
        return []
    errors = []
    for number, name in enumerate(_SECRET_HINTS, start=1):
        if not _configured(name):
            errors.append(
                checks.Error(
                    f"{name} is not set and DEBUG is off.",
                    hint=_SECRET_HINTS[name],
                    id=f"amanah.E00{number}",
                )
            )
        elif name in settings.AMANAH_DEVELOPMENT_SECRETS:
            errors.append(
                checks.Error(
                    f"{name} holds the development value generated into .env, and DEBUG is off.",
                    hint=_SECRET_HINTS[name],
                    id=f"amanah.E01{number}",
                )
            )
    hosts = settings.ALLOWED_HOSTS
    if not hosts or "*" in hosts:
        errors.append(
            checks.Error(
                "ALLOWED_HOSTS must name this server's host names when DEBUG is off.",
                hint="Set ALLOWED_HOSTS, comma-separated, e.g. ALLOWED_HOSTS=bk.sekolah.sch.id.",
                id="amanah.E004",
            )
        )
    return errors


def fail_unless_ready():
    """Run Amanah's start-up checks and raise `SystemCheckError` on any error."""
    errors = [e for e in checks.run_checks(tags=[TAG]) if e.is_serious()]
    if errors:
        raise SystemCheckError("\n".join(f"{e.id}: {e.msg} HINT: {e.hint}" for e in errors))

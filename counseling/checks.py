"""Start-up checks: Amanah refuses to run with settings that would leak or lose data.

Registered with Django's system check framework, so `manage.py check`, `runserver` and
`migrate` stop on them; `fail_unless_ready()` runs them for gunicorn and the Celery
worker, which run no checks of their own.
"""

from email.utils import parseaddr
from urllib.parse import urlsplit

from django.apps import apps
from django.conf import settings
from django.contrib import admin
from django.core import checks
from django.core.exceptions import ImproperlyConfigured
from django.core.management.base import SystemCheckError
from django.db import DatabaseError

from counseling import encryption, keycheck

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
def check_production_settings(app_configs=None, **kwargs):
    """With DEBUG off: every secret set and not a development value, real e-mail and a
    real task queue, a real sender, https links, someone to report errors to, two
    factors required, and named hosts."""
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
    if not settings.AMANAH_REQUIRE_2FA:
        errors.append(
            checks.Error(
                "AMANAH_REQUIRE_2FA is off and DEBUG is off.",
                hint="Counselors and admins must use two-factor authentication in production: "
                "remove AMANAH_REQUIRE_2FA from the environment or set it to on.",
                id="amanah.E030",
            )
        )
    if settings.EMAIL_BACKEND == "django.core.mail.backends.console.EmailBackend":
        errors.append(
            checks.Error(
                "E-mail is printed to the console and DEBUG is off: alerts to admins about "
                "emergency access and disclosures would reach nobody.",
                hint="Set EMAIL_URL, e.g. smtp+tls://user:password@smtp.sekolah.sch.id:587.",
                id="amanah.E040",
            )
        )
    if settings.CELERY_TASK_ALWAYS_EAGER:
        errors.append(
            checks.Error(
                "Celery tasks run inside web requests and DEBUG is off: reminders, the nightly "
                "audit check and the e-mail re-queue would never run.",
                hint="Set CELERY_BROKER_URL (e.g. redis://127.0.0.1:6379/0) and run a worker "
                "and beat: see README, Deploying.",
                id="amanah.E041",
            )
        )
    errors += _check_addresses()
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


_LOOPBACK = {"localhost", "127.0.0.1", "::1"}


def _local_domain(domain: str) -> bool:
    domain = domain.lower().rstrip(".")
    return (
        domain in _LOOPBACK
        or domain == "localhost.localdomain"
        or domain.endswith(".localhost")
        or "." not in domain
    )


def _check_addresses():
    """Where e-mail comes from, where its links point, and who hears of errors."""
    errors = []
    _name, sender = parseaddr(settings.DEFAULT_FROM_EMAIL)
    if "@" not in sender or _local_domain(sender.rpartition("@")[2]):
        errors.append(
            checks.Error(
                f"DEFAULT_FROM_EMAIL ({settings.DEFAULT_FROM_EMAIL}) is not an address on the "
                "internet: schools' mail servers reject or bin mail from it.",
                hint="Set DEFAULT_FROM_EMAIL to an address your SMTP relay may send as, "
                "e.g. DEFAULT_FROM_EMAIL='Amanah BK <bk@sekolah.sch.id>'.",
                id="amanah.E060",
            )
        )
    site = urlsplit(settings.AMANAH_SITE_URL)
    # A trial on this machine alone (`make serve`) has no TLS; everyone else's links must.
    if site.scheme != "https" and (site.hostname or "") not in _LOOPBACK:
        errors.append(
            checks.Error(
                f"SITE_URL ({settings.AMANAH_SITE_URL}) is not https: links in e-mails would "
                "send people to the site unencrypted.",
                hint="Set SITE_URL to the address behind the reverse proxy, e.g. "
                "SITE_URL=https://bk.sekolah.sch.id.",
                id="amanah.E061",
            )
        )
    if not settings.ADMINS:
        errors.append(
            checks.Error(
                "ADMINS is empty: nobody would hear of a server error or a failed task.",
                hint="Set ADMINS to the address(es) of whoever runs the server, "
                "comma-separated, e.g. ADMINS='Pak Joko <it@sekolah.sch.id>'.",
                id="amanah.E062",
            )
        )
    return errors


_KEY_HINT = (
    "Set FIELD_ENCRYPTION_KEY to the key(s) this database was encrypted with, newest first, "
    "from your key backup. Never generate a new key for an existing database: what the old "
    "key wrote would be unreadable."
)


@checks.register(TAG)
def check_encryption_key(app_configs=None, databases=None, **kwargs):
    """FIELD_ENCRYPTION_KEY must decrypt the encryption canary stored in the database.

    Run even when Django asks for no database checks: starting with a wrong key would show
    errors for every record and, worse, write values nobody can read back.
    """
    try:
        problem, canary_read = keycheck.diagnose()
    except DatabaseError as error:
        return [
            checks.Error(
                f"FIELD_ENCRYPTION_KEY cannot be verified: the database is unreachable ({error}).",
                hint="Check DATABASE_URL and that the database server is running.",
                id="amanah.E021",
            )
        ]
    if problem:
        return [checks.Error(problem, hint=_KEY_HINT, id="amanah.E020")]
    if not canary_read and keycheck.canary_table_exists():
        return [
            checks.Warning(
                "The encryption canary is missing, so FIELD_ENCRYPTION_KEY was checked "
                "against a sample of the stored values only.",
                hint="Run `python manage.py migrate`, which recreates it.",
                id="amanah.W020",
            )
        ]
    return []


_AUDIT_KEY_HINT = (
    "Set AUDIT_HMAC_KEY to the key(s) the access log was chained with, newest first, from "
    "your key backup. To rotate it, put a new key first and keep every older key after it "
    "(README, The access log)."
)


@checks.register(TAG)
def check_audit_key(app_configs=None, databases=None, **kwargs):
    """AUDIT_HMAC_KEY must verify the access log's newest entry.

    A wrong key would otherwise start without complaint, chain new entries nobody can
    verify together with the old ones, and make the nightly check cry tampering.
    """
    from counseling.audit import chain, verification

    try:
        problem = verification.head_problem()
    except DatabaseError:
        return []  # check_encryption_key reports the unreachable database (amanah.E021)
    if problem is None:
        return []
    kind, message = problem
    if kind == chain.WRONG_KEY:
        return [checks.Error(message, hint=_AUDIT_KEY_HINT, id="amanah.E050")]
    return [
        checks.Error(
            message,
            hint="Run `python manage.py verify_audit` to find every altered entry, and "
            "report it to the principal before anything else is written.",
            id="amanah.E051",
        )
    ]


@checks.register(TAG)
def check_database_role(app_configs=None, databases=None, **kwargs):
    """With DEBUG off on PostgreSQL: the app's role must not own the access log.

    Its owner (or a superuser) can disable the append-only triggers and cut the log. The
    tables belong to a migration role; the app connects as one that may only append to
    the log (deploy/postgresql-roles.sql). A warning: an installation upgraded from one
    role keeps running until its operator applies the file.
    """
    from django.db import connection

    if settings.DEBUG or connection.vendor != "postgresql":
        return []
    try:
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT pg_has_role(current_user, relowner, 'USAGE') "
                "OR (SELECT rolsuper FROM pg_roles WHERE rolname = current_user) "
                "FROM pg_class WHERE oid = to_regclass('audit_accessevent')"
            )
            row = cursor.fetchone()
    except DatabaseError:
        return []
    if row is None or not row[0]:
        return []
    return [
        checks.Warning(
            "The application connects to PostgreSQL as a role that owns the access log "
            "(or as a superuser): it could disable the log's triggers and cut entries.",
            hint="Run migrations as a migration role and the application as an app role "
            "that may only append to the log: apply deploy/postgresql-roles.sql and set "
            "DATABASE_URL to the app role (README, Database roles).",
            id="amanah.W052",
        )
    ]


def _admin_paths(model_admin):
    # Search fields may carry a prefix (^, =, @); orderings a direction.
    yield from (name.lstrip("^=@") for name in model_admin.search_fields)
    yield from (name.lstrip("-") for name in model_admin.ordering or () if isinstance(name, str))
    yield from (name for name in model_admin.list_filter if isinstance(name, str))


@checks.register(TAG)
def check_no_query_on_encrypted_fields(app_configs=None, **kwargs):
    """Declared orderings, admin searches and filters must not name an encrypted field.

    Such a query sorts or matches ciphertext: it raises when it runs (or, for ordering
    across a relation, silently sorts noise). Catch the declaration at start-up instead.
    """
    errors = []
    for model in apps.get_models():
        label = model._meta.label
        if encryption.encrypted_field_names(model) and not isinstance(
            model._default_manager.all(), encryption.EncryptedFieldsQuerySet
        ):
            errors.append(
                checks.Error(
                    f"{label} has encrypted fields, but its default manager allows "
                    "ordering on them.",
                    hint="Declare `objects = EncryptedFieldsQuerySet.as_manager()` "
                    "(counseling.encryption) on the model.",
                    obj=model,
                    id="amanah.E022",
                )
            )
        for name in model._meta.ordering:
            if isinstance(name, str) and encryption.encrypted_field_at(model, name.lstrip("-?")):
                errors.append(_encrypted_query_error(label, "Meta.ordering", name, model))
    for model, model_admin in admin.site._registry.items():
        for path in _admin_paths(model_admin):
            if encryption.encrypted_field_at(model, path):
                errors.append(_encrypted_query_error(str(model_admin), "the admin", path, model))
    return errors


def _encrypted_query_error(owner, where, path, obj):
    return checks.Error(
        f"{owner}: {where} queries '{path}', an encrypted field: "
        "it would sort or match ciphertext.",
        hint="Search, filter and sort on plain directory fields (name, NIS, class) only.",
        obj=obj,
        id="amanah.E023",
    )


def fail_unless_ready():
    """Run Amanah's start-up checks and raise `SystemCheckError` on any error."""
    errors = [e for e in checks.run_checks(tags=[TAG]) if e.is_serious()]
    if errors:
        raise SystemCheckError("\n".join(f"{e.id}: {e.msg} HINT: {e.hint}" for e in errors))

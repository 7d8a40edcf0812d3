"""Amanah settings, read from the environment with django-environ.

With nothing configured this is the embedded default: SQLite, Celery tasks run in-process,
e-mail printed to the console, and development secrets generated once into a git-ignored
`.env` (see `counseling.envfile`). Production sets each variable in the environment;
`counseling.checks` refuses to start with `DEBUG` off and a missing or development secret.
"""

import datetime
from email.utils import parseaddr
from pathlib import Path

import environ
from celery.schedules import crontab
from kombu import Queue

from counseling import envfile

BASE_DIR = Path(__file__).resolve().parent.parent
ENV_FILE = BASE_DIR / ".env"

env = environ.Env()
_development_values = envfile.ensure(ENV_FILE)
# Values already in the process environment win over the file.
environ.Env.read_env(ENV_FILE)

DEBUG = env.bool("DEBUG", default=False)

SECRET_KEY = env.str("SECRET_KEY", default="")
# Earlier SECRET_KEYs, comma-separated: signatures made with them (sessions, password
# reset links) stay valid while the new key takes over.
SECRET_KEY_FALLBACKS = env.list("SECRET_KEY_FALLBACKS", default=[])
# Several comma-separated Fernet keys, newest first: the newest encrypts, all decrypt.
FIELD_ENCRYPTION_KEY = env.list("FIELD_ENCRYPTION_KEY", default=[])
# The access log's keys, newest first: the newest chains, all verify (counseling.audit.keys).
AUDIT_HMAC_KEY = env.list("AUDIT_HMAC_KEY", default=[])
# Names of secrets that still hold the generated development value; see counseling.checks.
AMANAH_DEVELOPMENT_SECRETS = sorted(
    name for name, value in _development_values.items() if env.str(name, default="") == value
)

ALLOWED_HOSTS = env.list(
    "ALLOWED_HOSTS", default=["127.0.0.1", "localhost", "[::1]"] if DEBUG else []
)
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])

INSTALLED_APPS = [
    "counseling.apps.AmanahAdminConfig",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "counseling.accounts",
    "counseling.records",
    "counseling.audit",
    "counseling.notices",
    "sessions",
    "consent",
    "counseling.messaging",
    "counseling.guardians",
    "counseling.crisis",
    "counseling.referrals",
    "counseling.ops",
    "counseling.retention",
    "counseling.rights",
    "counseling.breaches",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "csp.middleware.CSPMiddleware",
    "counseling.accounts.security.SecurityHeadersMiddleware",
    "counseling.accounts.security.RefuseNulInUrlMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "counseling.audit.context.AuditContextMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "counseling.accounts.security.SessionTimeoutMiddleware",
    "django.contrib.auth.middleware.LoginRequiredMiddleware",
    "counseling.accounts.security.SecondFactorMiddleware",
    "counseling.accounts.security.TemporaryPasswordMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "counseling.policy.middleware.DeniedMiddleware",
]

ROOT_URLCONF = "counseling.urls"
WSGI_APPLICATION = "counseling.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "django.template.context_processors.i18n",
                "counseling.accounts.context_processors.session_timeout",
                "counseling.notices.context_processors.unread_notices",
            ],
        },
    },
]

DATABASES = {"default": env.db("DATABASE_URL", default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}")}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # Immediate transactions take the write lock up front, so concurrent writers wait
    # (up to the timeout) instead of failing with "database is locked" mid-transaction.
    DATABASES["default"]["OPTIONS"] = {"transaction_mode": "IMMEDIATE", "timeout": 20}
else:
    DATABASES["default"]["CONN_MAX_AGE"] = env.int("CONN_MAX_AGE", default=0)
    DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
    # Behind PgBouncer in transaction mode a cursor kept open across transactions would
    # land on another server connection: see README, "Scaling out".
    DATABASES["default"]["DISABLE_SERVER_SIDE_CURSORS"] = env.bool(
        "DISABLE_SERVER_SIDE_CURSORS", default=False
    )
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "accounts.User"
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 10},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

# The cookie storage would put flash messages in a signed but readable cookie.
MESSAGE_STORAGE = "django.contrib.messages.storage.session.SessionStorage"

# Sessions: idle timeouts by role, an absolute lifetime, cookies only over HTTPS.
AMANAH_IDLE_TIMEOUT = {
    "student": datetime.timedelta(minutes=30),
    "counselor": datetime.timedelta(minutes=15),
    "admin": datetime.timedelta(minutes=15),
}
# How long before the idle logout the page warns ("Tetap masuk").
AMANAH_IDLE_WARNING = datetime.timedelta(minutes=1)
AMANAH_SESSION_LIFETIME = datetime.timedelta(hours=12)
SESSION_COOKIE_AGE = int(AMANAH_SESSION_LIFETIME.total_seconds())
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
SESSION_COOKIE_SECURE = not DEBUG
CSRF_COOKIE_SECURE = not DEBUG
CSRF_COOKIE_HTTPONLY = True

# Two-factor authentication for counselors and admins; a check refuses to start
# without it when DEBUG is off.
AMANAH_REQUIRE_2FA = env.bool("AMANAH_REQUIRE_2FA", default=True)
OTP_TOTP_ISSUER = "Amanah"

# Failed passwords lock the account at the address they came from (or on the device that
# signed in before), and throttle the address, for a while (counseling.accounts.lockout).
AMANAH_LOCKOUT_WINDOW = datetime.timedelta(minutes=env.int("LOCKOUT_MINUTES", 15))
AMANAH_LOCKOUT_ACCOUNT_FAILURES = env.int("LOCKOUT_ACCOUNT_FAILURES", 5)
# One school often reaches the internet through a single address: throttle it later.
AMANAH_LOCKOUT_ADDRESS_FAILURES = env.int("LOCKOUT_ADDRESS_FAILURES", 30)
AMANAH_LOCKOUT_DEVICE_COOKIE_AGE = datetime.timedelta(days=180)
# A second factor is enrolled through a one-time link e-mailed to the person.
AMANAH_ENROLMENT_LINK_LIFETIME = datetime.timedelta(hours=env.int("ENROLMENT_LINK_HOURS", 72))
# The school's lawful basis for counseling a minor (README, "Guardians"): consent_required,
# notice_only or public_duty; amanah.E090 refuses any other value.
GUARDIAN_BASIS = env.str("GUARDIAN_BASIS", default="consent_required")
# How long a guardian's one-time link to the guardian consent document stays valid.
AMANAH_GUARDIAN_LINK_LIFETIME = datetime.timedelta(hours=env.int("GUARDIAN_LINK_HOURS", 168))
# How long a released data copy waits for the student (UU PDP art. 32): her one-time
# download links expire with it, and its sealed files are deleted then at the latest.
AMANAH_COPY_LINK_HOURS = env.int("COPY_LINK_HOURS", default=72)
# Per user: at most so many of each action within the period (counseling.accounts.ratelimit).
AMANAH_RATE_LIMITS = {
    "booking": (env.int("RATE_LIMIT_BOOKINGS", 10), datetime.timedelta(hours=1)),
    "cancel": (env.int("RATE_LIMIT_CANCELS", 10), datetime.timedelta(hours=1)),
    "urgent": (env.int("RATE_LIMIT_URGENT", 3), datetime.timedelta(days=1)),
    "emergency_access": (env.int("RATE_LIMIT_EMERGENCY_ACCESS", 5), datetime.timedelta(hours=1)),
}

# HTTPS and headers. Behind the reverse proxy, X-Forwarded-Proto says the request was HTTPS.
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=not DEBUG)
# A monitor may ask gunicorn directly, over plain HTTP on the private network.
SECURE_REDIRECT_EXEMPT = [r"^healthz$"]
SECURE_HSTS_SECONDS = 0 if DEBUG else 31536000
SECURE_HSTS_INCLUDE_SUBDOMAINS = True
SECURE_HSTS_PRELOAD = True
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
AMANAH_PERMISSIONS_POLICY = (
    "camera=(), microphone=(), geolocation=(), payment=(), usb=(), interest-cohort=()"
)
# No inline script or style anywhere: everything comes from our own static files.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'none'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
    }
}

# The access log flags events outside these local hours (start, end) and at weekends.
AMANAH_SCHOOL_HOURS = (6, 18)
AMANAH_EMERGENCY_ACCESS_MINUTES = 60
# Booking rules: how soon, how far ahead, and until when a student may cancel.
AMANAH_BOOKING_MIN_NOTICE = datetime.timedelta(hours=env.int("BOOKING_MIN_NOTICE_HOURS", 2))
AMANAH_BOOKING_WINDOW = datetime.timedelta(days=env.int("BOOKING_WINDOW_DAYS", 14))
AMANAH_BOOKING_CANCEL_CUTOFF = datetime.timedelta(hours=env.int("BOOKING_CANCEL_CUTOFF_HOURS", 2))
AMANAH_BOOKING_MAX_ACTIVE = 3
# One student's urgent requests alert each counselor at most once per this many minutes.
AMANAH_URGENT_ALERT_MINUTES = env.int("URGENT_ALERT_MINUTES", default=30)
# Online counseling: at most one "new message" notice (inbox and e-mail) per conversation
# and recipient in each window of this many minutes, so a chat is not an e-mail per line.
AMANAH_MESSAGE_NOTICE_MINUTES = env.int("MESSAGE_NOTICE_MINUTES", default=15)
# Messages shown per page of a thread (older ones page back).
AMANAH_MESSAGES_PER_PAGE = 50
# The crisis pathway: a request nobody took within this many minutes of school hours is
# escalated to the coordinator and the admins; outside these hours (local, weekdays
# Monday=0) the student is told at once that no counselor is in.
AMANAH_CRISIS_ESCALATION_MINUTES = env.int("CRISIS_ESCALATION_MINUTES", default=10)
AMANAH_CRISIS_SCHOOL_HOURS = tuple(
    datetime.time.fromisoformat(part)
    for part in env.str("CRISIS_SCHOOL_HOURS", default="07:00-15:00").split("-")
)
AMANAH_CRISIS_SCHOOL_DAYS = tuple(
    env.list("CRISIS_SCHOOL_DAYS", cast=int, default=[0, 1, 2, 3, 4, 5])
)
# A crisis assignment lapses after this many days unless the student confirms the counselor;
# a consent asked for after a crisis session is due within this many hours.
AMANAH_CRISIS_ASSIGNMENT_DAYS = 7
# A walk-in opens her case to the counselor on duty without a request of hers: that reach
# lapses sooner, after this many hours, unless she keeps the counselor.
AMANAH_CRISIS_WALK_IN_HOURS = env.int("CRISIS_WALK_IN_HOURS", default=24)
AMANAH_CRISIS_CONSENT_HOURS = 24
# Behind a reverse proxy that appends the client's address to X-Forwarded-For, log that
# address; otherwise REMOTE_ADDR (a client could forge the header).
AMANAH_TRUST_X_FORWARDED_FOR = env.bool("TRUST_X_FORWARDED_FOR", default=False)

LANGUAGE_CODE = "id"
LANGUAGES = [("id", "Bahasa Indonesia"), ("en", "English")]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = env.str("TIME_ZONE", default="Asia/Jakarta")
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = env.path("STATIC_ROOT", default=BASE_DIR / "staticfiles")
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}

vars().update(env.email_url("EMAIL_URL", default="consolemail://"))
# Seconds each SMTP operation may wait: without it a mail server that accepts and never
# answers holds a delivery for ever. The delivery task's time limits follow from it.
EMAIL_TIMEOUT = env.int("EMAIL_TIMEOUT", default=10)
# Links in e-mails point here.
AMANAH_SITE_URL = env.str("SITE_URL", default="http://127.0.0.1:8000").rstrip("/")
# The letterhead of referral letters to professionals outside the school.
AMANAH_SCHOOL_NAME = env.str("SCHOOL_NAME", default="SMA Negeri Contoh")
AMANAH_SCHOOL_ADDRESS = env.str("SCHOOL_ADDRESS", default="Jl. Pendidikan No. 1, Kota Contoh")
DEFAULT_FROM_EMAIL = env.str("DEFAULT_FROM_EMAIL", default="Amanah <bk@localhost>")
# Error reports (500s, failed tasks) go to these people, without content: counseling.ops.errors.
ADMINS = [parseaddr(address) for address in env.list("ADMINS", default=[])]
SERVER_EMAIL = env.str("SERVER_EMAIL", default=DEFAULT_FROM_EMAIL)
EMAIL_SUBJECT_PREFIX = "[Amanah] "
DEFAULT_EXCEPTION_REPORTER_FILTER = "counseling.ops.errors.ContentFreeReporterFilter"

# Celery: with no broker configured, tasks run eagerly in the calling process.
CELERY_BROKER_URL = env.str("CELERY_BROKER_URL", default="memory://")
CELERY_TASK_ALWAYS_EAGER = "CELERY_BROKER_URL" not in env.ENVIRON
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_TASK_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TIMEZONE = TIME_ZONE
# A Redis that accepts connections but never answers must not stall a web request.
CELERY_BROKER_TRANSPORT_OPTIONS = {"socket_timeout": 2, "socket_connect_timeout": 2}
CELERY_BROKER_CONNECTION_TIMEOUT = 2
CELERY_TASK_PUBLISH_RETRY_POLICY = {"max_retries": 1, "interval_start": 0, "interval_step": 1}
# A worker started before Redis waits for it; a worker that loses Redis gives back what it
# had not acknowledged (Celery 6's defaults, stated so that 5.x does not warn).
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_WORKER_CANCEL_LONG_RUNNING_TASKS_ON_CONNECTION_LOSS = True
# E-mail has a queue of its own, served by its own worker (README, Production): a hung
# mail server then stalls only e-mail, never alerts, the re-queue or the nightly check.
# A worker started without -Q serves both, so e-mail never waits for a missing worker.
CELERY_TASK_QUEUES = (Queue("celery"), Queue("email"))
CELERY_TASK_ROUTES = {
    "counseling.notices.tasks.deliver_notice": {"queue": "email"},
    "counseling.guardians.tasks.send_guardian_mail": {"queue": "email"},
}
# Each worker process reserves one message at a time: with late acknowledgement, what a
# killed worker held is what it was running, and nothing waits behind a hung send.
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
# Workers and beat log through LOGGING below (counseling.ops.celery_hooks).
CELERY_WORKER_HIJACK_ROOT_LOGGER = False
# Exactly one beat sends the schedule, however many run: counseling.ops.beat.
CELERY_BEAT_SCHEDULER = "counseling.ops.beat:LockedScheduler"
# Workers and the beat holding the lock write a heartbeat this often; /healthz calls one
# older than four of these stale.
AMANAH_HEARTBEAT_SECONDS = env.float("HEARTBEAT_SECONDS", default=15.0)
# /healthz fails when a due message has waited longer than this, or the access log's chain
# was last verified (nightly, 02:00) longer ago than that.
AMANAH_HEALTH_OUTBOX_MAX_AGE = datetime.timedelta(minutes=10)
AMANAH_HEALTH_CHAIN_MAX_AGE = datetime.timedelta(hours=26)
# Housekeeping (nightly): delivered or withdrawn notices are kept this long (their e-mail
# state, not their content: a notice has none).
# How long a counselee's records are kept after she leaves the school (the consent
# document quotes it); she and her counselor see her in the erasure list this many days
# before; an unconfirmed legal hold pauses erasure this long.
AMANAH_RETENTION_YEARS = env.int("RETENTION_YEARS", default=3)
AMANAH_RETENTION_NOTICE_DAYS = env.int("RETENTION_NOTICE_DAYS", default=30)
AMANAH_LEGAL_HOLD_CONFIRM_DAYS = env.int("LEGAL_HOLD_CONFIRM_DAYS", default=14)
AMANAH_OUTBOX_RETENTION = datetime.timedelta(days=env.int("OUTBOX_RETENTION_DAYS", default=30))
# How long deploy/backup keeps its nightly backups. The backup reads it from its own
# environment file; set the same value here so the record of processing quotes it.
BACKUP_KEEP_DAYS = env.int("BACKUP_KEEP_DAYS", default=30)
CELERY_BEAT_SCHEDULE = {
    "verify-audit-chain": {
        "task": "counseling.audit.tasks.verify_audit_chain",
        "schedule": crontab(hour=2, minute=0),
    },
    "requeue-due-notices": {
        "task": "counseling.notices.tasks.requeue_due_notices",
        "schedule": 15.0,
    },
    "purge-expired-attempt-counters": {
        "task": "counseling.accounts.tasks.purge_expired_counters",
        "schedule": crontab(minute=30),
    },
    "remind-counselors-to-inform-students": {
        "task": "consent.tasks.remind_counselors_to_inform_students",
        "schedule": crontab(hour=7, minute=0),
    },
    "send-guardian-mail": {
        "task": "counseling.guardians.tasks.send_guardian_mail",
        "schedule": 15.0,
    },
    "remind-guardian-exemption-reviews": {
        "task": "counseling.guardians.tasks.remind_exemption_reviews",
        "schedule": crontab(hour=7, minute=15),
    },
    "crisis-tick": {
        "task": "counseling.crisis.tasks.crisis_tick",
        "schedule": 60.0,
    },
    "erase-due-counselees": {
        "task": "counseling.retention.tasks.erase_due_counselees",
        "schedule": crontab(hour=1, minute=15),
    },
    # The 3 x 24-hour clock of the students' data-rights requests (UU PDP).
    "data-request-clock": {
        "task": "counseling.rights.tasks.remind_data_requests_due",
        "schedule": crontab(minute="*/15"),
    },
    "purge-expired-copies": {
        "task": "counseling.rights.copy_tasks.purge_expired_copies",
        "schedule": crontab(minute=45),
    },
    # Breaches: the 3 x 24-hour clock of each open breach's notices (UU PDP art. 46).
    "remind-breach-notices": {
        "task": "counseling.breaches.tasks.remind_breach_notices",
        "schedule": 300.0,
    },
    "housekeeping": {
        "task": "counseling.ops.tasks.housekeeping_nightly",
        "schedule": crontab(hour=3, minute=30),
    },
}

LOG_LEVEL = env.str("LOG_LEVEL", default="INFO").upper()
# JSON lines in UTC with the request id, from every process (counseling.ops.logs);
# ERRORs from Django and failed tasks are e-mailed to ADMINS without content.
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {
        "require_debug_false": {"()": "django.utils.log.RequireDebugFalse"},
        "withhold_task_errors": {"()": "counseling.ops.logs.WithholdTaskErrors"},
    },
    "formatters": {"json": {"()": "counseling.ops.logs.JsonFormatter"}},
    "handlers": {
        "console": {"class": "logging.StreamHandler", "formatter": "json"},
        "mail_admins": {
            "class": "counseling.ops.errors.AdminEmailHandler",
            "level": "ERROR",
            "filters": ["require_debug_false"],
        },
    },
    "root": {"handlers": ["console"], "level": LOG_LEVEL},
    "loggers": {
        # Replaces Django's default handlers for "django", whose mail_admins would send
        # the traceback's variables and the POST data.
        "django": {"handlers": ["mail_admins"], "level": LOG_LEVEL},
        # At DEBUG, Django's template engine logs each variable it cannot resolve with
        # the whole template context attached, decrypted notes and topics included. Keep
        # it quiet even when LOG_LEVEL=DEBUG is set to chase some other problem.
        "django.template": {"level": "INFO"},
        "celery.app.trace": {"handlers": ["mail_admins"], "filters": ["withhold_task_errors"]},
        # Scanners send any Host header; one e-mail to the admins for each would bury the
        # reports that matter. Still logged.
        "django.security.DisallowedHost": {"handlers": ["console"], "propagate": False},
    },
}

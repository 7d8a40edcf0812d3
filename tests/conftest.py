"""The people every test story is told with.

Siti is a student on Bu Rina's caseload; Dimas is a student on Pak Budi's. Bu Rina and
Pak Budi are counselors; Agus is the school's admin.
"""

import datetime
import traceback
from pathlib import Path

import pytest
from encrypted_model_fields import fields as encrypted_package

from counseling import keycheck, keys
from counseling.accounts.models import User
from counseling.records import services
from counseling.records.models import Counselee

# celery_app, celery_worker: a Celery app and an in-process worker, which uses the test
# database (a worker started outside pytest would use the development one).
pytest_plugins = ("celery.contrib.pytest",)

PASSWORD = "kata-sandi-uji-123"
ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(autouse=True)
def _fast_test_settings(settings):
    # Argon2 is deliberately slow; tests that check the production hasher say so.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    # The production storage needs `collectstatic`'s manifest; tests render without it.
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }
    settings.WHITENOISE_AUTOREFRESH = True
    settings.WHITENOISE_USE_FINDERS = True
    # The test client speaks plain HTTP; production redirects it to HTTPS.
    settings.SECURE_SSL_REDIRECT = False
    # The stories' students are minors whose school rests on its public duty; the guardian
    # gate's tests (tests/guardians) set the basis each of them is about.
    settings.GUARDIAN_BASIS = "public_duty"
    # Data keys are cached per process by id; a rolled-back test database reuses ids.
    keys.clear_cache()
    # A broker failure in an earlier test pauses this process's notice publisher for 30 s
    # (counseling.notices.publishing): each test starts with a publisher that publishes.
    from counseling.notices import publishing

    if publishing._current is not None:
        publishing._current.paused_until = 0.0


@pytest.fixture
def use_keys(settings, monkeypatch):
    """Switch FIELD_ENCRYPTION_KEY for one test: `use_keys(newest, older)`.

    The package builds its crypter once, at import, so overriding the setting alone would
    change nothing: the crypter is rebuilt from the new setting and swapped in.
    """

    def use(*keys):
        settings.FIELD_ENCRYPTION_KEY = [k.decode() if isinstance(k, bytes) else k for k in keys]
        monkeypatch.setattr(encrypted_package, "CRYPTER", encrypted_package.get_crypter())

    yield use
    keycheck.reset_verification()


def make_user(username, full_name, role):
    return User.objects.create_user(
        username=username, password=PASSWORD, full_name=full_name, role=role
    )


def make_counselee(user, nis, class_name="X-1", **fields):
    return Counselee.objects.create(
        user=user, nis=nis, class_name=class_name, date_of_birth=datetime.date(2010, 1, 1), **fields
    )


@pytest.fixture
def admin(db):
    return make_user("agus", "Agus Setiawan", User.Role.ADMIN)


@pytest.fixture
def bu_rina(db):
    return make_user("bu_rina", "Rina Wulandari", User.Role.COUNSELOR)


@pytest.fixture
def pak_budi(db):
    return make_user("pak_budi", "Budi Hartono", User.Role.COUNSELOR)


@pytest.fixture
def bu_wati(db):
    """A teacher: homeroom teacher (wali kelas) of X-1, Siti's class."""
    from counseling.referrals.models import TeachingAssignment

    teacher = make_user("bu_wati", "Wati Susanti", User.Role.TEACHER)
    TeachingAssignment.objects.create(teacher=teacher, class_name="X-1", is_homeroom=True)
    return teacher


@pytest.fixture
def dpo(db):
    """The school's data protection officer (petugas pelindungan data)."""
    return make_user("laras", "Larasati Putri", User.Role.DPO)


@pytest.fixture
def consent_v1(db, admin):
    """Version 1 of the consent document, published."""
    from consent import services as consent_services
    from consent.models import ConsentDocument

    document = ConsentDocument.objects.create(
        version=1,
        title_id="Persetujuan Konseling",
        body_id="## Kerahasiaan\n\nYang kamu ceritakan tetap rahasia, kecuali **empat** batas.",
        title_en="Consent to Counseling",
        body_en="## Confidentiality\n\nWhat you say stays confidential, except **four** limits.",
    )
    consent_services.publish(document, by=admin)
    return document


def acknowledge(student, document):
    from consent import rendering
    from consent import services as consent_services

    return consent_services.acknowledge(
        student,
        document,
        language="id",
        shown_hash=rendering.text_hash(document.title_id, document.body_id),
        typed_name=student.full_name,
    )


@pytest.fixture
def siti(db, bu_rina, admin, consent_v1):
    """A student, with her counselee record, on Bu Rina's caseload, who gave consent."""
    user = make_user("siti", "Siti Nurhaliza", User.Role.STUDENT)
    counselee = make_counselee(
        user,
        "1001",
        guardian_name="Ibu Suryani",
        guardian_phone="0812-1111-2222",
        background_notes="Sering cemas menjelang ujian.",
    )
    services.assign(bu_rina, counselee, by=admin)
    acknowledge(user, consent_v1)
    return user


@pytest.fixture
def nabila(db, pak_budi, admin, consent_v1):
    """A student on Pak Budi's caseload who has not acknowledged the consent document."""
    user = make_user("nabila", "Nabila Azzahra", User.Role.STUDENT)
    services.assign(pak_budi, make_counselee(user, "1003", class_name="XII-1"), by=admin)
    return user


@pytest.fixture
def dimas(db, pak_budi, admin, consent_v1):
    """Another student, on Pak Budi's caseload, who gave consent."""
    user = make_user("dimas", "Dimas Pratama", User.Role.STUDENT)
    counselee = make_counselee(
        user,
        "1002",
        class_name="X-2",
        guardian_name="Bapak Hendra",
        guardian_phone="0813-3333-4444",
        background_notes="Baru pindah dari Semarang.",
    )
    services.assign(pak_budi, counselee, by=admin)
    acknowledge(user, consent_v1)
    return user


def second_factor(user):
    """The user's confirmed TOTP device, enrolled if need be."""
    from counseling.accounts.second_factor import AuthenticatorDevice

    device = AuthenticatorDevice.objects.filter(user=user, confirmed=True).first()
    return device or AuthenticatorDevice.objects.create(user=user, name="uji", confirmed=True)


def enrolment_link(user):
    """The path of a fresh enrolment link for `user`, as her e-mail would carry it."""
    from counseling.accounts import enrolment

    link = enrolment.issue(user, by=None, deliver=False)
    return enrolment.path_for(enrolment.mint(link))


@pytest.fixture
def client_for(client):
    """Log the test client in as a user: `client_for(siti).get(...)`.

    Counselors and admins are logged in with their second factor verified, as they
    would be after the two-factor page; tests of that page log in without it.
    """

    def as_user(user, *, verified=True):
        return login(client, user, verified=verified)

    return as_user


def login(client, user, *, verified=True):
    """force_login, and for staff (counselors, admins, the DPO) the verified second
    factor too."""
    from django_otp import DEVICE_ID_SESSION_KEY

    client.force_login(user)
    if verified and user.role in ("counselor", "admin", "dpo"):
        session = client.session
        session[DEVICE_ID_SESSION_KEY] = second_factor(user).persistent_id
        session.save()
    return client


@pytest.fixture(autouse=True)
def _append_only_triggers_during_tests(request):
    """Keep PostgreSQL's append-only triggers on in tests, yet let pytest-django flush.

    Transactional tests end with a TRUNCATE of every table, which the access log's
    trigger refuses. Triggers are skipped only for that flush (the test user is a
    superuser), and switched back on before each test.
    """
    marker = request.node.get_closest_marker("django_db")
    names = set(request.fixturenames)
    transactional = bool(marker and marker.kwargs.get("transaction")) or bool(
        {"transactional_db", "live_server"} & names
    )
    if transactional:
        request.getfixturevalue("transactional_db")
    elif marker or "db" in names:
        request.getfixturevalue("db")
    else:
        yield
        return
    from django.db import connection

    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SET session_replication_role = DEFAULT")
    yield
    if connection.vendor == "postgresql" and transactional:
        with connection.cursor() as cursor:
            cursor.execute("SET session_replication_role = replica")


# Bookings. Bu Rina's hours are open every day of the week, so a test may book "the day
# after tomorrow at 10:00" whatever day it runs on.

BOOKING_TOPIC = "Aku bertengkar dengan kakakku soal uang jajan dan tidak bisa tidur."


def open_hours(counselor, place="Ruang BK 1"):
    from sessions import hours

    for weekday in range(7):
        hours.add_hours(
            by=counselor,
            weekday=weekday,
            start_time=datetime.time(8),
            end_time=datetime.time(14),
            slot_minutes=45,
            buffer_minutes=15,
            place=place,
        )


def slot_at(counselor, days=2, hour=10, minute=0):
    """The counselor's free slot `days` from today at `hour`:`minute` (it must be free)."""
    from django.utils import timezone

    from sessions import availability

    day = timezone.localdate() + datetime.timedelta(days=days)
    start = timezone.make_aware(datetime.datetime.combine(day, datetime.time(hour, minute)))
    slot = availability.find_free_slot(counselor, start)
    assert slot is not None, f"{counselor} is not free at {start}"
    return slot


@pytest.fixture
def rina_hours(bu_rina):
    open_hours(bu_rina, "Ruang BK 1")


@pytest.fixture
def budi_hours(pak_budi):
    open_hours(pak_budi, "Ruang BK 2")


@pytest.fixture
def siti_booking(siti, bu_rina, rina_hours):
    """Siti's request to see Bu Rina the day after tomorrow at 10:00, with a topic."""
    from sessions import bookings

    return bookings.book(
        siti.counselee, bu_rina, slot_at(bu_rina).start, by=siti, topic=BOOKING_TOPIC
    )


def time_has_come(session, minutes_ago=5):
    """Move a scheduled session so that its start time passed `minutes_ago` minutes ago.

    A session starts only on its day and a no-show is marked only after its start time;
    a test about what happens then brings the day to the session.
    """
    from django.utils import timezone

    length = session.scheduled_end - session.scheduled_start
    # Just after midnight, "minutes ago" would be yesterday: the session keeps today.
    midnight = timezone.make_aware(
        datetime.datetime.combine(timezone.localdate(), datetime.time.min)
    )
    start = max(timezone.now() - datetime.timedelta(minutes=minutes_ago), midnight)
    type(session).objects.filter(pk=session.pk).update(
        scheduled_start=start, scheduled_end=start + length
    )
    session.refresh_from_db()
    return session


@pytest.fixture(autouse=True)
def _no_row_lock_after_the_log_lock(_append_only_triggers_during_tests, monkeypatch):
    """Fail any test whose code locks a row after appending to the access log, on PostgreSQL.

    The access log is appended under a transaction-scoped advisory lock, held to the end
    of the transaction; a row lock taken after it waits while holding the log's lock, and
    another transaction holding that row and waiting for the log deadlocks with it
    (TRAPS.md). So every service takes its row locks first, and this checks that it does.
    """
    from django.db import connection, transaction

    if connection.vendor != "postgresql":
        yield
        return
    base = len(connection.atomic_blocks)
    state = {"log_locked_by": None}
    original_exit = transaction.Atomic.__exit__

    def exit_then_forget(self, *exc):
        try:
            return original_exit(self, *exc)
        finally:
            if len(connection.atomic_blocks) <= base:
                state["log_locked_by"] = None

    def watch(execute, sql, params, many, context):
        if "pg_advisory_xact_lock" in sql and state["log_locked_by"] is None:
            state["log_locked_by"] = sql
        elif state["log_locked_by"] and (" FOR UPDATE" in sql or " FOR NO KEY UPDATE" in sql):
            root = str(ROOT) + "/"
            where = [
                f"{frame.filename.removeprefix(root)}:{frame.lineno} {frame.name}"
                for frame in traceback.extract_stack()
                if frame.filename.startswith(root)
                and "/.venv/" not in frame.filename
                and "/tests/" not in frame.filename
            ]
            raise AssertionError(
                "a row lock after the access log's lock, in one transaction: take row locks "
                f"first (TRAPS.md, deadlocks). At {' < '.join(reversed(where))}"
            )
        return execute(sql, params, many, context)

    monkeypatch.setattr(transaction.Atomic, "__exit__", exit_then_forget)
    with connection.execute_wrapper(watch):
        yield


def sealed(value) -> bool:
    """Whether a stored value is a token under a counselee's data key (`counseling.keys`)."""
    import re

    return bool(value) and re.fullmatch(r"k\d+\$gAAAA[\w=-]+", value) is not None

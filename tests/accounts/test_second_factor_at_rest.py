"""Second-factor secrets at rest: the TOTP seed encrypted, recovery codes only hashed.

A database dump must not let anyone produce a counselor's codes. The tests read the
columns as the database holds them, past the ORM.
"""

import hashlib

import pytest
from cryptography.fernet import Fernet
from django.conf import settings
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.urls import reverse
from django_otp.oath import totp
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from counseling.accounts.second_factor import AuthenticatorDevice, RecoveryCodeDevice
from tests.conftest import PASSWORD, enrolment_link


def rows(table):
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT * FROM {connection.ops.quote_name(table)}")
        return cursor.fetchall()


def raw_key(device):
    with connection.cursor() as cursor:
        cursor.execute("SELECT key FROM accounts_authenticatordevice WHERE id = %s", [device.pk])
        return cursor.fetchone()[0]


def sign_in(client, user, token):
    client.post(reverse("login"), {"username": user.username, "password": PASSWORD})
    return client.post(reverse("two-factor-verify"), {"token": token})


def enrol(client, user):
    """Enrol through the link and the setup page, as a counselor does; return (device,
    recovery codes)."""
    client.post(reverse("login"), {"username": user.username, "password": PASSWORD})
    client.get(enrolment_link(user))
    client.get(reverse("two-factor-setup"))
    device = AuthenticatorDevice.objects.get(user=user)
    page = client.post(reverse("two-factor-setup"), {"token": f"{totp(device.bin_key):06d}"})
    client.post(reverse("logout"))
    return device, page.context["codes"]


def test_the_totp_seed_is_encrypted_at_rest(client, bu_rina):
    device, _codes = enrol(client, bu_rina)
    stored = raw_key(device)
    assert stored.startswith("gAAAA")
    assert device.key not in stored and device.key.upper() not in stored
    assert Fernet(settings.FIELD_ENCRYPTION_KEY[0]).decrypt(stored.encode()).decode() == device.key
    assert rows("otp_totp_totpdevice") == []


def test_recovery_codes_are_stored_as_hashes_only(client, bu_rina):
    _device, codes = enrol(client, bu_rina)
    table = rows("accounts_recoverycode")
    assert len(table) == len(codes) == 10
    everything = repr(table) + repr(rows("accounts_recoverycodedevice"))
    for code in codes:
        assert code not in everything
        assert code.replace("-", "") not in everything
    with connection.cursor() as cursor:
        cursor.execute("SELECT code_hash FROM accounts_recoverycode")
        stored = {row[0] for row in cursor.fetchall()}
    expected = {hashlib.sha256(code.replace("-", "").encode()).hexdigest() for code in codes}
    assert stored == expected
    assert rows("otp_static_statictoken") == []


def test_a_recovery_code_carries_80_random_bits_and_works_once(client, bu_rina):
    _device, codes = enrol(client, bu_rina)
    assert all(len(code.replace("-", "")) == 16 for code in codes)
    typed = codes[3].upper().replace("-", " ")  # as read aloud from a sheet of paper
    sign_in(client, bu_rina, typed)
    assert client.get("/counselor/").status_code == 200
    client.post(reverse("logout"))
    sign_in(client, bu_rina, codes[3])
    assert client.get("/counselor/").status_code == 302


def test_the_authenticator_app_keeps_working_through_django_otp(client, bu_rina):
    device, _codes = enrol(client, bu_rina)
    device.refresh_from_db()
    # The next time step's code: the current one was spent on enrolment.
    sign_in(client, bu_rina, f"{totp(device.bin_key, drift=1):06d}")
    assert client.get("/counselor/").status_code == 200


# Existing devices: django-otp's plaintext rows are moved by a migration.

BEFORE = [("accounts", "0007_second_factor_devices")]
AFTER = [("accounts", "0008_move_second_factors")]


def migrate(targets):
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(targets)


@pytest.fixture
def newest_schema_after():
    """Back to the newest migrations once the test is done: the next test on this
    database (a browser test that seeds the demo school) needs every column."""
    yield
    executor = MigrationExecutor(connection)
    migrate(executor.loader.graph.leaf_nodes())


@pytest.mark.django_db(transaction=True)
def test_existing_devices_are_moved_and_their_plaintext_deleted(
    client, bu_rina, newest_schema_after
):
    migrate(BEFORE)
    old_totp = TOTPDevice.objects.create(user=bu_rina, name="lama", confirmed=True)
    old_static = StaticDevice.objects.create(user=bu_rina, name="recovery", confirmed=True)
    old_codes = [StaticToken.random_token() for _ in range(3)]
    StaticToken.objects.bulk_create(StaticToken(device=old_static, token=c) for c in old_codes)

    migrate(AFTER)

    assert rows("otp_totp_totpdevice") == []
    assert rows("otp_static_statictoken") == []
    assert rows("otp_static_staticdevice") == []
    [moved] = AuthenticatorDevice.objects.filter(user=bu_rina)
    assert (moved.key, moved.name, moved.confirmed) == (old_totp.key, "lama", True)
    assert raw_key(moved).startswith("gAAAA") and old_totp.key not in raw_key(moved)
    recovery = RecoveryCodeDevice.objects.get(user=bu_rina)
    assert recovery.codes.count() == 3
    assert old_codes[0] not in repr(rows("accounts_recoverycode"))

    # The same authenticator app and the same codes still sign her in.
    sign_in(client, bu_rina, f"{totp(old_totp.bin_key):06d}")
    assert client.get("/counselor/").status_code == 200
    client.post(reverse("logout"))
    sign_in(client, bu_rina, old_codes[0])
    assert client.get("/counselor/").status_code == 200

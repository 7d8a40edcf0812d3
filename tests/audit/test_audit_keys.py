"""AUDIT_HMAC_KEY: a wrong key stops the app, and the key can be rotated.

Each entry records the version of the key that chained it; AUDIT_HMAC_KEY lists the
keys newest first, and verification picks each entry's own key.
"""

import pytest
from django.core.management import CommandError, call_command
from django.db import connection, transaction

from counseling import checks
from counseling.audit import keys, log
from counseling.audit.models import AccessEvent
from tests.subprocesses import manage

OLD = "kunci-lama-" + "o" * 50
NEW = "kunci-baru-" + "n" * 50


def tamper(sql, params=()):
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SET session_replication_role = replica")  # past the triggers
        cursor.execute(sql, params)


def verify():
    call_command("verify_audit", verbosity=0)


def views(n, siti, bu_rina):
    return [
        log.record(log.Action.VIEW, actor=bu_rina, obj=siti.counselee, counselee=siti.counselee)
        for _ in range(n)
    ]


@pytest.fixture
def old_key(settings):
    settings.AUDIT_HMAC_KEY = [OLD]
    return settings


def test_an_entry_records_the_version_of_the_key_that_chained_it(old_key, siti, bu_rina):
    [event] = views(1, siti, bu_rina)
    event.refresh_from_db()
    assert event.key_version == keys.version_of(OLD.encode())
    assert OLD[:16] not in event.key_version


def test_a_rotated_key_chains_new_entries_and_the_old_one_still_verifies(old_key, siti, bu_rina):
    before = views(3, siti, bu_rina)
    old_key.AUDIT_HMAC_KEY = [NEW, OLD]
    after = views(3, siti, bu_rina)
    versions = dict(AccessEvent.objects.values_list("id", "key_version"))
    assert {versions[e.id] for e in before} == {keys.version_of(OLD.encode())}
    assert {versions[e.id] for e in after} == {keys.version_of(NEW.encode())}
    verify()
    assert checks.check_audit_key() == []


def test_dropping_a_key_that_still_chains_entries_is_a_wrong_key(old_key, siti, bu_rina):
    views(2, siti, bu_rina)
    old_key.AUDIT_HMAC_KEY = [NEW, OLD]
    [first_new] = views(1, siti, bu_rina)
    old_key.AUDIT_HMAC_KEY = [NEW]
    first_old = AccessEvent.objects.filter(key_version=keys.version_of(OLD.encode()))
    with pytest.raises(CommandError, match=rf"^Wrong AUDIT_HMAC_KEY: entry #{first_old[0].id} "):
        verify()
    # The newest entry's key is still listed, so the start-up check lets it run.
    assert checks.check_audit_key() == []
    old_key.AUDIT_HMAC_KEY = [OLD]
    with pytest.raises(CommandError, match=rf"Wrong AUDIT_HMAC_KEY: entry #{first_new.id} "):
        verify()


def test_a_wrong_key_fails_the_start_up_check_with_a_hint(old_key, siti, bu_rina):
    views(1, siti, bu_rina)
    old_key.AUDIT_HMAC_KEY = [NEW]
    [error] = checks.check_audit_key()
    assert error.id == "amanah.E050"
    assert "AUDIT_HMAC_KEY" in error.msg and "newest entry" in error.msg
    assert "newest first" in error.hint


def test_an_altered_head_fails_the_start_up_check_as_tampering(old_key, siti, bu_rina):
    [*_, last] = views(2, siti, bu_rina)
    tamper("UPDATE audit_accessevent SET object_id = 'lain' WHERE id = %s", [last.id])
    [error] = checks.check_audit_key()
    assert error.id == "amanah.E051"
    assert "altered" in error.msg
    assert "verify_audit" in error.hint


def test_no_entry_is_appended_under_a_key_that_cannot_verify_the_log(old_key, siti, bu_rina):
    views(1, siti, bu_rina)
    count = AccessEvent.objects.count()
    old_key.AUDIT_HMAC_KEY = [NEW]
    with pytest.raises(keys.WrongAuditKey), transaction.atomic():
        log.record(log.Action.LOGIN_FAILED)
    assert AccessEvent.objects.count() == count


def test_entries_from_before_key_versions_verify_with_the_oldest_key(old_key, siti, bu_rina):
    # Entries written before this release: the same chain, with no key version.
    *_, last_legacy = views(3, siti, bu_rina)
    tamper("UPDATE audit_accessevent SET key_version = '' WHERE id <= %s", [last_legacy.id])
    assert not AccessEvent.objects.exclude(key_version="").exists()
    assert checks.check_audit_key() == []
    old_key.AUDIT_HMAC_KEY = [NEW, OLD]
    views(2, siti, bu_rina)
    verify()
    assert checks.check_audit_key() == []

    old_key.AUDIT_HMAC_KEY = [NEW]
    with pytest.raises(CommandError, match=r"^Wrong AUDIT_HMAC_KEY: entry #1 "):
        verify()


def test_manage_check_refuses_an_audit_key_that_did_not_chain_the_log(tmp_path):
    database = f"sqlite:///{tmp_path / 'amanah.sqlite3'}"

    def as_operator(key, *args):
        return manage(*args, DATABASE_URL=database, AUDIT_HMAC_KEY=key, DEBUG="on")

    assert as_operator(OLD, "migrate", "--no-input").returncode == 0
    appended = as_operator(
        OLD, "shell", "-c", "from counseling.audit import log; log.record('login_failed')"
    )
    assert appended.returncode == 0, appended.stderr

    refused = as_operator(NEW, "check")
    assert refused.returncode != 0
    assert "amanah.E050" in refused.stderr
    assert as_operator(f"{NEW},{OLD}", "check").returncode == 0
    assert as_operator(OLD, "verify_audit").returncode == 0
    diagnosis = as_operator(NEW, "verify_audit")
    assert diagnosis.returncode == 1
    assert "Wrong AUDIT_HMAC_KEY: entry #1 " in diagnosis.stderr


def test_secret_key_fallbacks_keep_signatures_of_the_old_secret_key_valid():
    old, new = "lama-" + "s" * 50, "baru-" + "t" * 50
    signed = manage(
        "shell",
        "-c",
        "from django.core import signing; print(signing.dumps('sesi'))",
        SECRET_KEY=old,
        DEBUG="on",
    )
    assert signed.returncode == 0, signed.stderr
    token = signed.stdout.split()[-1]
    check = f"from django.core import signing; print(signing.loads({token!r}))"

    rotated = manage("shell", "-c", check, SECRET_KEY=new, SECRET_KEY_FALLBACKS=old, DEBUG="on")
    assert rotated.returncode == 0, rotated.stderr
    assert rotated.stdout.split()[-1] == "sesi"
    forgotten = manage("shell", "-c", check, SECRET_KEY=new, DEBUG="on")
    assert forgotten.returncode != 0
    assert "BadSignature" in forgotten.stderr

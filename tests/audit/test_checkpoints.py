"""Signed checkpoints anchor the log's head outside the table, so a cut end is caught.

The nightly check writes one and mails it to the admins; verify_audit compares the chain
with every checkpoint without being told a head.
"""

import pytest
from django.core.management import CommandError, call_command
from django.db import connection, transaction

from counseling.audit import checkpoints, keys, log, tasks
from counseling.audit.models import AccessEvent, AppendOnlyError, AuditCheckpoint
from counseling.notices import publishing


def tamper(sql, params=()):
    """Change the tables behind the application's back, as the tables' owner could."""
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SET session_replication_role = replica")  # past the triggers
        cursor.execute(sql, params)


def verify(**options):
    call_command("verify_audit", verbosity=0, **options)


@pytest.fixture
def admin_mail(admin):
    admin.email = "agus@sekolah.test"
    admin.save(update_fields=["email"])
    return admin.email


@pytest.fixture
def checkpointed(siti, bu_rina, admin_mail):
    """Six views of Siti's record, then the nightly check: the head is checkpointed."""
    for _ in range(6):
        log.record(log.Action.VIEW, actor=bu_rina, obj=siti.counselee, counselee=siti.counselee)
    assert tasks.verify_audit_chain.delay().get() is True
    return AuditCheckpoint.objects.get()


def test_the_nightly_check_writes_a_signed_checkpoint_of_the_head(checkpointed, settings):
    last = AccessEvent.objects.latest("id")
    assert (checkpointed.entry_count, checkpointed.last_id) == (last.id, last.id)
    assert checkpointed.last_hash == last.hash
    version, key = keys.keyring().newest
    assert checkpointed.key_version == version
    assert checkpointed.signature == checkpoints.signature(checkpointed, key)


def test_the_checkpoint_is_mailed_to_the_admins_without_content(checkpointed, mailoutbox):
    # A notice to each admin, e-mailed once the task's transaction commits.
    publishing.requeue()
    [mail] = mailoutbox
    assert mail.to == ["agus@sekolah.test"]
    assert f"{checkpointed.last_id}:{checkpointed.last_hash}" in mail.body
    assert checkpointed.signature in mail.body
    for secret in ("Siti", "1001", "Rina", "Sering cemas"):
        assert secret not in mail.body and secret not in mail.subject


def test_entries_cut_off_the_end_are_caught_without_a_head_typed(checkpointed):
    verify()
    tamper("DELETE FROM audit_accessevent WHERE id > %s", [checkpointed.last_id - 2])
    with pytest.raises(CommandError, match="cut off the end") as error:
        verify()
    assert f"#{checkpointed.last_id}" in str(error.value)


def test_an_emptied_log_is_caught(checkpointed):
    tamper("DELETE FROM audit_accessevent")
    with pytest.raises(CommandError, match=r"cut off the end.*log ends at #0"):
        verify()


def test_a_log_cut_and_written_again_to_the_same_length_is_caught(checkpointed, siti, bu_rina):
    tamper("DELETE FROM audit_accessevent WHERE id > %s", [checkpointed.last_id - 2])
    for _ in range(2):  # a valid chain again, as long as before, but not the same entries
        log.record(log.Action.LOGIN_FAILED)
    with pytest.raises(CommandError, match=rf"entry #{checkpointed.last_id} is not the one"):
        verify()


def test_a_checkpoint_inserted_without_the_key_is_refused_as_forged(checkpointed):
    last = AccessEvent.objects.latest("id")
    AuditCheckpoint.objects.create(
        entry_count=last.id,
        last_id=last.id,
        last_hash=last.hash,
        key_version=checkpointed.key_version,
        signature="0" * 64,
    )
    with pytest.raises(CommandError, match="forged or altered"):
        verify()


def test_a_checkpoint_signed_with_an_unlisted_key_is_a_wrong_key(checkpointed, settings):
    # The log's entries verify under the old key, still listed; the checkpoint names a
    # key that is not.
    tamper(
        "UPDATE audit_auditcheckpoint SET key_version = 'ffffffffffffffff' WHERE id = %s",
        [checkpointed.pk],
    )
    with pytest.raises(CommandError, match=r"^Wrong AUDIT_HMAC_KEY: checkpoint #"):
        verify()


def test_the_checkpoints_survive_a_key_rotation(checkpointed, settings):
    settings.AUDIT_HMAC_KEY = ["kunci-baru-" + "n" * 50, *keys.configured()]
    log.record(log.Action.LOGIN_FAILED)
    assert tasks.verify_audit_chain.delay().get() is True
    verify()
    assert AuditCheckpoint.objects.count() == 2


def test_a_broken_chain_writes_no_checkpoint(checkpointed):
    tamper("UPDATE audit_accessevent SET object_id = 'lain' WHERE id = %s", [2])
    assert tasks.verify_audit_chain.delay().get() is False
    assert AuditCheckpoint.objects.count() == 1


def test_the_expected_head_option_still_works(checkpointed):
    verify(expect_head=f"{checkpointed.last_id}:{checkpointed.last_hash}")
    with pytest.raises(CommandError, match="rebuilt"):
        verify(expect_head=f"{checkpointed.last_id}:{'0' * 64}")


def test_the_model_refuses_changes_and_deletion(checkpointed):
    checkpointed.last_id = 1
    with pytest.raises(AppendOnlyError):
        checkpointed.save()
    with pytest.raises(AppendOnlyError):
        checkpointed.delete()
    with pytest.raises(AppendOnlyError):
        AuditCheckpoint.objects.update(last_id=1)
    with pytest.raises(AppendOnlyError):
        AuditCheckpoint.objects.all().delete()


@pytest.mark.skipif(connection.vendor != "postgresql", reason="triggers are PostgreSQL's")
@pytest.mark.parametrize(
    "statement",
    ["UPDATE audit_auditcheckpoint SET last_id = 1", "DELETE FROM audit_auditcheckpoint"],
)
def test_the_database_refuses_changes_to_checkpoints(checkpointed, statement):
    from django.db import DatabaseError

    with (
        pytest.raises(DatabaseError, match="append-only"),
        transaction.atomic(),
        connection.cursor() as cursor,
    ):
        cursor.execute(statement)
    assert AuditCheckpoint.objects.filter(pk=checkpointed.pk).exists()

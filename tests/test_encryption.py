"""Encryption fails closed: ciphertext at rest, a wrong key stops the app and every write."""

import pytest
from cryptography.fernet import Fernet
from django.conf import settings
from django.core.management.base import SystemCheckError
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext

from counseling import checks, keycheck
from counseling.encryption import UndecryptableValue, UnsealedWriteError
from counseling.records.models import Counselee, EncryptionCanary
from counseling.retention.models import DataKey
from tests.conftest import make_counselee, make_user, sealed
from tests.subprocesses import manage, run

GUARDIAN = "Ibu Suryani"


def stored(model, column, pk):
    """The column's bytes as the database holds them, read past the ORM."""
    table = connection.ops.quote_name(model._meta.db_table)
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT {connection.ops.quote_name(column)} FROM {table} WHERE id = %s", [pk]
        )
        return cursor.fetchone()[0]


def current_key():
    return settings.FIELD_ENCRYPTION_KEY[0]


def test_the_database_holds_fernet_tokens_not_text(siti):
    counselee = siti.counselee
    for column, text in [
        ("guardian_name", GUARDIAN),
        ("guardian_phone", "0812-1111-2222"),
        ("background_notes", "Sering cemas menjelang ujian."),
    ]:
        token = stored(Counselee, column, counselee.pk)
        # Sealed under her own data key, which only the master key unwraps.
        key = DataKey.objects.get(counselee_uid=counselee.public_id)
        assert token.startswith(f"k{key.pk}$gAAAAA")
        assert text not in token
        data_key = Fernet(current_key()).decrypt(key.wrapped.encode())
        assert Fernet(data_key).decrypt(token.split("$", 1)[1].encode()).decode() == text


def test_guardians_contact_exemptions_and_typed_names_are_fernet_tokens(siti, bu_rina, admin):
    from consent.rendering import text_hash
    from counseling.guardians import services as guardians
    from counseling.guardians.models import (
        Guardian,
        GuardianAcknowledgement,
        GuardianConsentDocument,
        GuardianExemption,
    )

    document = GuardianConsentDocument.objects.create(version=1, title="Wali", body="Teks.")
    guardians.publish_document(document, by=admin)
    guardian = guardians.add_guardian(
        siti.counselee,
        by=bu_rina,
        name="Ibu Suryani Wati",
        relation="mother",
        phone="0812-9999-0000",
        email="suryani.wati@example.test",
    )
    exemption = guardians.record_exemption(
        siti.counselee, by=bu_rina, reason="violence_at_home", detail="Ayah tiri mengancam."
    )
    link = guardians.send_link(guardian, by=bu_rina)
    link.mint()
    acknowledgement = guardians.acknowledge_by_link(
        link,
        shown_hash=text_hash("Wali", "Teks."),
        typed_name="Suryani Wati",
        ip_address=None,
        user_agent="",
    )
    values = [
        (Guardian, "name", guardian.pk, "Ibu Suryani Wati"),
        (Guardian, "phone", guardian.pk, "0812-9999-0000"),
        (Guardian, "email", guardian.pk, "suryani.wati@example.test"),
        (GuardianExemption, "detail", exemption.pk, "Ayah tiri mengancam."),
        (GuardianAcknowledgement, "typed_name", acknowledgement.pk, "Suryani Wati"),
    ]
    for model, column, pk, text in values:
        token = stored(model, column, pk)
        # Under Siti's own data key, not the master key; read back through the model.
        assert sealed(token) and text not in token, (model, column)
        assert getattr(model.objects.get(pk=pk), column) == text


def test_the_canary_is_created_by_migrate_and_read_by_the_check(db):
    token = stored(EncryptionCanary, "value", keycheck.CANARY_PK)
    assert Fernet(current_key()).decrypt(token.encode()).decode() == keycheck.CANARY_TEXT
    assert checks.check_encryption_key() == []


def wrong_key():
    return Fernet.generate_key()


def test_a_wrong_key_fails_the_check_and_stops_start_up(db, use_keys):
    use_keys(wrong_key())
    errors = checks.check_encryption_key()
    assert [e.id for e in errors] == ["amanah.E020"]
    assert "FIELD_ENCRYPTION_KEY" in errors[0].msg
    assert errors[0].hint
    # gunicorn (wsgi.py, asgi.py), the Celery worker and beat start through this function
    # (tests/test_celery_startup.py starts real ones).
    with pytest.raises(SystemCheckError, match=r"amanah\.E020"):
        checks.fail_unless_ready()


def test_reading_with_a_wrong_key_raises(siti, use_keys):
    use_keys(wrong_key())
    with pytest.raises(UndecryptableValue, match=r"records\.Counselee\.guardian_name"):
        Counselee.objects.get(pk=siti.counselee.pk)


def test_saving_with_a_wrong_key_raises_and_leaves_the_stored_bytes_alone(siti, use_keys):
    counselee = Counselee.objects.get(pk=siti.counselee.pk)
    before = stored(Counselee, "background_notes", counselee.pk)
    use_keys(wrong_key())
    counselee.background_notes = "Catatan baru."
    # Each attempt in its own savepoint: a failed save marks its transaction for rollback.
    with (
        pytest.raises(keycheck.WrongEncryptionKey, match="FIELD_ENCRYPTION_KEY"),
        transaction.atomic(),
    ):
        counselee.save()
    # update() skips pre_save: it cannot seal under her key, so it is refused with any key.
    with pytest.raises(UnsealedWriteError), transaction.atomic():
        Counselee.objects.filter(pk=counselee.pk).update(background_notes="Catatan baru.")
    ayu = make_user("ayu", "Ayu Lestari", "student")
    with pytest.raises(keycheck.WrongEncryptionKey), transaction.atomic():
        make_counselee(ayu, "1003", guardian_name="X")
    assert stored(Counselee, "background_notes", counselee.pk) == before
    assert not Counselee.objects.filter(nis="1003").exists()


def test_the_canary_is_read_once_per_process_and_key(siti, use_keys):
    counselee = Counselee.objects.get(pk=siti.counselee.pk)
    keycheck.reset_verification()
    with CaptureQueriesContext(connection) as first:
        counselee.save(update_fields=["background_notes"])
    with CaptureQueriesContext(connection) as second:
        counselee.save(update_fields=["background_notes"])
    assert len(second) == 1  # the UPDATE alone
    assert len(first) > len(second)
    use_keys(wrong_key())  # a new key is verified afresh, not trusted from the cache
    with pytest.raises(keycheck.WrongEncryptionKey), transaction.atomic():
        counselee.save(update_fields=["background_notes"])


def test_without_a_canary_stored_values_stand_in_for_it(siti, use_keys):
    EncryptionCanary.objects.all().delete()
    assert [e.id for e in checks.check_encryption_key()] == ["amanah.W020"]
    use_keys(wrong_key())
    errors = checks.check_encryption_key()
    assert [e.id for e in errors] == ["amanah.E020"]
    assert "records.Counselee" in errors[0].msg
    with pytest.raises(keycheck.WrongEncryptionKey):
        keycheck.ensure_canary()
    assert not EncryptionCanary.objects.exists()


def test_migrate_recreates_a_missing_canary_under_the_right_key(siti):
    EncryptionCanary.objects.all().delete()
    keycheck.ensure_canary()
    assert EncryptionCanary.objects.get().value == keycheck.CANARY_TEXT
    assert checks.check_encryption_key() == []


def test_manage_check_refuses_a_key_that_did_not_write_the_database(tmp_path):
    database = f"sqlite:///{tmp_path / 'amanah.sqlite3'}"
    right, wrong = Fernet.generate_key().decode(), Fernet.generate_key().decode()

    def as_operator(key, *args):
        return manage(*args, DATABASE_URL=database, FIELD_ENCRYPTION_KEY=key, DEBUG="on")

    # Before the first migrate there is no canary, and the check must not crash.
    assert as_operator(wrong, "check").returncode == 0
    migrated = as_operator(right, "migrate", "--no-input")
    assert migrated.returncode == 0, migrated.stderr

    refused = as_operator(wrong, "check")
    assert refused.returncode != 0
    assert "amanah.E020" in refused.stderr
    assert "FIELD_ENCRYPTION_KEY" in refused.stderr
    assert as_operator(wrong, "migrate", "--no-input").returncode != 0

    gunicorn = run(
        "-c",
        "import counseling.wsgi",
        DATABASE_URL=database,
        FIELD_ENCRYPTION_KEY=wrong,
        DEBUG="on",
    )
    assert gunicorn.returncode != 0
    assert "amanah.E020" in gunicorn.stderr

    assert as_operator(right, "check").returncode == 0


def test_messages_and_their_drafts_are_fernet_tokens_not_text(siti, bu_rina, admin, consent_v1):
    from consent import services as consent_services
    from consent.models import ConsentDocument
    from counseling.messaging import services as messaging
    from counseling.messaging.models import Message, MessageDraft
    from tests.conftest import acknowledge

    online = ConsentDocument.objects.create(
        version=2,
        title_id="t",
        body_id="b",
        title_en="t",
        body_en="b",
        covers_online_counseling=True,
    )
    consent_services.publish(online, by=admin)
    acknowledge(siti, online)
    conversation = messaging.open_conversation(siti, bu_rina, by=siti)
    message = messaging.send(conversation, by=siti, body="Aku takut ujian besok.")
    draft = messaging.save_draft(conversation, by=bu_rina, body="Tenang, Siti, kita")
    for model, pk, text in [
        (Message, message.pk, "Aku takut ujian besok."),
        (MessageDraft, draft.pk, "Tenang, Siti, kita"),
    ]:
        token = stored(model, "body", pk)
        assert sealed(token) and text not in token
        assert model.objects.get(pk=pk).body == text

"""`manage.py migrate_to_data_keys`: content under the master key moves to data keys,
resumably, with progress, verified before it reports success."""

from io import StringIO

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection

from counseling import fernet, keys
from counseling.audit.models import AccessEvent
from counseling.records.models import Counselee
from counseling.retention import migration
from sessions.models import SessionNote
from tests.conftest import sealed

NOTE = "Catatan lama, ditulis sebelum kunci per konseli."


def to_legacy(table, column, pk, text):
    """Put a value back into the form before data keys: a token under the master key."""
    with connection.cursor() as cursor:
        cursor.execute(
            f"UPDATE {table} SET {column} = %s WHERE id = %s",
            [fernet.encrypt(text), pk],
        )


def stored(table, column, pk):
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {column} FROM {table} WHERE id = %s", [pk])
        return cursor.fetchone()[0]


@pytest.fixture
def legacy(siti_record, dimas):
    note = SessionNote.objects.get(session__counselee=siti_record)
    to_legacy("counseling_sessions_sessionnote", "body", note.pk, NOTE)
    for counselee in (siti_record, dimas.counselee):
        to_legacy("records_counselee", "background_notes", counselee.pk, f"latar {counselee.nis}")
    return note


def migrate(*args):
    out = StringIO()
    call_command("migrate_to_data_keys", *args, stdout=out)
    return out.getvalue()


def test_it_reseals_old_values_under_each_counselees_key_and_verifies(legacy, siti_record, dimas):
    with pytest.raises(CommandError, match="Not verified"):
        migrate("--verify-only")
    output = migrate("--batch-size", "1")
    assert "records.Counselee: 1/2 rows (50%)" in output
    assert "Verified: every sealed value is under its counselee's data key (3 resealed" in output
    body = stored("counseling_sessions_sessionnote", "body", legacy.pk)
    assert sealed(body)
    assert SessionNote.objects.get(pk=legacy.pk).body == NOTE
    for counselee in (siti_record, dimas.counselee):
        token = stored("records_counselee", "background_notes", counselee.pk)
        key_id, _ = keys.split(token)
        assert key_id is not None
        assert Counselee.objects.get(pk=counselee.pk).background_notes == f"latar {counselee.nis}"
    assert AccessEvent.objects.filter(
        action=AccessEvent.Action.DATA_KEYS_MIGRATED, object_id="resealed=3"
    ).exists()
    assert "0 resealed" in migrate()  # idempotent


def test_an_interrupted_migration_resumes(legacy, monkeypatch):
    write = migration._write
    calls = []

    def power_cut(model, changes):
        if changes and calls:
            raise RuntimeError("power cut")
        if changes:
            calls.append(model)
        return write(model, changes)

    monkeypatch.setattr(migration, "_write", power_cut)
    with pytest.raises(RuntimeError):
        migrate("--batch-size", "1")
    monkeypatch.setattr(migration, "_write", write)
    output = migrate("--batch-size", "1")
    assert "(2 resealed in this run)" in output
    assert SessionNote.objects.get(pk=legacy.pk).body == NOTE


def test_an_unreadable_value_stops_it_untouched(legacy, siti_record):
    from cryptography.fernet import Fernet

    stranger = Fernet(Fernet.generate_key()).encrypt(b"x").decode()
    with connection.cursor() as cursor:
        cursor.execute(
            "UPDATE records_counselee SET guardian_name = %s WHERE id = %s",
            [stranger, siti_record.pk],
        )
    with pytest.raises(CommandError, match=r"records\.Counselee\.guardian_name"):
        migrate()
    assert stored("records_counselee", "guardian_name", siti_record.pk) == stranger

"""`manage.py rotate_encryption_key`: every value of every model moves to the newest key."""

import datetime
from io import StringIO

import pytest
from cryptography.fernet import Fernet, InvalidToken
from django.conf import settings
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection
from django.utils import timezone

from counseling import checks, rotation
from counseling.audit.models import AccessEvent, EmergencyAccess
from counseling.fernet import raw
from counseling.records.models import Counselee

# Siti's and Dimas's three fields, the emergency access's two, and the canary.
VALUES = 2 * 3 + 2 + 1


@pytest.fixture
def records(siti, dimas, pak_budi):
    EmergencyAccess.objects.create(
        counselor=pak_budi,
        counselee=siti.counselee,
        justification="Siti tidak bisa dihubungi dan wali melaporkan ia hilang.",
        expires_at=timezone.now() + datetime.timedelta(hours=1),
    )
    return snapshot()


@pytest.fixture
def old_key():
    return settings.FIELD_ENCRYPTION_KEY[0]


@pytest.fixture
def new_key():
    return Fernet.generate_key().decode()


def snapshot():
    """Every encrypted value of every model, decrypted through the ORM."""
    values = {}
    for model, names in rotation.encrypted_models():
        for pk, *decrypted in model._base_manager.order_by("pk").values_list("pk", *names):
            values[model._meta.label, pk] = decrypted
    return values


def stored_tokens():
    """Every encrypted value of every model as the database holds it."""
    tokens = {}
    for model, names in rotation.encrypted_models():
        rows = model._base_manager.order_by("pk")
        for name in names:
            for pk, token in rows.annotate(token=raw(name)).values_list("pk", "token"):
                tokens[model._meta.label, pk, name] = token
    return tokens


def readable_with(key, token):
    try:
        Fernet(key).decrypt(token.encode())
    except InvalidToken:
        return False
    return True


def rotate(*args):
    out = StringIO()
    call_command("rotate_encryption_key", *args, stdout=out)
    return out.getvalue()


def test_it_re_encrypts_every_value_of_every_model_under_the_newest_key(
    records, use_keys, old_key, new_key
):
    use_keys(new_key, old_key)
    output = rotate("--batch-size", "1")

    tokens = stored_tokens()
    assert len(tokens) == VALUES
    assert all(readable_with(new_key, t) and not readable_with(old_key, t) for t in tokens.values())
    assert "records.Counselee: 1/2 rows (50%)" in output
    assert f"Done: {VALUES} values re-encrypted, 0 already under the newest key." in output

    use_keys(new_key)  # the old key removed
    assert snapshot() == records
    assert checks.check_encryption_key() == []


def test_it_records_one_access_event_with_counts_only(records, use_keys, old_key, new_key):
    use_keys(new_key, old_key)
    rotate()
    event = AccessEvent.objects.get(action=AccessEvent.Action.KEY_ROTATED)
    assert event.purpose == AccessEvent.Purpose.SYSTEM
    assert event.actor is None
    assert event.object_id == f"rotated={VALUES};current=0"


def test_it_is_idempotent(records, use_keys, old_key, new_key):
    use_keys(new_key, old_key)
    rotate()
    tokens = stored_tokens()
    output = rotate()
    assert f"Done: 0 values re-encrypted, {VALUES} already under the newest key." in output
    assert stored_tokens() == tokens


def test_an_interrupted_rotation_resumes_where_it_stopped(
    records, use_keys, old_key, new_key, monkeypatch
):
    use_keys(new_key, old_key)
    write = rotation._write
    batches = []

    def power_cut_after_one_batch(*args):
        if batches:
            raise RuntimeError("power cut")
        batches.append(args)
        return write(*args)

    monkeypatch.setattr(rotation, "_write", power_cut_after_one_batch)
    with pytest.raises(RuntimeError, match="power cut"):
        rotate("--batch-size", "1")
    halfway = stored_tokens()
    under_new = [key for key, t in halfway.items() if readable_with(new_key, t)]
    assert len(under_new) == 3  # the first counselee's three fields
    assert snapshot() == records  # both keys still read everything

    monkeypatch.setattr(rotation, "_write", write)
    output = rotate("--batch-size", "1")
    assert f"Done: {VALUES - 3} values re-encrypted, 3 already under the newest key." in output
    use_keys(new_key)
    assert snapshot() == records


def test_a_value_under_an_unknown_key_stops_it_and_is_left_untouched(
    records, dimas, use_keys, old_key, new_key
):
    stranger = Fernet(Fernet.generate_key()).encrypt(b"tertulis dengan kunci lain").decode()
    with connection.cursor() as cursor:
        cursor.execute(
            "UPDATE records_counselee SET background_notes = %s WHERE id = %s",
            [stranger, dimas.counselee.pk],
        )
    use_keys(new_key, old_key)
    with pytest.raises(CommandError, match=r"records\.Counselee\.background_notes") as stopped:
        rotate()
    assert f"primary key {dimas.counselee.pk}" in str(stopped.value)
    tokens = stored_tokens()
    assert tokens["records.Counselee", dimas.counselee.pk, "background_notes"] == stranger
    event = AccessEvent.objects.get(action=AccessEvent.Action.KEY_ROTATED)
    # Siti's row, before Dimas's, was rotated and is counted.
    assert event.object_id == "rotated=3;current=0;stopped"


def test_it_refuses_to_run_with_a_key_that_cannot_read_the_database(records, use_keys):
    tokens = stored_tokens()
    use_keys(Fernet.generate_key())
    with pytest.raises(CommandError, match="FIELD_ENCRYPTION_KEY"):
        rotate()
    assert stored_tokens() == tokens


def test_rotated_values_stay_readable_to_the_application(records, use_keys, old_key, new_key):
    use_keys(new_key, old_key)
    rotate()
    use_keys(new_key)
    counselee = Counselee.objects.get(nis="1001")
    assert counselee.guardian_name == "Ibu Suryani"
    counselee.background_notes = "Sudah lebih tenang."
    counselee.save()
    assert Counselee.objects.get(nis="1001").background_notes == "Sudah lebih tenang."

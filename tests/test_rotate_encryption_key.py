"""`manage.py rotate_encryption_key`: everything the master key encrypts moves to the newest
key; content sealed under counselees' data keys stays as it is, its keys re-wrapped."""

import datetime
from io import StringIO

import pytest
from cryptography.fernet import Fernet, InvalidToken
from django.conf import settings
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection
from django.utils import timezone

from counseling import checks, keys, rotation
from counseling.audit.models import AccessEvent, EmergencyAccess
from counseling.fernet import raw
from counseling.records.models import Counselee
from counseling.retention.models import DataKey

# Under the master key: Siti's and Dimas's data keys, and the canary. Their three fields
# and the emergency access's two are sealed under their data keys.
VALUES = 2 + 1


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
        if model is DataKey:  # wrapped keys, not values: compared through what they open
            continue
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


def master_tokens():
    """The values the master key encrypts itself (not those sealed under data keys)."""
    return {k: t for k, t in stored_tokens().items() if t and not rotation.is_sealed(t)}


def sealed_tokens():
    return {k: t for k, t in stored_tokens().items() if t and rotation.is_sealed(t)}


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


def test_it_re_wraps_the_data_keys_and_leaves_sealed_content_alone(
    records, use_keys, old_key, new_key
):
    sealed = sealed_tokens()
    use_keys(new_key, old_key)
    output = rotate("--batch-size", "1")

    tokens = master_tokens()
    assert len(tokens) == VALUES
    assert all(readable_with(new_key, t) and not readable_with(old_key, t) for t in tokens.values())
    assert sealed_tokens() == sealed
    assert "retention.DataKey: 1/2 rows (50%)" in output
    assert f"Done: {VALUES} values re-encrypted, 0 already under the newest key." in output
    assert set(DataKey.objects.values_list("master_version", flat=True)) == {keys.master_version()}

    use_keys(new_key)  # the old key removed
    keys.clear_cache()
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
        if not args[1]:  # a batch with nothing to write (sealed content)
            return write(*args)
        if batches:
            raise RuntimeError("power cut")
        batches.append(args)
        return write(*args)

    monkeypatch.setattr(rotation, "_write", power_cut_after_one_batch)
    with pytest.raises(RuntimeError, match="power cut"):
        rotate("--batch-size", "1")
    halfway = master_tokens()
    under_new = [key for key, t in halfway.items() if readable_with(new_key, t)]
    assert len(under_new) == 1  # the first data key
    keys.clear_cache()
    assert snapshot() == records  # both keys still read everything

    monkeypatch.setattr(rotation, "_write", write)
    output = rotate("--batch-size", "1")
    assert f"Done: {VALUES - 1} values re-encrypted, 1 already under the newest key." in output
    use_keys(new_key)
    keys.clear_cache()
    assert snapshot() == records


def test_a_value_still_under_the_master_key_is_rotated_too(records, dimas, use_keys, new_key):
    legacy = Fernet(settings.FIELD_ENCRYPTION_KEY[0]).encrypt(b"ditulis sebelum kunci data")
    with connection.cursor() as cursor:
        cursor.execute(
            "UPDATE records_counselee SET background_notes = %s WHERE id = %s",
            [legacy.decode(), dimas.counselee.pk],
        )
    old_key = settings.FIELD_ENCRYPTION_KEY[0]
    use_keys(new_key, old_key)
    output = rotate()
    assert f"Done: {VALUES + 1} values re-encrypted" in output
    use_keys(new_key)
    keys.clear_cache()
    assert Counselee.objects.get(pk=dimas.counselee.pk).background_notes == (
        "ditulis sebelum kunci data"
    )


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
    # Nothing before Dimas's row was under the master key itself.
    assert event.object_id == "rotated=0;current=0;stopped"


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
    keys.clear_cache()
    counselee = Counselee.objects.get(nis="1001")
    assert counselee.guardian_name == "Ibu Suryani"
    counselee.background_notes = "Sudah lebih tenang."
    counselee.save()
    assert Counselee.objects.get(nis="1001").background_notes == "Sudah lebih tenang."


def test_new_data_keys_reseal_every_value_and_destroy_the_old_keys(records, siti):
    old = set(DataKey.objects.values_list("pk", flat=True))
    before = sealed_tokens()
    output = rotate("--new-data-keys")
    assert "Done: 8 values resealed, 2 data keys replaced." in output
    after = sealed_tokens()
    assert after.keys() == before.keys()
    assert all(keys.split(t)[0] not in old for t in after.values())
    assert DataKey.objects.filter(pk__in=old, destroyed_at__isnull=False).count() == 2
    keys.clear_cache()
    assert snapshot() == records
    assert (
        AccessEvent.objects.filter(action=AccessEvent.Action.KEY_ROTATED)
        .filter(object_type="data_keys", object_id="resealed=8;replaced=2")
        .exists()
    )

"""`dumpdata` never writes the plaintext of encrypted fields: it refuses instead."""

import json
from io import StringIO

import pytest
from django.apps import apps
from django.core import serializers
from django.core.management import call_command
from django.core.management.base import CommandError

from counseling.encryption import EncryptedSerializationError, encrypted_field_names
from counseling.records.models import Counselee

PLAINTEXT = ["Ibu Suryani", "0812-1111-2222", "Sering cemas", "Bapak Hendra", "Semarang"]
ENCRYPTED_MODELS = sorted(
    model._meta.label for model in apps.get_models() if encrypted_field_names(model)
)


def test_the_list_of_encrypted_models_is_complete():
    # Every app that stores content about students is here; a new one must be too.
    assert {
        "audit.EmergencyAccess",
        "consent.Disclosure",
        "counseling_sessions.CounselingSession",
        "counseling_sessions.NoteAddendum",
        "counseling_sessions.SessionNote",
        "records.Counselee",
        "records.EncryptionCanary",
    } <= set(ENCRYPTED_MODELS)


def dump(*args):
    out = StringIO()
    call_command("dumpdata", *args, stdout=out)
    return out.getvalue()


@pytest.mark.parametrize(
    "labels",
    [[], ["records"], ["audit"], ["records.Counselee"], ["accounts", "records.counselee"]],
    ids=["everything", "an-app", "another-app", "a-model", "a-lower-case-model"],
)
def test_a_dump_including_encrypted_models_is_refused_before_writing(siti, dimas, labels):
    out = StringIO()
    with pytest.raises(CommandError, match="encrypted fields"):
        call_command("dumpdata", *labels, stdout=out)
    assert out.getvalue() == ""


def test_the_refusal_says_what_to_exclude(siti):
    with pytest.raises(CommandError) as refused:
        dump()
    for label in ENCRYPTED_MODELS:
        assert f"--exclude {label}" in str(refused.value)


def test_a_dump_without_the_encrypted_models_has_no_plaintext(siti, dimas):
    output = dump(*(f"--exclude={label}" for label in ENCRYPTED_MODELS))
    dumped = {row["model"] for row in json.loads(output)}
    assert {"records.caseassignment", "accounts.user"} <= dumped
    assert "records.counselee" not in dumped
    assert not [text for text in PLAINTEXT if text in output]


def test_excluding_a_whole_app_is_honoured(siti):
    output = dump("records", "--exclude", "records.Counselee", "--exclude=records.EncryptionCanary")
    assert {row["model"] for row in json.loads(output)} == {"records.caseassignment"}


@pytest.mark.parametrize("serialization_format", ["json", "xml", "python", "jsonl"])
def test_no_serializer_writes_an_encrypted_field(siti, serialization_format):
    with pytest.raises(EncryptedSerializationError, match=r"records\.Counselee"):
        serializers.serialize(serialization_format, Counselee.objects.all())

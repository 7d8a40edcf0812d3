"""Every model that holds content about a counselee seals it under her data key.

The walk runs over every installed model, so a model added later with a master-key
field is caught here: convert its field with one line, e.g.
``EncryptedTextField(_("isi"))`` -> ``CounseleeEncryptedTextField(_("isi"),
counselee_path="conversation__counselee")``.
"""

from django.apps import apps
from django.core.management import call_command

from counseling import encryption, keys
from counseling.fernet import raw
from counseling.retention import erasure
from counseling.retention.models import DataKey
from tests.conftest import sealed

# Encrypted fields that are about no counselee: they stay under the master key.
MASTER_KEY_FIELDS = {
    "records.EncryptionCanary.value",
    "accounts.AuthenticatorDevice.key",  # a staff member's second factor
}


def test_every_encrypted_field_outside_the_short_list_is_sealed_under_a_counselee_key():
    unsealed = {
        f"{model._meta.label}.{field.name}"
        for model in apps.get_models()
        for field in model._meta.concrete_fields
        if isinstance(field, encryption.StrictEncryptedMixin)
        and not isinstance(field, encryption.CounseleeEncryptedMixin)
    }
    assert unsealed <= MASTER_KEY_FIELDS, "seal these under the counselee's key"


def test_each_sealed_model_names_a_path_to_a_counselee():
    for model, path, _names in erasure.sealed_models():
        if path == "self":
            assert model._meta.label == "records.Counselee"
            continue
        target = model
        for part in path.split("__"):
            target = target._meta.get_field(part).related_model
        assert target._meta.label == "records.Counselee", model._meta.label


def test_every_stored_value_is_under_the_key_of_the_counselee_it_is_about(db, settings):
    # The demo school writes a row of every content model (notes, disclosures, topics,
    # messages, referrals, crisis requests and safety plans, guardians, holds).
    settings.DEBUG = True
    call_command("seed_demo", password="sandi-demo-uji")
    # And the two it leaves out: a counselor's draft reply and a safety plan.
    from counseling.accounts.models import User
    from counseling.crisis import services as crisis_services
    from counseling.messaging import services as messaging
    from counseling.messaging.models import Conversation

    konselor1 = User.objects.get(username="konselor1")
    conversation = Conversation.objects.filter(counselor=konselor1).first()
    messaging.save_draft(conversation, by=konselor1, body="Draf balasan.")
    crisis_services.save_safety_plan(
        conversation.counselee, by=konselor1, what_helps="Menelepon kakak."
    )
    owners = dict(DataKey.objects.values_list("pk", "counselee_uid"))
    checked = set()
    for model, path, names in erasure.sealed_models():
        uid = "public_id" if path == "self" else f"{path}__public_id"
        tokens = {f"t_{n}": raw(n) for n in names}
        for uid_value, *stored in model._base_manager.annotate(**tokens).values_list(uid, *tokens):
            for name, token in zip(names, stored, strict=True):
                assert sealed(token), f"{model._meta.label}.{name}"
                assert owners[keys.split(token)[0]] == uid_value, f"{model._meta.label}.{name}"
                checked.add(model._meta.label)
    assert {m._meta.label for m, _p, _n in erasure.sealed_models()} <= checked

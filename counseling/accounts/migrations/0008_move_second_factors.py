"""Move existing second factors out of django-otp's plaintext tables.

Each TOTP device is copied into AuthenticatorDevice, whose seed column is encrypted, and
each recovery code into RecoveryCode as a SHA-256 hash; django-otp's rows are then
deleted, so the seeds and codes are no longer in the database in plaintext (PostgreSQL
keeps dead row versions until VACUUM: run `VACUUM FULL otp_totp_totpdevice,
otp_static_statictoken` afterwards). People sign in with the same authenticator app and
the same codes; a session verified before the move asks for a code once more.
"""

import hashlib

from django.db import migrations

DEVICE_FIELDS = (
    "user_id",
    "name",
    "confirmed",
    "throttling_failure_timestamp",
    "throttling_failure_count",
    "last_used_at",
)
TOTP_FIELDS = ("key", "step", "t0", "digits", "tolerance", "drift", "last_t")


def hash_code(token):
    # As counseling.accounts.second_factor.hash_code hashes a typed code.
    return hashlib.sha256("".join(token.split()).replace("-", "").lower().encode()).hexdigest()


def copy(old, new_model, fields):
    new = new_model.objects.create(**{name: getattr(old, name) for name in fields})
    # created_at is auto_now_add: keep the original date.
    new_model.objects.filter(pk=new.pk).update(created_at=old.created_at)
    return new


def forwards(apps, schema_editor):
    OldTOTP = apps.get_model("otp_totp", "TOTPDevice")
    OldStatic = apps.get_model("otp_static", "StaticDevice")
    OldToken = apps.get_model("otp_static", "StaticToken")
    Authenticator = apps.get_model("accounts", "AuthenticatorDevice")
    Recovery = apps.get_model("accounts", "RecoveryCodeDevice")
    Code = apps.get_model("accounts", "RecoveryCode")

    for old in OldTOTP.objects.order_by("pk"):
        copy(old, Authenticator, DEVICE_FIELDS + TOTP_FIELDS)
    for old in OldStatic.objects.order_by("pk"):
        device = copy(old, Recovery, DEVICE_FIELDS)
        tokens = OldToken.objects.filter(device=old).values_list("token", flat=True)
        Code.objects.bulk_create(Code(device=device, code_hash=hash_code(t)) for t in tokens)
    OldToken.objects.all().delete()
    OldStatic.objects.all().delete()
    OldTOTP.objects.all().delete()


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0007_second_factor_devices"),
        ("otp_totp", "0003_add_timestamps"),
        ("otp_static", "0003_add_timestamps"),
    ]

    # Irreversible in substance: the plaintext codes are gone, only their hashes remain.
    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]

"""Second factors whose secrets are not readable in the database or in its backups.

django-otp's own devices keep the TOTP seed and the recovery codes in plaintext, so a
database dump would let anyone produce a counselor's codes. Amanah's devices keep the
seed encrypted (counseling.encryption, under FIELD_ENCRYPTION_KEY) and only a SHA-256
hash of each recovery code. They are ordinary django-otp devices: `match_token`, the
OTP middleware and `otp_login` find them, and the TOTP device verifies with django-otp's
own code (its `verify_token`, throttling and key URI), unchanged.

Recovery codes carry 80 random bits, so their unsalted hashes cannot be searched
through; codes moved from django-otp (40 bits) work until the user enrols again.
"""

import hashlib
import secrets
from base64 import b32encode

from django.db import models, transaction
from django_otp.models import Device, DeviceManager, ThrottlingMixin, TimestampMixin
from django_otp.plugins.otp_static import models as otp_static
from django_otp.plugins.otp_totp import models as otp_totp

from counseling.encryption import EncryptedCharField, EncryptedFieldsQuerySet

RECOVERY_CODE_BYTES = 10


class _EncryptedDeviceManager(DeviceManager.from_queryset(EncryptedFieldsQuerySet)):
    """django-otp's device manager (`devices_for_user`), refusing queries on the seed."""


class AuthenticatorDevice(TimestampMixin, ThrottlingMixin, Device):
    """A TOTP authenticator app, its seed encrypted at rest.

    The fields are django-otp's TOTPDevice's; only `key` (40 hex digits of seed) is an
    encrypted field instead of a plain one.
    """

    key = EncryptedCharField(max_length=80, default=otp_totp.default_key)
    step = models.PositiveSmallIntegerField(default=30)
    t0 = models.BigIntegerField(default=0)
    digits = models.PositiveSmallIntegerField(choices=[(6, 6), (8, 8)], default=6)
    tolerance = models.PositiveSmallIntegerField(default=1)
    drift = models.SmallIntegerField(default=0)
    last_t = models.BigIntegerField(default=-1)

    objects = _EncryptedDeviceManager()

    class Meta(Device.Meta):
        verbose_name = "TOTP device"

    # django-otp's verification and configuration, unchanged: they read `self.key`
    # through `bin_key`, which the encrypted field has already decrypted.
    bin_key = otp_totp.TOTPDevice.bin_key
    verify_token = otp_totp.TOTPDevice.verify_token
    get_throttle_factor = otp_totp.TOTPDevice.get_throttle_factor
    config_url = otp_totp.TOTPDevice.config_url
    _read_str_from_settings = otp_totp.TOTPDevice._read_str_from_settings


def normalise_code(token: str) -> str:
    """A recovery code as typed (any case, spaces, dashes) in its canonical form."""
    return "".join(token.split()).replace("-", "").lower()


def hash_code(token: str) -> str:
    return hashlib.sha256(normalise_code(token).encode()).hexdigest()


def new_code() -> str:
    """A fresh recovery code of 80 random bits, shown as four groups: abcd-efgh-ijkl-mnop."""
    text = b32encode(secrets.token_bytes(RECOVERY_CODE_BYTES)).decode().lower()
    return "-".join(text[i : i + 4] for i in range(0, len(text), 4))


class RecoveryCodeDevice(TimestampMixin, ThrottlingMixin, Device):
    """One-time recovery codes, stored as hashes; a code is deleted when used."""

    class Meta(Device.Meta):
        verbose_name = "recovery code device"

    get_throttle_factor = otp_static.StaticDevice.get_throttle_factor

    def issue(self, count: int) -> list[str]:
        """Replace this device's codes with `count` new ones and return them, once."""
        codes = [new_code() for _ in range(count)]
        with transaction.atomic():
            self.codes.all().delete()
            RecoveryCode.objects.bulk_create(
                RecoveryCode(device=self, code_hash=hash_code(code)) for code in codes
            )
        return codes

    def verify_token(self, token) -> bool:
        allowed, _ = self.verify_is_allowed()
        if not allowed:
            return False
        # One conditional delete: two requests with the same code cannot both succeed.
        used, _ = RecoveryCode.objects.filter(device=self, code_hash=hash_code(str(token))).delete()
        if used:
            self.throttle_reset(commit=False)
            self.set_last_used_timestamp(commit=False)
            self.save()
        else:
            self.throttle_increment()
        return bool(used)


class RecoveryCode(models.Model):
    """A SHA-256 hash of one unused recovery code: never the code itself."""

    device = models.ForeignKey(RecoveryCodeDevice, on_delete=models.CASCADE, related_name="codes")
    code_hash = models.CharField(max_length=64, db_index=True)

    def __str__(self):
        return f"#{self.pk}"

"""The configured Fernet keys at their lowest level: encrypt, decrypt, and read a stored
token without decrypting it. The encrypted fields (`counseling.encryption`) and the key
canary (`counseling.keycheck`) both stand on this."""

from django.db import models
from django.db.models.functions import Cast
from encrypted_model_fields import fields as package


def decrypt(token: str) -> str:
    # The package's module-level crypter is read at call time, so tests can swap it.
    return package.CRYPTER.decrypt(token.encode()).decode()


def encrypt(text: str) -> str:
    return package.CRYPTER.encrypt(text.encode()).decode()


def raw(field_name: str) -> Cast:
    """An expression reading an encrypted column's stored token, without decrypting it.

    `.annotate(token=raw("guardian_name")).values_list("token")` bypasses the field's
    `from_db_value`, so a token under an unknown key can be inspected instead of raising.
    """
    return Cast(field_name, models.TextField())


def encrypted_columns(model: type[models.Model]) -> list[str]:
    """The names of `model`'s encrypted columns (any field of the package's family)."""
    return [f.name for f in model._meta.concrete_fields if isinstance(f, package.EncryptedMixin)]

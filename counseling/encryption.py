"""Field-level encryption that fails closed, wrapping django-encrypted-model-fields.

The package, left to itself, fails open in two ways (measured): a token it cannot decrypt
comes back as if it were the text, and saving that object encrypts the token again, which
destroys the value; and lookups on an encrypted column silently match nothing. The fields
here raise instead. Always use these, never the package's fields directly.
"""

from cryptography.fernet import InvalidToken
from django.core.exceptions import FieldError
from django.db import models
from encrypted_model_fields import fields as package


class UndecryptableValue(Exception):
    """A stored value cannot be decrypted with any key in FIELD_ENCRYPTION_KEY."""


class EncryptedLookupError(FieldError):
    """A query tried to filter or order on an encrypted column, which cannot match."""


def decrypt(token: str) -> str:
    # The package's module-level crypter is read at call time, so tests can swap it.
    return package.CRYPTER.decrypt(token.encode()).decode()


def encrypt(text: str) -> str:
    return package.CRYPTER.encrypt(text.encode()).decode()


class StrictEncryptedMixin:
    """Decrypt strictly on the way out of the database; refuse lookups."""

    def from_db_value(self, value, expression, connection):
        if value is None:
            return None
        try:
            return decrypt(value)
        except InvalidToken:
            raise UndecryptableValue(
                f"{self.model._meta.label}.{self.name} cannot be decrypted: "
                "FIELD_ENCRYPTION_KEY is wrong or lacks the key this value was written with."
            ) from None

    def to_python(self, value):
        # Values reaching to_python come from forms and fixtures and are plaintext; the
        # package would try to decrypt them and fall back silently. Skip that step.
        return super(package.EncryptedMixin, self).to_python(value)

    def get_lookup(self, lookup_name):
        if lookup_name == "isnull":
            return super().get_lookup(lookup_name)
        raise EncryptedLookupError(
            f"{self.model._meta.label}.{self.name} is encrypted; "
            f"the lookup '{lookup_name}' cannot match anything."
        )


class EncryptedCharField(StrictEncryptedMixin, package.EncryptedCharField):
    pass


class EncryptedTextField(StrictEncryptedMixin, package.EncryptedTextField):
    pass


def encrypted_field_names(model: type[models.Model]) -> list[str]:
    return [f.name for f in model._meta.concrete_fields if isinstance(f, StrictEncryptedMixin)]

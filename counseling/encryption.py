"""Field-level encryption that fails closed, wrapping django-encrypted-model-fields.

The package, left to itself, fails open in two ways (measured): a token it cannot decrypt
comes back as if it were the text, and saving that object encrypts the token again, which
destroys the value; and lookups on an encrypted column silently match nothing. The fields
here raise instead. Always use these, never the package's fields directly.
"""

from typing import TypeVar

from cryptography.fernet import InvalidToken
from django.core.exceptions import FieldDoesNotExist, FieldError
from django.db import models
from django.db.models import F, OrderBy
from django.db.models.constants import LOOKUP_SEP
from encrypted_model_fields import fields as package

from counseling import keycheck, keys


class UndecryptableValue(Exception):
    """A stored value cannot be decrypted with any key in FIELD_ENCRYPTION_KEY."""


class EncryptedLookupError(FieldError):
    """A query tried to filter or order on an encrypted column, which cannot match."""


class EncryptedSerializationError(Exception):
    """A serializer (dumpdata, an export) tried to write an encrypted field in plaintext."""


class StrictEncryptedMixin:
    """Decrypt strictly on the way out of the database; refuse lookups and serialization.

    Writing is refused too while the configured key cannot read the encryption canary
    (see `counseling.keycheck`): a value written with a wrong key would be lost.
    """

    def from_db_value(self, value, expression, connection):
        if value is None:
            return None
        try:
            # A value sealed under a counselee's data key opens too: the historical models
            # of data migrations still name this field class for converted columns.
            return keys.open_token(value, connection.alias)
        except (InvalidToken, keys.DataKeyError):
            raise UndecryptableValue(
                f"{self.model._meta.label}.{self.name} cannot be decrypted: "
                "FIELD_ENCRYPTION_KEY is wrong or lacks the key this value was written with."
            ) from None

    def to_python(self, value):
        # Values reaching to_python come from forms and fixtures and are plaintext; the
        # package would try to decrypt them and fall back silently. Skip that step.
        return super(package.EncryptedMixin, self).to_python(value)

    def get_db_prep_save(self, value, connection):
        keycheck.refuse_unless_key_reads_back(connection.alias)
        return super().get_db_prep_save(value, connection)

    def value_to_string(self, obj):
        # Django's serializers (dumpdata among them) call this for every non-null value:
        # the decrypted text must never reach a dump.
        raise EncryptedSerializationError(
            f"{self.model._meta.label}.{self.name} is encrypted and is never serialized."
        )

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


class UnsealedWriteError(Exception):
    """A value reached a counselee-key column without being sealed by `pre_save`.

    `QuerySet.update()`, `bulk_update()` and fixtures (raw saves) skip `pre_save`, so they
    cannot know whose key to use: they are refused rather than written under no key.
    """


class ErasedValueError(Exception):
    """An erased value (its data key destroyed) was about to be saved as if it were text."""


class CounseleeEncryptedMixin(StrictEncryptedMixin):
    """Seal the value under the data key of the counselee the row is about.

    `counselee_path` names her from the instance, as a query path would
    (``"session__counselee"``; ``"self"`` on `Counselee`). Every guarantee of the strict
    fields holds: a bad token raises, lookups and ordering refuse, dumps refuse, and the
    write is refused while the master key cannot read the canary. A value whose key was
    destroyed reads as `counseling.keys.ERASED`, a marker, and cannot be saved back.
    """

    def __init__(self, *args, counselee_path: str, **kwargs):
        self.counselee_path = counselee_path
        super().__init__(*args, **kwargs)

    def deconstruct(self):
        name, path, args, kwargs = super().deconstruct()
        kwargs["counselee_path"] = self.counselee_path
        return name, path, args, kwargs

    def pre_save(self, model_instance, add):
        value = getattr(model_instance, self.attname)
        if value is None:
            return None
        if isinstance(value, keys.ErasedText):
            raise ErasedValueError(
                f"{self.model._meta.label}.{self.name} was erased; it cannot be saved."
            )
        using = model_instance._state.db or "default"
        keycheck.refuse_unless_key_reads_back(using)
        key_id, fernet = keys.key_for(model_instance, self.counselee_path, using)
        return keys.seal(fernet, key_id, str(value))

    def get_db_prep_save(self, value, connection):
        if value is None or isinstance(value, keys.Sealed):
            return value
        raise UnsealedWriteError(
            f"{self.model._meta.label}.{self.name} is sealed under its counselee's key: "
            "write it with save() or bulk_create(), never update() or bulk_update()."
        )

    def from_db_value(self, value, expression, connection):
        if value is None:
            return None
        try:
            return keys.open_token(value, connection.alias)
        except (InvalidToken, keys.DataKeyError):
            raise UndecryptableValue(
                f"{self.model._meta.label}.{self.name} cannot be decrypted: its data key is "
                "unknown, or FIELD_ENCRYPTION_KEY lacks the master key that wrapped it."
            ) from None


class CounseleeEncryptedCharField(CounseleeEncryptedMixin, package.EncryptedCharField):
    pass


class CounseleeEncryptedTextField(CounseleeEncryptedMixin, package.EncryptedTextField):
    pass


def counselee_key_fields(model: type[models.Model]) -> list["CounseleeEncryptedMixin"]:
    """The fields of `model` sealed under a counselee's data key."""
    return [f for f in model._meta.concrete_fields if isinstance(f, CounseleeEncryptedMixin)]


def encrypted_paths(model, prefix: str) -> list[str]:
    """`prefix__field` for each encrypted field of a related model, for `.defer()`:
    pages that show metadata need not decrypt (or be able to decrypt) the content."""
    return [f"{prefix}__{name}" for name in encrypted_field_names(model)]


def encrypted_field_names(model: type[models.Model]) -> list[str]:
    return [f.name for f in model._meta.concrete_fields if isinstance(f, StrictEncryptedMixin)]


def encrypted_field_at(model: type[models.Model], path: str):
    """The encrypted field that a query path such as `counselee__guardian_name` ends on.

    A trailing lookup (`guardian_name__icontains`) still counts. Returns None for any
    other path, including names Django will reject by itself.
    """
    field = None
    for part in path.split(LOOKUP_SEP):
        if isinstance(field, StrictEncryptedMixin):
            return field
        if model is None:
            return None
        try:
            field = model._meta.get_field(part)
        except FieldDoesNotExist:
            return None
        model = field.related_model
    return field if isinstance(field, StrictEncryptedMixin) else None


_M = TypeVar("_M", bound=models.Model)


class EncryptedFieldsQuerySet(models.QuerySet[_M]):
    """The queryset of every model with encrypted fields: ordering on them raises.

    The database sorts ciphertext, which is random: the order would look plausible and
    be meaningless. Lookups are refused by the fields themselves (`get_lookup`).
    """

    def order_by(self, *field_names):
        for name in field_names:
            if isinstance(name, OrderBy):
                name = name.expression
            if isinstance(name, F):
                name = name.name
            if isinstance(name, str):
                field = encrypted_field_at(self.model, name.lstrip("-?"))
                if field is not None:
                    raise EncryptedLookupError(
                        f"{field.model._meta.label}.{field.name} is encrypted; "
                        "ordering by it would sort ciphertext."
                    )
        return super().order_by(*field_names)

"""Is FIELD_ENCRYPTION_KEY the key this database was written with? The encryption canary.

When the database is first migrated, a known text is stored encrypted in
`records.EncryptionCanary`. Decrypting it tells a wrong key from a right one before any
harm is done: the system check `amanah.E020` stops `manage.py`, gunicorn and the Celery
worker, and the encrypted fields refuse to write (`refuse_unless_key_reads_back`) in any
process that got past the checks, because a value written with a wrong key is lost.
"""

from cryptography.fernet import InvalidToken
from django.apps import apps
from django.db import DEFAULT_DB_ALIAS, connections
from encrypted_model_fields import fields as package

from counseling import fernet, keys

CANARY_TEXT = "amanah-encryption-canary"
CANARY_PK = 1


class WrongEncryptionKey(Exception):
    """FIELD_ENCRYPTION_KEY cannot read what this database holds; nothing may be written."""


# Database alias -> the crypter object that read the canary there. Keyed on the object so
# that swapping `package.CRYPTER` (as tests do) is never mistaken for a verified key.
_verified: dict[str, object] = {}


def reset_verification() -> None:
    """Forget which keys were verified, so the next write reads the canary again."""
    _verified.clear()


def _canary_model():
    return apps.get_model("records", "EncryptionCanary")


def _table_exists(model, using) -> bool:
    connection = connections[using]
    with connection.cursor() as cursor:
        return model._meta.db_table in connection.introspection.table_names(cursor)


def canary_table_exists(using: str = DEFAULT_DB_ALIAS) -> bool:
    return _table_exists(_canary_model(), using)


def _canary_token(using) -> str | None:
    canary = _canary_model()._base_manager.using(using).filter(pk=CANARY_PK)
    return canary.annotate(token=fernet.raw("value")).values_list("token", flat=True).first()


def _readable(token: str, using: str = DEFAULT_DB_ALIAS) -> bool:
    """Whether the configured master key opens `token`, directly or through the data key
    of the counselee it is sealed under."""
    try:
        keys.open_token(token, using, fresh=True)
    except (InvalidToken, keys.DataKeyError):
        return False
    return True


def _first_unwrappable_data_key(using) -> str | None:
    """The newest counselee data key, unwrapped: the canary proves the master key read the
    canary, this that it also reads what the content is sealed under."""
    model = apps.get_model("retention", "DataKey")
    if not _table_exists(model, using):
        return None
    wrapped = (
        model._base_manager.using(using)
        .filter(destroyed_at__isnull=True)
        .order_by("-pk")
        .values_list("wrapped", flat=True)
        .first()
    )
    if wrapped is None:
        return None
    try:
        keys.unwrap(wrapped)
    except keys.DataKeyError:
        return "FIELD_ENCRYPTION_KEY cannot unwrap the counselees' data keys."
    return None


def _columns(model, using) -> set[str]:
    connection = connections[using]
    with connection.cursor() as cursor:
        table = model._meta.db_table
        return {c.name for c in connection.introspection.get_table_description(cursor, table)}


def _first_unreadable_sample(using) -> str | None:
    """Without a canary, decrypt one stored value per encrypted column; name the first failure.

    Only columns that exist are read: a migration adding an encrypted field asks this
    before its column is there.
    """
    for model in apps.get_models():
        names = fernet.encrypted_columns(model)
        if not names or model is _canary_model() or not _table_exists(model, using):
            continue
        columns = _columns(model, using)
        for name in names:
            if model._meta.get_field(name).column not in columns:
                continue
            rows = model._base_manager.using(using).filter(**{f"{name}__isnull": False})
            token = rows.annotate(token=fernet.raw(name)).values_list("token", flat=True)[:1]
            if token and not _readable(token[0], using):
                return f"{model._meta.label}.{name}"
    return None


def diagnose(using: str = DEFAULT_DB_ALIAS) -> tuple[str | None, bool]:
    """(problem, canary_read): why the current key cannot read this database, or None.

    A database that is not migrated yet has nothing to read, so it has no problem. Without
    a canary row (an older database, or one just flushed) a sample of the stored values
    stands in for it; `canary_read` is True only when the canary itself was decrypted.
    """
    canary = _canary_model()
    if not _table_exists(canary, using):
        return None, False
    token = _canary_token(using)
    if token is None:
        sample = _first_unreadable_sample(using)
        if sample:
            return f"FIELD_ENCRYPTION_KEY cannot decrypt the stored values of {sample}.", False
        return None, False
    if not _readable(token, using) or fernet.decrypt(token) != CANARY_TEXT:
        return (
            "FIELD_ENCRYPTION_KEY cannot decrypt the encryption canary: it is not the key "
            "this database was written with, or it lacks that key.",
            False,
        )
    problem = _first_unwrappable_data_key(using)
    if problem:
        return problem, False
    return None, True


def refuse_unless_key_reads_back(using: str = DEFAULT_DB_ALIAS) -> None:
    """Raise `WrongEncryptionKey` unless the current key reads this database back.

    Called before every encrypted write; the canary is read once per process and key.
    """
    crypter = package.CRYPTER
    if _verified.get(using) is crypter:
        return
    problem, canary_read = diagnose(using)
    if problem:
        raise WrongEncryptionKey(f"Refusing to write encrypted data. {problem}")
    if canary_read:
        _verified[using] = crypter


def ensure_canary(using: str = DEFAULT_DB_ALIAS) -> None:
    """Create the canary, under the current key, if the database has none yet.

    Run after every `migrate` (and `flush`). On a database that already holds encrypted
    values the current key must read them first, or the canary would bless a wrong key.
    """
    canary = _canary_model()
    if not _table_exists(canary, using) or _canary_token(using) is not None:
        return
    problem, _ = diagnose(using)
    if problem:
        raise WrongEncryptionKey(f"Refusing to create the encryption canary. {problem}")
    canary._base_manager.using(using).create(pk=CANARY_PK, value=CANARY_TEXT)

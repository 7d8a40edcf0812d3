"""Envelope encryption: one data key per counselee, wrapped by the master key.

Everything written about a counselee is sealed under her own Fernet data key
(`retention.DataKey`), and only that key is encrypted under the master key(s) of
`FIELD_ENCRYPTION_KEY`. Two things follow. Rotating the master key re-wraps one short
key per counselee instead of re-encrypting every note. And destroying one counselee's
data key erases her content everywhere at once, backups included (crypto-shredding).

A sealed value is stored as ``k<data key id>$<Fernet token>``. A value without the
prefix is in the older form, under the master key itself (`migrate_to_data_keys` moves
it); the column value ``ERASED_TOKEN`` is what erasure leaves behind.

Unwrapped keys are cached per process, by id. A cached key is only ever a shortcut: a
token it cannot open makes the reader fetch the key again before it gives up, so a key
cached from a transaction that rolled back can never stand in for the real one.
"""

import hashlib
from typing import Any

from cryptography.fernet import Fernet, InvalidToken
from django.apps import apps
from django.db import DEFAULT_DB_ALIAS, IntegrityError, transaction
from django.db.models import Model
from django.db.models.constants import LOOKUP_SEP
from django.utils import timezone
from encrypted_model_fields import fields as package

PREFIX = "k"
SEPARATOR = "$"
# What an erased value's column holds: no key, no ciphertext, read as `ERASED`.
ERASED_TOKEN = "erased"  # noqa: S105 - a marker, not a secret
_CACHE_LIMIT = 50_000


class Sealed(str):
    """A token sealed under a counselee's data key, ready to be stored as it is."""


class ErasedText(str):
    """What a field reads when its counselee's data key was destroyed: a marker, never
    ciphertext and never plaintext. Saving it is refused."""


ERASED = ErasedText("[dihapus]")


class DataKeyError(Exception):
    """A data key cannot be used: unknown, or unreadable with the master key."""


class CounseleeErased(Exception):
    """Content about an erased counselee cannot be written: her key no longer exists."""


def _data_keys():
    return apps.get_model("retention", "DataKey")


def master_version(crypter=None) -> str:
    """A fingerprint (never the key) of the newest master key: which key wrapped a row."""
    newest = (crypter or package.CRYPTER)._fernets[0]
    material = b"amanah-master-key:" + newest._signing_key + newest._encryption_key
    return hashlib.sha256(material).hexdigest()[:16]


def wrap(raw_key: bytes) -> str:
    return package.CRYPTER.encrypt(raw_key).decode()


def unwrap(wrapped: str) -> Fernet:
    try:
        return Fernet(package.CRYPTER.decrypt(wrapped.encode()))
    except InvalidToken:
        raise DataKeyError(
            "A counselee data key cannot be unwrapped: FIELD_ENCRYPTION_KEY lacks the "
            "master key it was wrapped with."
        ) from None


# data key id -> (wrapped token, unwrapped key).
_cache: dict[int, tuple[str, Fernet]] = {}


def clear_cache() -> None:
    _cache.clear()


def _remember(key_id: int, wrapped: str, fernet: Fernet) -> None:
    if len(_cache) >= _CACHE_LIMIT:
        _cache.clear()
    _cache[key_id] = (wrapped, fernet)


def _fetch(key_id: int, using: str) -> Fernet | None:
    """The unwrapped key `key_id`, or None if it was destroyed. Raises if unknown."""
    row = (
        _data_keys()
        ._base_manager.using(using)
        .filter(pk=key_id)
        .values_list("wrapped", "destroyed_at")
        .first()
    )
    if row is None:
        raise DataKeyError(f"Data key #{key_id} does not exist.")
    wrapped, destroyed_at = row
    if destroyed_at is not None:
        _cache.pop(key_id, None)
        return None
    cached = _cache.get(key_id)
    if cached is not None and cached[0] == wrapped:
        return cached[1]
    fernet = unwrap(wrapped)
    _remember(key_id, wrapped, fernet)
    return fernet


def split(token: str) -> tuple[int | None, str]:
    """(data key id, Fernet token); the id is None for a value under the master key."""
    if token.startswith(PREFIX):
        head, _, body = token[len(PREFIX) :].partition(SEPARATOR)
        if head.isdigit() and body:
            return int(head), body
    return None, token


def open_token(token: str, using: str = DEFAULT_DB_ALIAS, *, fresh: bool = False) -> str:
    """The plaintext of a stored token, `ERASED` if its key was destroyed.

    Raises `InvalidToken` when no key opens it, `DataKeyError` when its key is unknown.
    `fresh` unwraps the data key again instead of using the cache: the key checks ask
    whether the configured master key can read the token, not whether it once did.
    """
    if token == ERASED_TOKEN:
        return ERASED
    key_id, body = split(token)
    if key_id is None:
        return package.CRYPTER.decrypt(body.encode()).decode()
    if fresh:
        _cache.pop(key_id, None)
    cached = _cache.get(key_id)
    if cached is not None:
        try:
            return cached[1].decrypt(body.encode()).decode()
        except InvalidToken:
            _cache.pop(key_id, None)
    fernet = _fetch(key_id, using)
    if fernet is None:
        return ERASED
    return fernet.decrypt(body.encode()).decode()


def counselee_at(instance: Model, path: str):
    """The counselee an instance is about, following `path` (``"self"`` for a Counselee)."""
    obj: Any = instance
    if path != "self":
        for part in path.split(LOOKUP_SEP):
            obj = getattr(obj, part)
            if obj is None:
                raise DataKeyError(
                    f"{instance._meta.label} has no counselee at '{path}'; "
                    "its content cannot be sealed."
                )
    return obj


def current_key(counselee_uid, using: str = DEFAULT_DB_ALIAS) -> tuple[int, Fernet]:
    keys = _data_keys()._base_manager.using(using)
    row = (
        keys.filter(counselee_uid=counselee_uid, retired_at__isnull=True, destroyed_at__isnull=True)
        .values_list("pk", "wrapped")
        .first()
    )
    if row is not None:
        key_id, wrapped = row
        cached = _cache.get(key_id)
        if cached is not None and cached[0] == wrapped:
            return key_id, cached[1]
        fernet = unwrap(wrapped)
        _remember(key_id, wrapped, fernet)
        return key_id, fernet
    if keys.filter(counselee_uid=counselee_uid, destroyed_at__isnull=False).exists():
        raise CounseleeErased("This counselee was erased; nothing more is written about her.")
    return create_key(counselee_uid, using)


def create_key(counselee_uid, using: str = DEFAULT_DB_ALIAS) -> tuple[int, Fernet]:
    """A new current data key for the counselee (or the one a concurrent writer made)."""
    raw = Fernet.generate_key()
    try:
        with transaction.atomic(using=using):
            row = (
                _data_keys()
                ._base_manager.using(using)
                .create(
                    counselee_uid=counselee_uid, wrapped=wrap(raw), master_version=master_version()
                )
            )
    except IntegrityError:
        return current_key(counselee_uid, using)
    return row.pk, Fernet(raw)


def key_for(instance: Model, path: str, using: str) -> tuple[int, Fernet]:
    """The current data key of the counselee `instance` is about, once per instance."""
    counselee = counselee_at(instance, path)
    memo = instance.__dict__.setdefault("_amanah_data_keys", {})
    uid = counselee.public_id
    if uid not in memo:
        memo[uid] = current_key(uid, using)
    return memo[uid]


def seal(fernet: Fernet, key_id: int, text: str) -> Sealed:
    return Sealed(f"{PREFIX}{key_id}{SEPARATOR}{fernet.encrypt(text.encode()).decode()}")


def retire_current(counselee_uid, using: str = DEFAULT_DB_ALIAS) -> None:
    """Stop sealing new values under her current key (rotation to a new data key)."""
    _data_keys()._base_manager.using(using).filter(
        counselee_uid=counselee_uid, retired_at__isnull=True, destroyed_at__isnull=True
    ).update(retired_at=timezone.now())


def destroy(counselee_uid, using: str = DEFAULT_DB_ALIAS) -> int:
    """Destroy every data key of the counselee. Irreversible: her content is gone."""
    keys = (
        _data_keys()
        ._base_manager.using(using)
        .filter(counselee_uid=counselee_uid, destroyed_at__isnull=True)
    )
    ids = list(keys.values_list("pk", flat=True))
    destroyed = keys.update(wrapped="", destroyed_at=timezone.now())
    for key_id in ids:
        _cache.pop(key_id, None)
    return destroyed

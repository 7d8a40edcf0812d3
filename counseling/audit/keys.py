"""The access log's keys: AUDIT_HMAC_KEY, several for rotation, each named by a version.

`AUDIT_HMAC_KEY` lists one key or several, comma-separated, newest first (like
FIELD_ENCRYPTION_KEY): the newest chains new entries and signs checkpoints, and every
key listed still verifies what it chained. Each entry and checkpoint records the version
of the key that chained or signed it, so verification picks the right key for each.

A key's version is a fingerprint derived from the key itself (an HMAC of a fixed text),
not its position in the list: the list can grow at the front, be reordered or lose a key
that chained nothing still kept, and every version keeps naming the same key. The
fingerprint tells a wrong key apart from a tampered entry: an entry whose version no
listed key has was chained with a key the server lacks; an entry whose version matches
but whose HMAC does not was altered. Sixteen hex digits reveal nothing of a key of 50
random characters.

Entries written before key versions existed carry the empty version, `LEGACY`; they were
chained with the only key there was then, which stays the oldest one listed.
"""

import functools
import hashlib
import hmac
from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

LEGACY = ""
_VERSION_TEXT = b"amanah audit key version"


class WrongAuditKey(Exception):
    """AUDIT_HMAC_KEY lacks the key that chained the log: nothing may be appended."""


def version_of(key: bytes) -> str:
    return hmac.new(key, _VERSION_TEXT, hashlib.sha256).hexdigest()[:16]


@dataclass(frozen=True)
class Keyring:
    """The configured keys, newest first, and the version naming each."""

    keys: tuple[bytes, ...]

    @functools.cached_property
    def _by_version(self) -> dict[str, bytes]:
        return {version_of(key): key for key in self.keys}

    @property
    def newest(self) -> tuple[str, bytes]:
        """(version, key) that chains new entries and signs checkpoints."""
        if not self.keys:
            raise ImproperlyConfigured("AUDIT_HMAC_KEY is not set.")
        return version_of(self.keys[0]), self.keys[0]

    @property
    def versions(self) -> list[str]:
        return list(self._by_version)

    def key_for(self, version: str) -> bytes | None:
        """The key of `version`, or None when AUDIT_HMAC_KEY does not list it."""
        if version == LEGACY:
            return self.keys[-1] if self.keys else None
        return self._by_version.get(version)

    def knows(self, version: str) -> bool:
        return self.key_for(version) is not None


def configured() -> list[str]:
    """AUDIT_HMAC_KEY as a list (a plain string, as a test may set it, is split too)."""
    value = settings.AUDIT_HMAC_KEY
    if isinstance(value, str):
        value = value.split(",")
    return [key.strip() for key in value if key.strip()]


@functools.lru_cache(maxsize=8)
def _keyring(keys: tuple[str, ...]) -> Keyring:
    return Keyring(tuple(key.encode() for key in keys))


def keyring() -> Keyring:
    return _keyring(tuple(configured()))

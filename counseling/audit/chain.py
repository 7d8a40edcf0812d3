"""The hash chain over the access log: how an entry is hashed and how the chain is checked.

Each entry's HMAC is computed with the key its `key_version` names (`counseling.audit.keys`);
the version itself is not hashed: it only says which key to try, and a wrong one can only
make an entry fail to verify, never pass.
"""

import hmac
import json
from collections.abc import Iterator
from dataclasses import dataclass

from counseling.audit import keys

GENESIS = "0" * 64

# The fields an entry's hash covers, in order. Changing this list breaks every chain.
CHAINED_FIELDS = (
    "id",
    "occurred_at",
    "actor_id",
    "actor_role",
    "action",
    "object_type",
    "object_id",
    "counselee_id",
    "purpose",
    "emergency_access_id",
    "after_hours",
    "ip_address",
    "user_agent",
    "request_id",
)


def _key() -> bytes:
    """The newest audit key, which chains new entries."""
    return keys.keyring().newest[1]


# One encoder for every entry: json.dumps would build a new one per call.
_CANONICAL = json.JSONEncoder(separators=(",", ":"), ensure_ascii=False)


def canonical_time(moment) -> str:
    """How `occurred_at` enters the hash: ISO 8601 in UTC, to the microsecond."""
    return moment.isoformat(timespec="microseconds")


class Hasher:
    """HMAC-SHA256 of canonical entries under one key.

    Verifying millions of entries spends most of its time here: the one-shot C digest
    and a shared encoder avoid building Python objects per entry.
    """

    def __init__(self, key: bytes | None = None):
        self._key = key or _key()

    def __call__(self, values: tuple, prev_hash: str) -> str:
        """`values` are the CHAINED_FIELDS with `occurred_at` already as canonical text."""
        message = _CANONICAL.encode([*values, prev_hash]).encode()
        return hmac.digest(self._key, message, "sha256").hex()


def entry_hash(values: tuple, prev_hash: str, key: bytes | None = None) -> str:
    """HMAC-SHA256 of an entry's CHAINED_FIELDS `values` and the previous entry's hash,
    under `key` (by default the newest audit key)."""
    id_, occurred_at, *rest = values
    return Hasher(key)((id_, canonical_time(occurred_at), *rest), prev_hash)


# What kind of break verification found. A wrong key is not evidence of tampering.
ALTERED = "altered"
MISSING = "missing"
WRONG_KEY = "wrong_key"
CUT = "cut"
CHECKPOINT = "checkpoint"


@dataclass(frozen=True)
class Break:
    """The first entry where the chain does not hold."""

    id: int
    occurred_at: object
    reason: str
    kind: str = ALTERED


def unknown_key(version: str) -> str:
    return f"was chained with audit key version {version}, which AUDIT_HMAC_KEY does not list"


LEGACY_KEY_FAILS = (
    "does not verify under the oldest key in AUDIT_HMAC_KEY, and no entry before it did: "
    "the key is wrong (or the entry was altered)"
)


class _Keys:
    """The key for each row's version, looked up only when the version changes."""

    def __init__(self):
        self.ring = keys.keyring()
        self.version = None
        self.key = None
        self.verified_legacy = False

    def select(self, version: str) -> bytes | None:
        if version != self.version:
            self.version, self.key = version, self.ring.key_for(version)
        return self.key

    def failure(self, id_, occurred_at) -> "Break":
        """The break for an entry whose HMAC did not match under its key."""
        if self.version == keys.LEGACY and not self.verified_legacy:
            # Legacy entries name no key, so a wrong key and an edit look alike; when
            # not one of them verified, the key is by far the likelier cause.
            return Break(id_, occurred_at, LEGACY_KEY_FAILS, WRONG_KEY)
        return Break(id_, occurred_at, "has been altered")

    def passed(self):
        if self.version == keys.LEGACY:
            self.verified_legacy = True


@dataclass(frozen=True)
class Head:
    count: int
    last_id: int
    last_hash: str


def _order_break(id_, expected_id, occurred_at) -> Break:
    if id_ > expected_id:
        return Break(id_, occurred_at, f"entry #{expected_id} is missing", MISSING)
    return Break(id_, occurred_at, "entry out of order", MISSING)


def walk(rows: Iterator[tuple], start: tuple[int, str] | None = None) -> tuple[Head, Break | None]:
    """Check rows of (*CHAINED_FIELDS, key_version, prev_hash, hash) in id order.

    `occurred_at` may be a datetime or its `canonical_time` text. The walk starts at entry
    #1 after the genesis hash, or at `start` = (id, previous hash) for a part of the log.
    Returns the head reached and the first break, if any. Holds one row at a time.
    """
    ring = _Keys()
    expected_id, prev_hash = start or (1, GENESIS)
    count = 0
    for row in rows:
        values, version, stored_prev, stored_hash = row[:-3], row[-3], row[-2], row[-1]
        id_, occurred_at = values[0], values[1]
        head = Head(count, expected_id - 1, prev_hash)
        if id_ != expected_id:
            return head, _order_break(id_, expected_id, occurred_at)
        if stored_prev != prev_hash:
            return head, Break(id_, occurred_at, "does not follow the previous entry")
        key = ring.select(version)
        if key is None:
            return head, Break(id_, occurred_at, unknown_key(version), WRONG_KEY)
        if not isinstance(occurred_at, str):
            values = (id_, canonical_time(occurred_at), *values[2:])
        if not hmac.compare_digest(Hasher(key)(values, stored_prev), stored_hash):
            return head, ring.failure(id_, occurred_at)
        ring.passed()
        expected_id, prev_hash, count = id_ + 1, stored_hash, count + 1
    return Head(count, expected_id - 1, prev_hash), None


def walk_canonical(
    rows: Iterator[tuple], start: tuple[int, str] | None = None, recheck=None
) -> tuple[Head, Break | None]:
    """`walk` over rows of (id, occurred_at text, canonical prefix, key_version, prev_hash,
    hash).

    The canonical prefix is an entry's canonical JSON up to, not including, the previous
    hash (`[1,"2025-...",...,`), as the database writes it. An entry whose HMAC does not
    match is handed to `recheck(id)`, which hashes it the ordinary way, so a difference in
    how the database writes JSON can never pass for tampering.
    """
    ring = _Keys()
    expected_id, prev_hash = start or (1, GENESIS)
    count = 0
    digest, same = hmac.digest, hmac.compare_digest
    for id_, occurred_at, prefix, version, stored_prev, stored_hash in rows:
        if id_ != expected_id:
            return Head(count, expected_id - 1, prev_hash), _order_break(
                id_, expected_id, occurred_at
            )
        if stored_prev != prev_hash:
            return Head(count, id_ - 1, prev_hash), Break(
                id_, occurred_at, "does not follow the previous entry"
            )
        key = ring.select(version)
        if key is None:
            return Head(count, id_ - 1, prev_hash), Break(
                id_, occurred_at, unknown_key(version), WRONG_KEY
            )
        mac = digest(key, f'{prefix}"{stored_prev}"]'.encode(), "sha256").hex()
        if not same(mac, stored_hash) and not (recheck is not None and recheck(id_)):
            return Head(count, id_ - 1, prev_hash), ring.failure(id_, occurred_at)
        ring.passed()
        expected_id, prev_hash, count = id_ + 1, stored_hash, count + 1
    return Head(count, expected_id - 1, prev_hash), None

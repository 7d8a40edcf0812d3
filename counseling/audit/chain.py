"""The hash chain over the access log: how an entry is hashed and how the chain is checked."""

import hmac
import json
from collections.abc import Iterator
from dataclasses import dataclass

from django.conf import settings

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
    return settings.AUDIT_HMAC_KEY.encode()


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
    """HMAC-SHA256 of an entry's CHAINED_FIELDS `values` and the previous entry's hash."""
    id_, occurred_at, *rest = values
    return Hasher(key)((id_, canonical_time(occurred_at), *rest), prev_hash)


@dataclass(frozen=True)
class Break:
    """The first entry where the chain does not hold."""

    id: int
    occurred_at: object
    reason: str


@dataclass(frozen=True)
class Head:
    count: int
    last_id: int
    last_hash: str


def walk(rows: Iterator[tuple], start: tuple[int, str] | None = None) -> tuple[Head, Break | None]:
    """Check rows of (*CHAINED_FIELDS, prev_hash, hash) in id order.

    `occurred_at` may be a datetime or its `canonical_time` text. The walk starts at entry
    #1 after the genesis hash, or at `start` = (id, previous hash) for a part of the log.
    Returns the head reached and the first break, if any. Holds one row at a time.
    """
    digest = Hasher()
    expected_id, prev_hash = start or (1, GENESIS)
    count = 0
    for row in rows:
        values, stored_prev, stored_hash = row[:-2], row[-2], row[-1]
        id_, occurred_at = values[0], values[1]
        if id_ != expected_id:
            reason = (
                f"entry #{expected_id} is missing" if id_ > expected_id else "entry out of order"
            )
            return Head(count, expected_id - 1, prev_hash), Break(id_, occurred_at, reason)
        if stored_prev != prev_hash:
            return Head(count, id_ - 1, prev_hash), Break(
                id_, occurred_at, "does not follow the previous entry"
            )
        if not isinstance(occurred_at, str):
            values = (id_, canonical_time(occurred_at), *values[2:])
        if not hmac.compare_digest(digest(values, stored_prev), stored_hash):
            return Head(count, id_ - 1, prev_hash), Break(id_, occurred_at, "has been altered")
        expected_id, prev_hash, count = id_ + 1, stored_hash, count + 1
    return Head(count, expected_id - 1, prev_hash), None


def walk_canonical(
    rows: Iterator[tuple], start: tuple[int, str] | None = None, recheck=None
) -> tuple[Head, Break | None]:
    """`walk` over rows of (id, occurred_at text, canonical prefix, prev_hash, hash).

    The canonical prefix is an entry's canonical JSON up to, not including, the previous
    hash (`[1,"2025-...",...,`), as the database writes it. An entry whose HMAC does not
    match is handed to `recheck(id)`, which hashes it the ordinary way, so a difference in
    how the database writes JSON can never pass for tampering.
    """
    key = _key()
    expected_id, prev_hash = start or (1, GENESIS)
    count = 0
    digest, same = hmac.digest, hmac.compare_digest
    for id_, occurred_at, prefix, stored_prev, stored_hash in rows:
        if id_ != expected_id:
            reason = (
                f"entry #{expected_id} is missing" if id_ > expected_id else "entry out of order"
            )
            return Head(count, expected_id - 1, prev_hash), Break(id_, occurred_at, reason)
        if stored_prev != prev_hash:
            return Head(count, id_ - 1, prev_hash), Break(
                id_, occurred_at, "does not follow the previous entry"
            )
        mac = digest(key, f'{prefix}"{stored_prev}"]'.encode(), "sha256").hex()
        if not same(mac, stored_hash) and not (recheck is not None and recheck(id_)):
            return Head(count, id_ - 1, prev_hash), Break(id_, occurred_at, "has been altered")
        expected_id, prev_hash, count = id_ + 1, stored_hash, count + 1
    return Head(count, expected_id - 1, prev_hash), None

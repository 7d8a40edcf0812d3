"""The hash chain over the access log: how an entry is hashed and how the chain is checked."""

import hashlib
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


def entry_hash(values: tuple, prev_hash: str, key: bytes | None = None) -> str:
    """HMAC-SHA256 of an entry's CHAINED_FIELDS `values` and the previous entry's hash."""
    id_, occurred_at, *rest = values
    canonical = json.dumps(
        [id_, occurred_at.isoformat(timespec="microseconds"), *rest, prev_hash],
        separators=(",", ":"),
        ensure_ascii=False,
    )
    return hmac.new(key or _key(), canonical.encode(), hashlib.sha256).hexdigest()


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


def walk(rows: Iterator[tuple]) -> tuple[Head, Break | None]:
    """Check rows of (*CHAINED_FIELDS, prev_hash, hash) in id order.

    Returns the head reached and the first break, if any. Holds one row at a time.
    """
    key = _key()
    expected_id, prev_hash, count = 1, GENESIS, 0
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
        if not hmac.compare_digest(entry_hash(values, stored_prev, key), stored_hash):
            return Head(count, id_ - 1, prev_hash), Break(id_, occurred_at, "has been altered")
        expected_id, prev_hash, count = id_ + 1, stored_hash, count + 1
    return Head(count, expected_id - 1, prev_hash), None

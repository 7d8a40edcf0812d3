"""Signed checkpoints of the access log's head: how a cut end is caught.

The nightly check writes one after verifying the chain (`write`), and `verify_audit`
compares the chain with every checkpoint (`compare`): a log that ends before a
checkpoint's last entry, or whose entry there carries another hash, was cut or rebuilt.
A checkpoint's signature is an HMAC, under the audit key it names, of its count, last
id, last hash and time, so a row inserted without the key is refused as forged.
"""

import hmac
import json

from django.utils import timezone

from counseling.audit import chain, keys
from counseling.audit.models import AccessEvent, AuditCheckpoint

_DOMAIN = b"amanah audit checkpoint:"
_BATCH = 1000


def signature(checkpoint: AuditCheckpoint, key: bytes) -> str:
    fields = [
        chain.canonical_time(checkpoint.created_at),
        checkpoint.entry_count,
        checkpoint.last_id,
        checkpoint.last_hash,
    ]
    message = _DOMAIN + json.dumps(fields, separators=(",", ":")).encode()
    return hmac.digest(key, message, "sha256").hex()


def write(head: chain.Head) -> AuditCheckpoint:
    """Record `head` (a chain just verified) as a checkpoint signed with the newest key."""
    version, key = keys.keyring().newest
    checkpoint = AuditCheckpoint(
        created_at=timezone.now(),
        entry_count=head.count,
        last_id=head.last_id,
        last_hash=head.last_hash,
        key_version=version,
    )
    checkpoint.signature = signature(checkpoint, key)
    checkpoint.save()
    return checkpoint


def latest() -> AuditCheckpoint | None:
    return AuditCheckpoint.objects.order_by("-id").first()


def _problem(checkpoint, ring, head, hashes) -> chain.Break | None:
    def broken(reason, kind=chain.CHECKPOINT):
        return chain.Break(checkpoint.last_id, checkpoint.created_at, reason, kind)

    name = f"checkpoint #{checkpoint.pk} of {checkpoint.created_at.isoformat()}"
    key = ring.key_for(checkpoint.key_version) if checkpoint.key_version else None
    if key is None:
        return broken(
            f"{name} is signed with audit key version {checkpoint.key_version or '(none)'}, "
            "which AUDIT_HMAC_KEY does not list",
            chain.WRONG_KEY,
        )
    if not hmac.compare_digest(signature(checkpoint, key), checkpoint.signature):
        return broken(f"{name} does not carry its signature: it was forged or altered")
    if checkpoint.last_id > head.last_id:
        return broken(
            f"entries were cut off the end: {name} recorded {checkpoint.entry_count:,} "
            f"entries up to #{checkpoint.last_id}, but the log ends at #{head.last_id}",
            chain.CUT,
        )
    expected = hashes.get(checkpoint.last_id, chain.GENESIS if checkpoint.last_id == 0 else None)
    if checkpoint.entry_count != checkpoint.last_id or expected != checkpoint.last_hash:
        return broken(
            f"entry #{checkpoint.last_id} is not the one {name} recorded: "
            "the log was rebuilt from that point"
        )
    return None


def compare(head: chain.Head) -> chain.Break | None:
    """The first checkpoint the verified chain up to `head` contradicts, as a Break.

    Every checkpoint is checked, oldest first, not only the latest: a checkpoint inserted
    to make a cut look normal must then also be consistent with all those before it.
    """
    ring = keys.keyring()
    batch = []
    for checkpoint in AuditCheckpoint.objects.order_by("id").iterator(chunk_size=_BATCH):
        batch.append(checkpoint)
        if len(batch) == _BATCH:
            if found := _first_problem(batch, ring, head):
                return found
            batch = []
    return _first_problem(batch, ring, head) if batch else None


def _first_problem(batch, ring, head):
    ids = {c.last_id for c in batch}
    hashes = dict(AccessEvent.objects.filter(id__in=ids).values_list("id", "hash"))
    for checkpoint in batch:
        if found := _problem(checkpoint, ring, head, hashes):
            return found
    return None

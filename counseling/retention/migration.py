"""Reseal content under counselees' data keys, in batches: the move from the master key,
and re-encryption under new data keys.

Both walk every model sealed under a counselee's key (`erasure.sealed_models`), read the
stored tokens raw, and rewrite the ones that need it. Each new token is opened again and
compared with the text before the old one is replaced, and each write is conditional on
the old token still being there, so a value the application changed meanwhile is never
overwritten. Each batch commits on its own: an interrupted run resumes where it stopped
when run again.
"""

import datetime
from collections.abc import Callable
from dataclasses import dataclass

from cryptography.fernet import Fernet, InvalidToken
from django.apps import apps
from django.db import transaction
from django.utils import timezone

from counseling import fernet, keys
from counseling.rotation import _write


class UnreadableValue(Exception):
    """A stored value cannot be opened; the run stops before touching it."""


class VerificationFailed(Exception):
    """A resealed value did not read back as the text it replaced."""


@dataclass
class Tally:
    rows: int = 0
    resealed: int = 0
    skipped: int = 0


def is_legacy(token: str) -> bool:
    """Under the master key itself: the form before data keys."""
    return token != keys.ERASED_TOKEN and keys.split(token)[0] is None


def reseal_model(
    model,
    path: str,
    names: list[str],
    *,
    needs: Callable[[str], bool],
    batch_size: int,
    tally: Tally,
    on_batch: Callable[[Tally], None] = lambda tally: None,
) -> None:
    """Reseal, under her current data key, every value of `model` for which `needs(token)`."""
    uid_path = "public_id" if path == "self" else f"{path}__public_id"
    tokens = {f"token_{name}": fernet.raw(name) for name in names}
    rows = (
        model._base_manager.order_by("pk").annotate(**tokens).values_list("pk", uid_path, *tokens)
    )
    last_pk = None
    while True:
        batch = rows if last_pk is None else rows.filter(pk__gt=last_pk)
        batch = list(batch[:batch_size])
        if not batch:
            return
        changes = []
        # Each counselee's current key, looked up once per batch rather than per value:
        # at district scale one query per value made the move take over an hour.
        current: dict[object, tuple[int, Fernet]] = {}
        for pk, uid, *stored in batch:
            row_changes = {}
            for name, token in zip(names, stored, strict=True):
                if not token or not needs(token):
                    tally.skipped += token is not None
                    continue
                try:
                    text = keys.open_token(token)
                except (InvalidToken, keys.DataKeyError):
                    tally.resealed += _write(model, changes)
                    raise UnreadableValue(
                        f"{model._meta.label}.{name} of the row with primary key {pk} cannot "
                        "be opened with FIELD_ENCRYPTION_KEY."
                    ) from None
                if isinstance(text, keys.ErasedText):
                    continue
                if uid not in current:
                    current[uid] = keys.current_key(uid)
                key_id, data_key = current[uid]
                sealed = keys.seal(data_key, key_id, text)
                if keys.open_token(sealed) != text:
                    raise VerificationFailed(f"{model._meta.label}.{name} of row {pk}")
                row_changes[name] = (token, str(sealed))
            if row_changes:
                changes.append((pk, row_changes))
        tally.resealed += _write(model, changes)
        tally.rows += len(batch)
        last_pk = batch[-1][0]
        on_batch(tally)


def count_where(model, names: list[str], test: Callable[[str], bool] = is_legacy) -> int:
    """How many stored values of `model` pass `test` (by default: still in the older
    form, the migration's verification)."""
    tokens = {f"token_{name}": fernet.raw(name) for name in names}
    count = 0
    for stored in model._base_manager.annotate(**tokens).values_list(*tokens).iterator():
        count += sum(1 for token in stored if token and test(token))
    return count


def _data_keys():
    return apps.get_model("retention", "DataKey")


def retire_keys_created_before(moment: datetime.datetime) -> int:
    """Stop sealing under keys made before `moment`; new writes make new keys."""
    return (
        _data_keys()
        .objects.filter(created_at__lt=moment, retired_at__isnull=True, destroyed_at__isnull=True)
        .update(retired_at=timezone.now())
    )


def retired_key_ids(moment: datetime.datetime) -> set[int]:
    return set(
        _data_keys()
        .objects.filter(created_at__lt=moment, retired_at__isnull=False, destroyed_at__isnull=True)
        .values_list("pk", flat=True)
    )


@transaction.atomic
def destroy_retired_keys(moment: datetime.datetime) -> int:
    """Once nothing is sealed under them any more, the retired keys are destroyed."""
    rows = _data_keys().objects.filter(
        created_at__lt=moment, retired_at__isnull=False, destroyed_at__isnull=True
    )
    return rows.update(wrapped="", destroyed_at=timezone.now())

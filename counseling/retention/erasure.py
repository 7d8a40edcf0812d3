"""Erasure by crypto-shredding: destroy the counselee's data key, then her content rows.

In one transaction per counselee, under her row lock: every column sealed under her key
is overwritten with `keys.ERASED_TOKEN` (the live database then holds no ciphertext of
hers either), her data keys are destroyed, her content rows are deleted, her directory
data and account are emptied, and an `Erasure` tombstone and an access-log entry are
written. The access log itself is not touched: its entries name her `Counselee` row,
which stays (emptied), so the chain still verifies.

Rows that something else must keep pointing at (an emergency access the log names) are
not deleted; their sealed columns are erased like the rest. What any older copy of her
content holds (a dump, a backup) is ciphertext under a key that no longer exists.
"""

import datetime
import logging
from dataclasses import dataclass, field
from typing import Any

from django.apps import apps
from django.db import transaction
from django.db.models import Model, ProtectedError, QuerySet
from django.utils import timezone

from counseling import encryption, keys
from counseling.audit import log
from counseling.records.models import Counselee
from counseling.retention import schedule
from counseling.retention.models import Erasure, SchoolStatus

logger = logging.getLogger("amanah.retention")

# Content rows deleted at erasure, children before their parents. Rows of any other
# model sealed under her key are erased in place (their columns) and kept.
DELETED_IN_ORDER = (
    "messaging.MessageDraft",
    "messaging.Message",
    "crisis.SafetyPlan",
    "crisis.CrisisRequest",
    "referrals.ExternalReferral",
    "referrals.BkReferral",
    "referrals.Referral",
    "guardians.GuardianExemption",
    "counseling_sessions.NoteAddendum",
    "counseling_sessions.SessionNote",
    "counseling_sessions.Booking",
    "counseling_sessions.CounselingSession",
    "consent.Disclosure",
    "retention.LegalHold",
)


class NotDue(Exception):
    """The counselee is not due for erasure (still at school, on hold, or erased)."""


@dataclass
class Outcome:
    erased: list[str] = field(default_factory=list)
    failed: list[str] = field(default_factory=list)


def sealed_models() -> list[tuple[type[Model], str, list[str]]]:
    """(model, path to the counselee, sealed field names) for every model sealed under a
    counselee's key: the schema walk that erasure, migration and tests share."""
    found = []
    for model in apps.get_models():
        fields = encryption.counselee_key_fields(model)
        if fields:
            paths = {f.counselee_path for f in fields}
            if len(paths) != 1:
                raise ValueError(f"{model._meta.label} names more than one counselee path.")
            found.append((model, paths.pop(), [f.name for f in fields]))  # type: ignore[attr-defined]
    return found


def rows_of(model: type[Model], path: str, counselee: Counselee) -> QuerySet[Any]:
    rows = model._base_manager.all()
    return rows.filter(pk=counselee.pk) if path == "self" else rows.filter(**{path: counselee})


def _delete(model: type[Model], rows: QuerySet[Any]) -> int:
    if model._meta.label == "counseling_sessions.Booking":
        # A rescheduled booking protects the one it replaced: newest links first.
        deleted = 0
        while rows.exists():
            leaves = rows.filter(rescheduled_to__isnull=True)
            deleted += leaves.delete()[0]
        return deleted
    return rows.delete()[0]


@transaction.atomic
def erase(counselee: Counselee, *, today: datetime.date | None = None) -> Erasure:
    """Erase one counselee who is due. Irreversible."""
    today = today or timezone.localdate()
    counselee = Counselee.objects.select_for_update(no_key=True).get(pk=counselee.pk)
    if not schedule.due_by(today).filter(pk=counselee.pk).exists():
        raise NotDue(f"Counselee #{counselee.pk} is not due for erasure.")
    status = SchoolStatus.objects.get(counselee=counselee)
    erasure = shred(
        counselee, status=status.status, left_on=status.since, due_on=schedule.due_on(status.since)
    )
    log.record(
        log.Action.COUNSELEE_ERASED,
        obj=erasure,
        counselee=counselee,
        purpose=log.Purpose.SYSTEM,
    )
    return erasure


def shred(
    counselee: Counselee, *, status: str, left_on: datetime.date, due_on: datetime.date
) -> Erasure:
    """Crypto-shred one counselee whose row the caller has locked, and write her tombstone.

    The caller decided that she may be erased now (her date has come, or the data
    protection officer granted her own request) and records who did it in the log.
    """
    uid = counselee.public_id
    walk = sealed_models()
    counts: dict[str, int] = {}
    for model, path, names in walk:
        rows = rows_of(model, path, counselee)
        erased = {name: keys.Sealed(keys.ERASED_TOKEN) for name in names}
        n = rows.update(**erased)
        if n and model is not Counselee:
            counts[model._meta.label_lower] = n
    keys.destroy(uid)
    by_label = {model._meta.label: (model, path) for model, path, _names in walk}
    for label in DELETED_IN_ORDER:
        if label not in by_label:
            continue
        model, path = by_label[label]
        try:
            with transaction.atomic():
                _delete(model, rows_of(model, path, counselee))
        except ProtectedError:
            # Something else must keep pointing at these rows; they stay, erased in place.
            logger.info("erasure kept rows of %s that others point at", label)
    _empty_directory(counselee)
    return Erasure.objects.create(
        counselee=counselee,
        pseudonym=uid,
        status=status,
        left_on=left_on,
        due_on=due_on,
        counts=counts,
    )


def _empty_directory(counselee: Counselee) -> None:
    """Keep the row (the log points at it), drop what names her."""
    Counselee.objects.filter(pk=counselee.pk).update(
        nis=f"erased-{counselee.pk}", class_name="", date_of_birth=None
    )
    user = counselee.user
    user.username = f"erased-{counselee.public_id.hex[:16]}"
    user.full_name = ""
    user.email = ""
    user.is_active = False
    user.set_unusable_password()
    user.save(update_fields=["username", "full_name", "email", "is_active", "password"])


def erase_due(today: datetime.date | None = None) -> Outcome:
    """The nightly run: erase every counselee whose date has come, one transaction each."""
    today = today or timezone.localdate()
    outcome = Outcome()
    for pk, public_id in schedule.due_by(today).order_by("pk").values_list("pk", "public_id"):
        try:
            erase(Counselee.objects.get(pk=pk), today=today)
        except NotDue:
            continue
        except Exception:
            logger.exception("erasure of counselee %s failed", public_id)
            outcome.failed.append(str(public_id))
        else:
            outcome.erased.append(str(public_id))
    return outcome

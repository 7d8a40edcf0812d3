"""The school lifecycle and legal holds: every change locked, decided by the policy, logged."""

import datetime
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from counseling import policy
from counseling.audit import log
from counseling.records.models import Counselee
from counseling.retention import schedule
from counseling.retention.models import Erasure, LegalHold, SchoolStatus

REVIEW_EVERY = datetime.timedelta(days=365)


def _locked(counselee: Counselee) -> Counselee:
    # no_key: a KEY SHARE lock from a log insert naming her must not deadlock with us.
    return Counselee.objects.select_for_update(no_key=True).get(pk=counselee.pk)


def _store_status(counselee: Counselee, status: str, since: datetime.date, by: Any) -> SchoolStatus:
    row, _created = SchoolStatus.objects.update_or_create(
        counselee=counselee,
        defaults={"status": status, "since": since, "set_by": by, "set_at": timezone.now()},
    )
    return row


def _log_status(counselee: Counselee, by: Any) -> None:
    log.record(
        log.Action.SCHOOL_STATUS_SET,
        actor=by,
        obj=counselee,
        counselee=counselee,
        purpose=log.Purpose.ADMINISTRATION,
    )


@transaction.atomic
def set_school_status(
    counselee: Counselee, *, status: str, since: datetime.date, by: Any
) -> SchoolStatus:
    """One student graduated, moved or left on `since` (or is active again)."""
    counselee = _locked(counselee)
    policy.require(policy.may_set_school_status(by), counselee=counselee)
    if schedule.is_erased(counselee):
        raise ValidationError(_("Data siswa ini sudah dihapus."))
    row = _store_status(counselee, status, since, by)
    _log_status(counselee, by)
    return row


@transaction.atomic
def set_class_status(class_name: str, *, status: str, since: datetime.date, by: Any) -> int:
    """Every active student of `class_name` at once (the end of the school year).

    Students who already left keep their own status and date. Returns how many changed.
    """
    policy.require(policy.may_set_school_status(by))
    left = SchoolStatus.objects.exclude(status=SchoolStatus.Status.ACTIVE).values("counselee_id")
    rows = Counselee._base_manager.select_for_update(no_key=True).filter(class_name=class_name)
    erased = Erasure.objects.values("counselee_id")
    rows = rows.exclude(pk__in=left).exclude(pk__in=erased)
    counselees = list(rows.order_by("pk").only("pk", "public_id"))
    # Every row lock (update_or_create takes one) before the access log's lock.
    for counselee in counselees:
        _store_status(counselee, status, since, by)
    for counselee in counselees:
        _log_status(counselee, by)
    return len(counselees)


@transaction.atomic
def request_legal_hold(counselee: Counselee, *, reason: str, by: Any) -> LegalHold:
    """Ask that `counselee`'s records be kept for a case; erasure waits from now on."""
    counselee = _locked(counselee)
    policy.require(policy.may_request_legal_hold(by, counselee), counselee=counselee)
    if not reason.strip():
        raise ValidationError(_("Tuliskan alasan penahanan."))
    hold = LegalHold.objects.create(counselee=counselee, reason=reason.strip(), requested_by=by)
    log.record(
        log.Action.LEGAL_HOLD_REQUESTED,
        actor=by,
        obj=hold,
        counselee=counselee,
        purpose=log.Purpose.ADMINISTRATION,
    )
    return hold


def _locked_hold(hold: LegalHold) -> LegalHold:
    _locked(hold.counselee)
    return LegalHold.objects.select_for_update().select_related("counselee").get(pk=hold.pk)


@transaction.atomic
def confirm_legal_hold(hold: LegalHold, *, by: Any) -> LegalHold:
    """The second person confirms the hold; it stands until an admin releases it."""
    hold = _locked_hold(hold)
    policy.require(policy.may_confirm_legal_hold(by, hold), hold, counselee=hold.counselee)
    now = timezone.now()
    hold.confirmed_by, hold.confirmed_at = by, now
    hold.review_due = timezone.localdate() + REVIEW_EVERY
    hold.save(update_fields=["confirmed_by", "confirmed_at", "review_due"])
    log.record(
        log.Action.LEGAL_HOLD_CONFIRMED,
        actor=by,
        obj=hold,
        counselee=hold.counselee,
        purpose=log.Purpose.ADMINISTRATION,
    )
    return hold


@transaction.atomic
def review_legal_hold(hold: LegalHold, *, by: Any) -> LegalHold:
    """The yearly review: the case still stands, keep the hold another year."""
    hold = _locked_hold(hold)
    policy.require(policy.may_review_legal_hold(by, hold), hold, counselee=hold.counselee)
    now = timezone.now()
    hold.reviewed_at, hold.review_due = now, timezone.localdate() + REVIEW_EVERY
    hold.save(update_fields=["reviewed_at", "review_due"])
    log.record(
        log.Action.LEGAL_HOLD_REVIEWED,
        actor=by,
        obj=hold,
        counselee=hold.counselee,
        purpose=log.Purpose.ADMINISTRATION,
    )
    return hold


@transaction.atomic
def release_legal_hold(hold: LegalHold, *, by: Any) -> LegalHold:
    """The case is over: the retention schedule applies again (a date already past
    is erased by the next nightly run)."""
    hold = _locked_hold(hold)
    policy.require(policy.may_release_legal_hold(by, hold), hold, counselee=hold.counselee)
    hold.released_by, hold.released_at = by, timezone.now()
    hold.save(update_fields=["released_by", "released_at"])
    log.record(
        log.Action.LEGAL_HOLD_RELEASED,
        actor=by,
        obj=hold,
        counselee=hold.counselee,
        purpose=log.Purpose.ADMINISTRATION,
    )
    return hold


def holds_due_for_review(today: datetime.date | None = None) -> "QuerySet[LegalHold]":
    today = today or timezone.localdate()
    return LegalHold.objects.filter(
        released_at__isnull=True, confirmed_at__isnull=False, review_due__lte=today
    )


def retention_years() -> int:
    return int(settings.AMANAH_RETENTION_YEARS)

"""A breach recorded, its exposure computed, its letters drafted and marked sent.

Each service locks what it decides on first (a student's letter: her counselee row, as
every service does, then the letter; the breach's work: the breach row), asks the
policy under that lock, and writes its access-log entry and its notices in the same
transaction. The log's entries name the breach or the letter, never what was written.
"""

import datetime
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from counseling import notices, policy
from counseling.audit import log
from counseling.breaches import exposure
from counseling.breaches.models import Breach, BreachExposure, BreachNotice
from counseling.notices.models import Notice
from counseling.policy.breaches import SEALED, without_content
from counseling.records.models import Counselee

Audience = BreachNotice.Audience
Scope = Breach.Scope


def _locked_breach(breach: Breach) -> Breach:
    # no_key: a KEY SHARE lock from a log insert or a notice naming it must not wait on us.
    return (
        Breach.objects.select_for_update(no_key=True)
        .select_related("recorded_by")
        .get(pk=breach.pk)
    )


@transaction.atomic
def record_breach(
    *,
    by: Any,
    description: str,
    how_found: str,
    handling: str,
    occurred_from: datetime.datetime,
    occurred_to: datetime.datetime,
    discovered_at: datetime.datetime,
    scope: str,
    approximate: bool = False,
    scope_account: Any = None,
    scope_counselee: Counselee | None = None,
    scope_object_type: str = "",
    scope_object_id: str = "",
) -> Breach:
    """The DPO or an admin records a suspected breach; the 3 x 24-hour clock starts at
    `discovered_at`, and every DPO and admin is told."""
    policy.require(policy.may_record_breach(by))
    if occurred_from > occurred_to:
        raise ValidationError(_("Waktu mulai harus sebelum waktu selesai."))
    if discovered_at > timezone.now():
        raise ValidationError(_("Waktu diketahui tidak boleh di masa depan."))
    breach = Breach.objects.create(
        description=description,
        how_found=how_found,
        handling=handling,
        occurred_from=occurred_from,
        occurred_to=occurred_to,
        approximate=approximate,
        discovered_at=discovered_at,
        deadline=Breach.deadline_for(discovered_at),
        recorded_by=by,
        scope=scope,
        scope_account=scope_account if scope == Scope.ACCOUNT else None,
        scope_counselee=scope_counselee if scope == Scope.RECORD else None,
        scope_object_type=scope_object_type if scope == Scope.RECORD else "",
        scope_object_id=scope_object_id if scope == Scope.RECORD else "",
    )
    log.record(
        log.Action.BREACH_RECORDED, actor=by, obj=breach, purpose=log.Purpose.DATA_PROTECTION
    )
    notices.notify_all(policy.breach_handlers(), Notice.Kind.BREACH_RECORDED, about=breach)
    return breach


@transaction.atomic
def compute_exposure(breach: Breach, *, by: Any) -> list[BreachExposure]:
    """Compute the exposed students from the access log and draft the letters.

    Run again (more was learned, the window widened), it replaces the exposure rows and
    the letters not yet sent; a letter already sent stays as it was, sent.
    """
    breach = _locked_breach(breach)
    policy.require(policy.may_compute_exposure(by, breach), breach)
    found = exposure.compute(breach)
    counselees = Counselee.objects.defer(*SEALED).in_bulk([row.counselee_id for row in found])
    breach.exposures.all().delete()
    rows = []
    for row in found:
        minor, exempt = policy.guardians_get_breach_letter(counselees[row.counselee_id])
        rows.append(
            BreachExposure(
                breach=breach,
                counselee_id=row.counselee_id,
                events=row.events,
                first_seen=row.first_seen,
                last_seen=row.last_seen,
                object_types=list(row.object_types),
                minor=minor,
                guardian_exempt=exempt,
            )
        )
    BreachExposure.objects.bulk_create(rows)
    _draft_letters(breach, rows)
    breach.exposure_computed_at = timezone.now()
    breach.save(update_fields=["exposure_computed_at"])
    log.record(
        log.Action.BREACH_EXPOSURE_COMPUTED,
        actor=by,
        obj=breach,
        purpose=log.Purpose.DATA_PROTECTION,
    )
    return rows


def _draft_letters(breach: Breach, rows: list[BreachExposure]) -> None:
    """One letter to each exposed student, one to the guardians of each exposed minor
    without an approved exemption, one to the authority; drafts no longer wanted go."""
    wanted: set[tuple[str, int | None]] = {(Audience.STUDENT, row.counselee_id) for row in rows}
    wanted |= {(Audience.GUARDIAN, row.counselee_id) for row in rows if row.gets_guardian_letter}
    wanted.add((Audience.AUTHORITY, None))
    existing: dict[tuple[str, int | None], BreachNotice] = {
        (n.audience, n.counselee_id): n for n in breach.notices.all()
    }
    stale = [n.pk for key, n in existing.items() if key not in wanted and not n.is_sent]
    BreachNotice.objects.filter(pk__in=stale).delete()
    BreachNotice.objects.bulk_create(
        [
            BreachNotice(breach=breach, audience=audience, counselee_id=counselee_id)
            for audience, counselee_id in sorted(wanted - set(existing), key=str)
        ]
    )


@transaction.atomic
def mark_notice_sent(notice: BreachNotice, *, by: Any) -> BreachNotice:
    """The letter went out (handed over, posted, e-mailed by the school): its clock stops.

    A student's letter reaches her inbox at this moment, not when it is drafted: a draft
    may still change, and her inbox should say what the school has in fact sent her. The
    last letter sent closes the breach.
    """
    if notice.counselee_id is not None:
        Counselee.objects.select_for_update(no_key=True).only("pk").get(pk=notice.counselee_id)
    breach = _locked_breach(notice.breach)
    notice = (
        BreachNotice.objects.select_related("counselee__user")
        .defer(*without_content("counselee"))
        .get(pk=notice.pk)
    )
    notice.breach = breach
    policy.require(policy.may_mark_breach_notice_sent(by, notice), notice)
    now = timezone.now()
    notice.marked_sent_at = now
    notice.marked_sent_by = by
    notice.save(update_fields=["marked_sent_at", "marked_sent_by"])
    log.record(
        log.Action.BREACH_NOTICE_SENT,
        actor=by,
        obj=notice,
        counselee=notice.counselee,
        purpose=log.Purpose.DATA_PROTECTION,
    )
    if notice.audience == Audience.STUDENT and notice.counselee is not None:
        notices.notify(
            notice.counselee.user,
            Notice.Kind.BREACH_NOTICE,
            about=notice,
            dedupe_key=f"breach-notice:{notice.public_id}",
        )
    if breach.exposure_computed_at and not breach.notices.filter(marked_sent_at=None).exists():
        breach.closed_at = now
        breach.save(update_fields=["closed_at"])
    return notice

"""Opening and closing caseload assignments, and recording conflicts of interest.

These write the rows and their access-log entries. What an ended assignment or a
declared conflict does to what is booked (requests declined, sessions cancelled, the
student told) is the case lifecycle in `sessions.cases`, which calls these.
"""

from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from counseling import policy
from counseling.audit import log
from counseling.records.models import CaseAssignment, ConflictOfInterest, Counselee

OpenedBy = CaseAssignment.OpenedBy


def check_assignable(counselor: Any, counselee: Counselee) -> None:
    """Raise `ValidationError` when `counselor` may not take `counselee` on the caseload."""
    refusal = policy.assignment_refusal(counselor, counselee)
    if refusal:
        raise ValidationError(refusal)


@transaction.atomic
def assign(counselor: Any, counselee: Counselee, *, by: Any) -> CaseAssignment:
    """An admin puts `counselee` on `counselor`'s caseload; the student is told."""
    policy.require(policy.may_assign(by), counselee=counselee)
    return open_assignment(counselor, counselee, by=by, opened_by=OpenedBy.ADMIN)


def end_lapsed(assignments: Any = None) -> int:
    """Close the time-boxed assignments whose time has passed, each logged by the system.

    Their reach ended at `expires_at` already (`CaseAssignment.objects.active()`); this
    writes the end into the history, and frees the pair for a new assignment.
    """
    lapsed = (assignments if assignments is not None else CaseAssignment.objects.all()).filter(
        ended_at__isnull=True, expires_at__lte=timezone.now()
    )
    count = 0
    for assignment in lapsed.select_related("counselee"):
        closed = CaseAssignment.objects.filter(pk=assignment.pk, ended_at__isnull=True).update(
            ended_at=assignment.expires_at, end_reason=CaseAssignment.EndReason.CRISIS_LAPSED
        )
        if closed:
            count += 1
            log.record(
                log.Action.ASSIGNMENT_CHANGED,
                obj=assignment,
                counselee=assignment.counselee,
                purpose=log.Purpose.SYSTEM,
            )
    return count


def open_assignment(
    counselor: Any,
    counselee: Counselee,
    *,
    by: Any,
    opened_by: str,
    expires_at: Any = None,
) -> CaseAssignment:
    """Write the assignment. The caller has decided that `by` may open this case.

    `expires_at` makes it time-boxed (a crisis assignment): it lapses then.
    """
    check_assignable(counselor, counselee)
    end_lapsed(CaseAssignment.objects.filter(counselor=counselor, counselee=counselee))
    now = timezone.now()
    assignment = CaseAssignment.objects.create(
        counselor=counselor,
        counselee=counselee,
        opened_by=opened_by,
        expires_at=expires_at,
        started_at=now,
        # She asked for this one herself: nothing to answer on her dashboard.
        student_answered_at=None if opened_by == OpenedBy.ADMIN else now,
    )
    log.record(
        log.Action.ASSIGNMENT_CHANGED,
        actor=by,
        obj=assignment,
        counselee=counselee,
        purpose=policy.record_access(by, counselee).purpose,
    )
    return assignment


def close_assignment(assignment: CaseAssignment, *, by: Any, reason: str) -> bool:
    """Mark an active assignment ended; the history stays. False if it had ended already."""
    purpose = policy.record_access(by, assignment.counselee).purpose
    closed = CaseAssignment.objects.filter(pk=assignment.pk, ended_at__isnull=True).update(
        ended_at=timezone.now(), end_reason=reason
    )
    if closed:
        assignment.refresh_from_db(fields=["ended_at", "end_reason"])
        log.record(
            log.Action.ASSIGNMENT_CHANGED,
            actor=by,
            obj=assignment,
            counselee=assignment.counselee,
            purpose=purpose,
        )
    return bool(closed)


def record_conflict(counselor: Any, counselee: Counselee, relation: str) -> ConflictOfInterest:
    """Write the declaration. The caller has asked `policy.may_declare_conflict`."""
    if relation not in ConflictOfInterest.Relation.values:
        raise ValidationError(_("Pilih hubungan dari daftar."))
    conflict = ConflictOfInterest.objects.create(
        counselor=counselor, counselee=counselee, relation=relation
    )
    log.record(log.Action.CONFLICT_DECLARED, actor=counselor, obj=conflict, counselee=counselee)
    return conflict

"""The case lifecycle: what ending an assignment, declaring a conflict, closing a case
and ending counseling do to what is booked.

A counselor's reach ends in the policy the moment her assignment ends or she declares a
conflict (`counseling.policy.records`); these functions then put what she left behind
in order: her requests from the student are declined and the sessions booked with her
cancelled, each with a content-free message to the student, so nothing waits on a
counselor who can no longer act on it.
"""

from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from counseling import notices, policy
from counseling.accounts.models import User
from counseling.audit import log
from counseling.audit.models import EmergencyAccess
from counseling.notices.models import Notice
from counseling.records import services as records_services
from counseling.records.models import CaseAssignment, ConflictOfInterest, Counselee
from sessions import bookings
from sessions import services as session_services
from sessions.models import Booking, CounselingSession

EndReason = CaseAssignment.EndReason


Held = tuple[list[Booking], list[CounselingSession]]


def _hold(counselee: Counselee, counselor: User) -> Held:
    """Lock what the counselor has booked with the student, before anything is logged
    (the access log's lock comes last in every transaction: TRAPS.md, deadlocks)."""
    return (
        bookings.lock_active(counselee, counselor),
        session_services.lock_upcoming(counselee, counselor),
    )


def _let_go(held: Held, *, by: Any) -> None:
    booked, upcoming = held
    bookings.withdraw(booked, by=by)
    session_services.cancel_locked_sessions(upcoming, by=by)


@transaction.atomic
def end_assignment(
    assignment: CaseAssignment, *, by: Any, reason: str = EndReason.ADMINISTRATION
) -> None:
    """End an active assignment: an admin's decision, or the counselor closing her case."""
    assignment = CaseAssignment.objects.select_for_update().get(pk=assignment.pk)
    policy.require(policy.may_end_assignment(by, assignment), counselee=assignment.counselee)
    held = _hold(assignment.counselee, assignment.counselor)
    if records_services.close_assignment(assignment, by=by, reason=reason):
        _let_go(held, by=by)


def hold_for_hand_over(counselee: Counselee, counselor: User) -> tuple[CaseAssignment | None, Held]:
    """Lock the referring counselor's assignment and what she booked with the student,
    for `hand_over`, before anything is logged. The caller holds the referral's lock."""
    assignment = (
        CaseAssignment.objects.active()
        .select_for_update()
        .filter(counselee=counselee, counselor=counselor)
        .first()
    )
    return assignment, _hold(counselee, counselor)


def hand_over(assignment: CaseAssignment | None, held: Held, *, by: Any) -> None:
    """A referral the student and the receiver accepted: the referring counselor's
    assignment ends, and what she had booked with the student is let go. The caller
    (`counseling.referrals.services`) has asked the policy under its locks."""
    if assignment is not None and records_services.close_assignment(
        assignment, by=by, reason=EndReason.REFERRED
    ):
        _let_go(held, by=by)


@transaction.atomic
def close_case(counselee: Counselee, *, by: Any) -> None:
    """The counselor closes a case that no longer benefits the student (seed 004 b)."""
    policy.require(policy.may_close_case(by, counselee), counselee=counselee)
    assignment = CaseAssignment.objects.active().get(counselee=counselee, counselor=by)
    end_assignment(assignment, by=by, reason=EndReason.COUNSELOR_CLOSED)


@transaction.atomic
def declare_conflict(counselee: Counselee, relation: str, *, by: Any) -> ConflictOfInterest:
    """A counselor declares a family or close-friend relation to a student.

    Everything she had with the student ends at once: the assignment, her bookings with
    the student (who is offered another counselor), and any open emergency access.
    """
    if not policy.may_declare_conflict(by, counselee):
        if policy.has_conflict(by, counselee):
            raise ValidationError(_("Anda sudah menyatakan konflik kepentingan dengan siswa ini."))
        policy.require(False, counselee=counselee)
    # Every row this touches is locked before the first log entry (TRAPS.md, deadlocks);
    # FOR NO KEY UPDATE on the grants, which the log entries below point at.
    assignments = list(
        CaseAssignment.objects.active()
        .filter(counselor=by, counselee=counselee)
        .select_for_update()
    )
    held = _hold(counselee, by)
    now = timezone.now()
    open_grants = list(
        EmergencyAccess.objects.filter(
            counselor=by, counselee=counselee, expires_at__gt=now, revoked_at__isnull=True
        ).select_for_update(no_key=True)
    )
    conflict = records_services.record_conflict(by, counselee, relation)
    for assignment in assignments:
        records_services.close_assignment(assignment, by=by, reason=EndReason.CONFLICT)
    _let_go(held, by=by)
    for grant in open_grants:
        grant.revoked_at = now
        grant.save(update_fields=["revoked_at"])
        log.record(
            log.Action.UPDATE,
            actor=by,
            obj=grant,
            counselee=counselee,
            purpose=log.Purpose.EMERGENCY,
            emergency_access=grant,
        )
    return conflict


@transaction.atomic
def end_counseling(counselee: Counselee, *, by: Any) -> list[User]:
    """The student ends the counseling relationship: records stay, new sessions stop.

    Active assignments end; the counselors are told, without content, once committed.
    Returns the counselors who were on the case.
    """
    policy.require(policy.may_end_counseling(by, counselee), counselee=counselee)
    # Every row this touches is locked before the first log entry (TRAPS.md, deadlocks).
    assignments = list(
        CaseAssignment.objects.active().filter(counselee=counselee).select_for_update()
    )
    booked = bookings.lock_active(counselee)
    upcoming = session_services.lock_upcoming(counselee)
    bookings.cancel_all(booked, by=by)
    session_services.cancel_locked_sessions(upcoming, by=by)
    counselee.counseling_ended_at = timezone.now()
    counselee.save(update_fields=["counseling_ended_at"])
    for assignment in assignments:
        records_services.close_assignment(assignment, by=by, reason=EndReason.STUDENT_ENDED)
        notices.notify(
            assignment.counselor, Notice.Kind.CASE_ENDED, dedupe_key=f"case-ended:{assignment.pk}"
        )
    return [a.counselor for a in assignments]


@transaction.atomic
def answer_assignment(assignment: CaseAssignment, *, by: Any, asked_for: bool) -> None:
    """The student answers an admin's assignment on her dashboard.

    "Fine" keeps it; "I did not ask for this" ends it (asas kesukarelaan: no case opens
    without the student's consent), and the admins see it among the declined ones.
    """
    assignment = CaseAssignment.objects.select_for_update().get(pk=assignment.pk)
    policy.require(policy.may_answer_assignment(by, assignment), counselee=assignment.counselee)
    held = _hold(assignment.counselee, assignment.counselor)
    assignment.student_answered_at = timezone.now()
    assignment.save(update_fields=["student_answered_at"])
    if asked_for:
        log.record(
            log.Action.UPDATE,
            actor=by,
            obj=assignment,
            counselee=assignment.counselee,
            purpose=log.Purpose.OWN,
        )
        return
    records_services.close_assignment(assignment, by=by, reason=EndReason.STUDENT_DECLINED)
    _let_go(held, by=by)

"""Referrals to professionals outside the school (psikolog, puskesmas, UPTD PPA, ...).

The counselor on the case writes the letter and tracks its status; the student sees what
the letter would say and consents (unless a limit of confidentiality applies, which is a
disclosure, recorded with it). Admins see statuses and counts, never the letter.
"""

from typing import Any

from django.db.models import Count, QuerySet

from counseling.policy.core import Person, Role, fetch, has_role
from counseling.policy.records import assigned_counselees, record_access
from counseling.records.models import Counselee
from counseling.referrals.models import ExternalReferral

Status = ExternalReferral.Status

# The status pipeline: from each status, where the counselor may move it.
TRANSITIONS = {
    Status.SENT: {Status.RECEIVED, Status.CLOSED},
    Status.RECEIVED: {Status.FEEDBACK_RECEIVED, Status.CLOSED},
    Status.FEEDBACK_RECEIVED: {Status.CLOSED},
}


def _referrals() -> QuerySet[ExternalReferral]:
    return ExternalReferral.objects.select_related("counselee__user", "counselor")


def external_referrals_for(user: Person) -> QuerySet[ExternalReferral]:
    """A counselor's own letters on her current caseload; a student's own referrals."""
    if has_role(user, Role.COUNSELOR):
        return _referrals().filter(counselor=user).filter(assigned_counselees(user))
    if has_role(user, Role.STUDENT):
        return _referrals().filter(counselee__user=user)
    return ExternalReferral.objects.none()


def _is_authors(user: Person, referral: ExternalReferral) -> bool:
    return (
        referral.counselor_id == user.pk
        and record_access(user, referral.counselee).write_counseling_data
    )


def may_read_external_referral(user: Person, referral: ExternalReferral) -> bool:
    if has_role(user, Role.STUDENT):
        return referral.counselee.user_id == user.pk
    return has_role(user, Role.COUNSELOR) and _is_authors(user, referral)


def get_external_referral_for(user: Person, public_id: Any) -> ExternalReferral:
    return fetch(
        user,
        _referrals(),
        public_id,
        may=lambda referral: may_read_external_referral(user, referral),
        counselee_of=lambda referral: referral.counselee,
    )


def may_make_external_referral(user: Person, counselee: Counselee) -> bool:
    return record_access(user, counselee).write_counseling_data


def may_consent_to_external_referral(user: Person, referral: ExternalReferral) -> bool:
    return (
        has_role(user, Role.STUDENT)
        and referral.counselee.user_id == user.pk
        and referral.status == Status.WAITING_STUDENT
    )


def may_download_letter(user: Person, referral: ExternalReferral) -> bool:
    """The counselor who wrote it, on the case, once it may be sent."""
    sendable = referral.status not in (Status.WAITING_STUDENT, Status.STUDENT_DECLINED)
    return sendable and has_role(user, Role.COUNSELOR) and _is_authors(user, referral)


def may_move_external_referral(user: Person, referral: ExternalReferral, status: str) -> bool:
    allowed = TRANSITIONS.get(Status(referral.status), set())
    return status in allowed and has_role(user, Role.COUNSELOR) and _is_authors(user, referral)


def external_referral_counts(user: Person) -> list[dict[str, Any]]:
    """For an admin: how many referrals of each kind are in each status. Nothing else."""
    if not has_role(user, Role.ADMIN):
        return []
    rows = (
        ExternalReferral.objects.values("recipient_kind", "status")
        .annotate(count=Count("pk"))
        .order_by("recipient_kind", "status")
    )
    return list(rows)

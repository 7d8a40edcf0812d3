"""Who reads the access log and who may break the glass."""

from typing import Any

from django.db.models import Q, QuerySet

from counseling.audit.models import AccessEvent, EmergencyAccess
from counseling.encryption import encrypted_paths
from counseling.policy.core import Person, Role, fetch, has_role
from counseling.policy.records import has_conflict, is_assigned
from counseling.records.models import Counselee


def can_audit(user: Person) -> bool:
    """Who reads the access log's metadata (and exports it): the admin, and the data
    protection officer, who answers for breaches and requests from it."""
    return has_role(user, Role.ADMIN, Role.DPO)


def _reviews_emergency_access(user: Person) -> bool:
    # Emergency access is the admin's to review: its justification is about the student,
    # and the DPO, who audits only metadata, never reads it.
    return has_role(user, Role.ADMIN)


def events_for(user: Person) -> QuerySet[AccessEvent]:
    """Access-log entries `user` may read: all for an admin and the data protection
    officer (metadata only), their own record's for a student.

    A student sees every event about them (who opened their record, when and why),
    and nothing about anyone else.
    """
    events = AccessEvent.objects.select_related(
        "actor", "counselee__user", "emergency_access"
    ).defer(*encrypted_paths(Counselee, "counselee"))
    if can_audit(user):
        # Metadata only: the emergency justification is read on the review page.
        return events.defer(*encrypted_paths(EmergencyAccess, "emergency_access"))
    if has_role(user, Role.STUDENT):
        # Disclosures reach the student through the disclosure register, and only once
        # the counselor has marked it safe to tell them: until then no trace of one.
        return events.filter(counselee__user=user).exclude(
            Q(action=AccessEvent.Action.DISCLOSE) | Q(object_type="consent.disclosure")
        )
    return events.none()


def emergency_accesses_for(user: Person) -> QuerySet[EmergencyAccess]:
    accesses = EmergencyAccess.objects.select_related("counselor", "counselee__user", "reviewed_by")
    if _reviews_emergency_access(user):
        return accesses
    if has_role(user, Role.COUNSELOR):
        return accesses.filter(counselor=user)
    return accesses.none()


def get_emergency_access_for(user: Person, public_id: Any) -> EmergencyAccess:
    """An emergency access for an admin to review, else `Http404` (logged)."""
    return fetch(
        user,
        EmergencyAccess.objects.select_related("counselor", "counselee__user", "reviewed_by"),
        public_id,
        may=lambda access: _reviews_emergency_access(user),
    )


def may_request_emergency_access(user: Person, counselee: Counselee) -> bool:
    """A counselor not on the case, without a conflict with the student."""
    return (
        has_role(user, Role.COUNSELOR)
        and not is_assigned(user, counselee)
        and not has_conflict(user, counselee)
    )


def may_review_emergency_access(user: Person, access: EmergencyAccess) -> bool:
    return _reviews_emergency_access(user) and access.counselor_id != user.pk

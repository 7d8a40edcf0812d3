"""Who asks for help now, who is alerted, who may open and take a crisis request.

Seed 004 (e): a counselor serves anyone in an emergency. Every active counselor without
a conflict of interest with the student is alerted, opens the request (time, class, how
long it has waited) and may take it; the first to take it wins. Its line of text is read
only by the counselor who took it. A conflicted counselor is never alerted, never sees
it, and cannot take it. Admins and the coordinator are told of a request nobody took,
without content.
"""

import datetime
from typing import Any

from django.db.models import Exists, OuterRef, Q, QuerySet
from django.utils import timezone

from counseling.accounts.models import User
from counseling.crisis.models import CrisisRequest, DutyShift, SafetyPlan
from counseling.encryption import encrypted_field_names, encrypted_paths
from counseling.policy.accounts import coordinators, is_coordinator
from counseling.policy.core import Person, Role, fetch, has_role
from counseling.policy.notices import alerted_admins
from counseling.policy.records import record_access
from counseling.records.models import CaseAssignment, ConflictOfInterest, Counselee
from sessions.models import CounselingSession

Waiting = CrisisRequest.Status.WAITING


def may_ask_for_help(user: Person, counselee: Counselee) -> bool:
    """A student asks for herself: no slot, no notice, no cap, no consent needed."""
    return has_role(user, Role.STUDENT) and counselee.user_id == user.pk


def crisis_alert_recipients(counselee: Counselee) -> QuerySet[User]:
    """Who is alerted: every active counselor without a conflict with the student."""
    conflicted = ConflictOfInterest.objects.filter(counselee=counselee).values("counselor_id")
    return User.objects.filter(role=Role.COUNSELOR, is_active=True).exclude(pk__in=conflicted)


def walk_in_watchers(counselee: Counselee, opener: User) -> QuerySet[User]:
    """Who is told of a crisis walk-in: the admins, and her counselors on the case but
    the one who opened it."""
    on_case = CaseAssignment.objects.active().filter(counselee=counselee).values("counselor_id")
    counselors = User.objects.filter(pk__in=on_case, is_active=True)
    return (alerted_admins() | counselors).exclude(pk=opener.pk).distinct()


def escalation_recipients() -> QuerySet[User]:
    """Who is told of a request nobody took in time: the coordinators and the admins."""
    return (coordinators() | alerted_admins()).distinct()


def _requests() -> QuerySet[CrisisRequest]:
    # Directory data and times only: the text and the record's encrypted fields stay unread.
    return CrisisRequest.objects.select_related("counselee__user", "taken_by").defer(
        "text", *encrypted_paths(Counselee, "counselee")
    )


def waiting_crisis_requests_for(user: Person) -> QuerySet[CrisisRequest]:
    """The requests waiting that a counselor may take (oldest first); for an admin, the
    same list to watch (times only). Empty for everyone else."""
    if has_role(user, Role.ADMIN):
        return _requests().filter(status=Waiting).order_by("created_at")
    if not has_role(user, Role.COUNSELOR):
        return CrisisRequest.objects.none()
    conflicted = ConflictOfInterest.objects.filter(
        counselor=user, counselee=OuterRef("counselee_id")
    )
    return _requests().filter(status=Waiting).exclude(Exists(conflicted)).order_by("created_at")


def crisis_poll_filter(user: User) -> Q:
    """`waiting_crisis_requests_for` as one filter, for the banner's one-query poll."""
    conflicted = ConflictOfInterest.objects.filter(
        counselor=user, counselee=OuterRef("counselee_id")
    )
    return Q(status=Waiting) & ~Q(Exists(conflicted))


def may_see_crisis_request(user: Person, request: CrisisRequest) -> bool:
    """The student her own; a counselor without a conflict (the time, the class, how long
    it has waited; once taken, who took it)."""
    if has_role(user, Role.STUDENT):
        return request.counselee.user_id == user.pk
    return has_role(user, Role.COUNSELOR) and not record_access(user, request.counselee).conflicted


def may_take_crisis_request(user: Person, request: CrisisRequest) -> bool:
    """A counselor without a conflict takes a request that still waits."""
    return (
        has_role(user, Role.COUNSELOR)
        and request.status == Waiting
        and may_see_crisis_request(user, request)
    )


def may_read_crisis_text(user: Person, request: CrisisRequest) -> bool:
    """The text is for whoever took it, while she has no conflict, and for its writer."""
    if has_role(user, Role.STUDENT):
        return request.counselee.user_id == user.pk
    return (
        has_role(user, Role.COUNSELOR)
        and request.taken_by_id == user.pk
        and not record_access(user, request.counselee).conflicted
    )


def get_crisis_request_for(user: Person, public_id: Any) -> CrisisRequest:
    """A crisis request `user` may open (text deferred), else `Http404` (logged)."""
    return fetch(
        user,
        _requests(),
        public_id,
        may=lambda request: may_see_crisis_request(user, request),
        counselee_of=lambda request: request.counselee,
    )


def own_crisis_requests_for(user: Person) -> QuerySet[CrisisRequest]:
    """A student's own requests, newest first."""
    if not has_role(user, Role.STUDENT):
        return CrisisRequest.objects.none()
    return _requests().filter(counselee__user=user).order_by("-created_at")


def may_start_crisis_session(user: Person, request: CrisisRequest) -> bool:
    """The counselor who took it starts its session, while she may write on the record."""
    return (
        request.taken_by_id == user.pk
        and request.session_id is not None
        and record_access(user, request.counselee).write_counseling_data
    )


def may_confirm_crisis_counselor(user: Person, request: CrisisRequest) -> bool:
    """The student keeps the counselor who helped her: her crisis assignment stays."""
    assignment = request.assignment
    return (
        has_role(user, Role.STUDENT)
        and request.counselee.user_id == user.pk
        and assignment is not None
        and assignment.is_active
        and assignment.expires_at is not None
        and assignment.expires_at > timezone.now()
    )


def on_duty_now(user: Person, now: datetime.datetime | None = None) -> bool:
    """Whether the roster has `user` on duty at this moment (school's time zone)."""
    if not has_role(user, Role.COUNSELOR):
        return False
    local = timezone.localtime(now)
    return DutyShift.objects.filter(
        counselor=user,
        weekday=local.weekday(),
        start_time__lte=local.time(),
        end_time__gt=local.time(),
    ).exists()


def may_open_crisis_walk_in(user: Person, counselee: Counselee) -> bool:
    """The counselor on duty (or the coordinator) opens a crisis session for any student
    who walks in, caseload or not; never one she has a conflict with."""
    if not has_role(user, Role.COUNSELOR) or record_access(user, counselee).conflicted:
        return False
    return on_duty_now(user) or is_coordinator(user)


def find_students_for_walk_in(user: Person, query: str) -> QuerySet[Counselee]:
    """Students named by NIS or name, for the counselor on duty: directory data only."""
    if not has_role(user, Role.COUNSELOR) or not query.strip():
        return Counselee.objects.none()
    query = query.strip()
    found: QuerySet[Counselee] = (
        Counselee.objects.select_related("user")
        .defer(*encrypted_field_names(Counselee))
        .filter(Q(nis=query) | Q(user__full_name__icontains=query))
        .filter(user__is_active=True)
    )
    return found.order_by("user__full_name")[:20]


def get_walk_in_student_for(user: Person, public_id: Any) -> Counselee:
    return fetch(
        user,
        Counselee.objects.select_related("user"),
        public_id,
        may=lambda counselee: may_open_crisis_walk_in(user, counselee),
        counselee_of=lambda counselee: counselee,
    )


def may_edit_roster(user: Person) -> bool:
    """The admin or the coordinator edits the duty roster."""
    return has_role(user, Role.ADMIN) or is_coordinator(user)


def is_crisis_session(session: CounselingSession) -> bool:
    """Whether `session` was opened by the crisis pathway (taken request or walk-in).

    Gates that stand before regular sessions (consent, a guardian's consent) let it
    through: seed 004 (e), serve anyone in an emergency.
    """
    return CrisisRequest.objects.filter(session_id=session.pk).exists()


# The safety plan


def may_write_safety_plan(user: Person, counselee: Counselee) -> bool:
    """The counselor on the case (a crisis assignment included) writes the safety plan."""
    return has_role(user, Role.COUNSELOR) and record_access(user, counselee).write_counseling_data


def may_edit_safety_plan(user: Person, plan: SafetyPlan) -> bool:
    """A plan is revised by the counselor who wrote it, while she is on the case."""
    return plan.counselor_id == user.pk and may_write_safety_plan(user, plan.counselee)


def safety_plans_for(user: Person) -> QuerySet[SafetyPlan]:
    """A student's plans that were shared with her; a counselor's own plans on records
    she may still write about."""
    if has_role(user, Role.STUDENT):
        return SafetyPlan.objects.filter(counselee__user=user, shared_with_student=True)
    if has_role(user, Role.COUNSELOR):
        assigned = CaseAssignment.objects.active().filter(
            counselor=user, counselee=OuterRef("counselee_id")
        )
        conflicted = ConflictOfInterest.objects.filter(
            counselor=user, counselee=OuterRef("counselee_id")
        )
        return SafetyPlan.objects.filter(counselor=user).filter(
            Exists(assigned) & ~Exists(conflicted)
        )
    return SafetyPlan.objects.none()


def get_safety_plan_for(user: Person, public_id: Any) -> SafetyPlan:
    return fetch(
        user,
        safety_plans_for(user).select_related("counselee__user", "counselor"),
        public_id,
        may=lambda plan: True,
        counselee_of=lambda plan: plan.counselee,
    )

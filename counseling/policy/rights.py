"""Who makes, sees, reviews and decides a student's requests under UU PDP.

The student makes her own requests and sees their status, clock and answer. Her
counselor (an active, unconflicted assignment; the coordinator when she has none)
reviews a copy before it is released and sees the requests of her caseload. The data
protection officer sees every request, its clock and what was asked, decides erasure,
restriction, objection and directory corrections, and never reads counseling content:
a copy is released by the counselor who can read what is in it. Admins see none of it.
"""

from django.db.models import Q, QuerySet

from counseling.accounts.models import User
from counseling.crisis.models import CrisisRequest
from counseling.policy.accounts import coordinators
from counseling.policy.core import Person, Role, deny, fetch, has_role
from counseling.policy.records import (
    assigned_counselees,
    has_active_assignment,
    has_conflict,
    is_restricted,
)
from counseling.records.models import CaseAssignment, ConflictOfInterest, Counselee
from counseling.retention import schedule
from counseling.rights.models import CopyLink, DataRequest
from sessions.models import CounselingSession, SessionNote

Kind = DataRequest.Kind

# Decided by the data protection officer; a copy is reviewed and released by a counselor,
# and a student's view of a note is added at once, as an addendum.
DECIDED_BY_DPO = frozenset({Kind.CORRECTION, Kind.ERASURE, Kind.RESTRICTION, Kind.OBJECTION})


def is_dpo(user: Person) -> bool:
    return has_role(user, Role.DPO)


def dpos() -> "QuerySet[User]":
    return User.objects.filter(role=Role.DPO, is_active=True)


def may_make_data_request(user: Person, counselee: Counselee | None) -> bool:
    """The student herself, about her own record, while it has not been erased."""
    return (
        has_role(user, Role.STUDENT)
        and counselee is not None
        and counselee.user_id == user.pk
        and not schedule.is_erased(counselee)
    )


def data_requests_for(user: Person) -> QuerySet[DataRequest]:
    """Her own requests for a student; her caseload's for a counselor (the coordinator's
    also those of students with no counselor); all of them for the DPO."""
    requests = DataRequest.objects.select_related("counselee__user")
    if is_dpo(user):
        return requests
    if has_role(user, Role.STUDENT):
        return requests.filter(counselee__user=user)
    if has_role(user, Role.COUNSELOR):
        reach = assigned_counselees(user)
        if user.is_coordinator:
            counseled = CaseAssignment.objects.active().values("counselee_id")
            conflicted = ConflictOfInterest.objects.filter(counselor=user).values("counselee_id")
            reach |= ~Q(counselee_id__in=counseled) & ~Q(counselee_id__in=conflicted)
        return requests.filter(reach)
    return requests.none()


def get_data_request_for(user: Person, public_id: object) -> DataRequest:
    return fetch(
        user,
        data_requests_for(user),
        public_id,
        may=lambda request: True,
        counselee_of=lambda request: request.counselee,
    )


def reviewers_of(counselee: Counselee) -> "QuerySet[User]":
    """Who reviews her copy: her active counselors, or the coordinators when she has none;
    never a counselor who declared a conflict with her."""
    if has_active_assignment(counselee):
        assigned = CaseAssignment.objects.active().filter(counselee=counselee)
        counselors = User.objects.filter(
            role=Role.COUNSELOR, is_active=True, pk__in=assigned.values("counselor_id")
        )
    else:
        counselors = coordinators()
    conflicted = ConflictOfInterest.objects.filter(counselee=counselee).values("counselor_id")
    return counselors.exclude(pk__in=conflicted)


def _answerable(request: DataRequest) -> bool:
    """Still waiting for an answer, about a student whose records still exist."""
    return request.is_open and not schedule.is_erased(request.counselee)


def may_review_copy(user: Person, request: DataRequest) -> bool:
    return (
        request.kind == Kind.COPY
        and _answerable(request)
        and has_role(user, Role.COUNSELOR)
        and not has_conflict(user, request.counselee)
        and reviewers_of(request.counselee).filter(pk=user.pk).exists()
    )


def may_decide_data_request(user: Person, request: DataRequest) -> bool:
    return is_dpo(user) and request.kind in DECIDED_BY_DPO and _answerable(request)


def may_withdraw_data_request(user: Person, request: DataRequest) -> bool:
    return has_role(user, Role.STUDENT) and request.counselee.user_id == user.pk and request.is_open


def may_download_copy(user: Person, request: DataRequest) -> bool:
    """Her released copy: the student herself, nobody else, not even the DPO."""
    return (
        has_role(user, Role.STUDENT)
        and request.counselee.user_id == user.pk
        and request.kind == Kind.COPY
        and request.status == DataRequest.Status.DONE
        and not schedule.is_erased(request.counselee)
    )


def may_add_view_to_note(user: Person, note: SessionNote) -> bool:
    """A correction of a note: the student adds her view beside a final note of her own
    sessions. She does not read the note here (her copy shows what was released)."""
    counselee = note.session.counselee
    return note.status == SessionNote.Status.FINAL and may_make_data_request(user, counselee)


def notes_to_answer(user: Person) -> QuerySet[SessionNote]:
    """Final notes of her own sessions, by date only: what she may add her view to."""
    if not has_role(user, Role.STUDENT):
        return SessionNote.objects.none()
    return (
        SessionNote.objects.filter(session__counselee__user=user, status=SessionNote.Status.FINAL)
        .select_related("session")
        .only("public_id", "session__scheduled_start", "created_at")
    )


def may_end_restriction(user: Person, counselee: Counselee) -> bool:
    """Only she ends a restriction she asked for."""
    return may_make_data_request(user, counselee) and is_restricted(counselee)


def copy_review_notes_for(user: Person, request: DataRequest) -> QuerySet[SessionNote]:
    """Every final note of the counselee, for the counselor who reviews her copy.

    The law asks for a review of what is released (UU PDP art. 33), and her copy holds
    every final note of her record, so the reviewer reads them all, earlier counselors'
    included: a wider reach than her caseload gives, for this purpose only. Drafts belong
    to their authors and never travel. The review page records each note it shows in
    the access log (purpose: data protection), so the student sees who read what.
    """
    if not may_review_copy(user, request):
        return SessionNote.objects.none()
    notes: QuerySet[SessionNote] = SessionNote.objects.filter(
        session__counselee=request.counselee, status=SessionNote.Status.FINAL
    ).select_related("session", "author")
    return notes.order_by("finalised_at", "pk")


def may_use_copy_link(user: Person, link: CopyLink) -> bool:
    """A download link works only for the student it was made for, signed in: a link
    forwarded to anyone else is not a key to her copy."""
    return may_download_copy(user, link.request)


def copy_link_for(user: Person, token_hash: str) -> CopyLink:
    """Her link by its token's hash, or 404 (logged) for anyone else or no such link."""
    links = CopyLink.objects.select_related("request__counselee__user", "request__copy")
    link = links.filter(token_hash=token_hash).first()
    if link is not None and may_use_copy_link(user, link):
        return link
    deny(
        user,
        object_type="rights.copylink",
        object_id=str(link.pk) if link is not None else "",
        counselee=link.request.counselee if link is not None else None,
    )


def erasure_obstacles(counselee: Counselee) -> list[str]:
    """The law's grounds that stand in the way of erasing her now: a legal hold that
    pauses erasure, or a case in hand (a session under way, her request to talk now
    waiting). The DPO sees them; a grant is refused while any stands."""
    grounds: list[str] = []
    if schedule.pausing_holds().filter(counselee=counselee).exists():
        grounds.append(DataRequest.Ground.LEGAL_HOLD)
    waiting = CrisisRequest.objects.filter(counselee=counselee, status=CrisisRequest.Status.WAITING)
    running = CounselingSession.objects.filter(
        counselee=counselee, status=CounselingSession.Status.IN_PROGRESS
    )
    if waiting.exists() or running.exists():
        grounds.append(DataRequest.Ground.PENDING_CASE)
    return grounds

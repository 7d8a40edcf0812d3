"""Who proposes, answers and reads a referral (alih tangan kasus), and what it shares.

A counselor on the case proposes to another counselor of the school who has declared no
conflict with the student. The student answers first: nothing moves, and the receiver
learns nothing, until she accepts. The receiver then reads the hand-over summary and
accepts or declines. Once accepted, the receiver reads the final notes and disclosures the
student left in (`shared_note`, `shared_disclosure`, consulted by `policy.notes` and
`policy.disclosures`), and the referring counselor keeps read-only reach to her own notes
for `READ_ONLY_DAYS` (`policy.records`), and to the referral itself for as long
(`policy.shares.referrer_reach`). The referring counselor may offer her online-counseling
conversation with the student; the receiver reads it, read-only, only if the student left
it in (`policy.messaging`). A change the student asked for is read by a coordinator only
while it waits for one to choose the receiver, and by the one who chose until the student
answers: who and why, never what is shared. Admins never see a referral's content.
"""

from typing import Any

from django.db.models import Exists, OuterRef, Q, QuerySet

from consent.models import Disclosure
from counseling.accounts.models import User
from counseling.messaging.models import Conversation
from counseling.policy.accounts import coordinators, is_coordinator
from counseling.policy.core import Person, Role, fetch, has_role
from counseling.policy.disclosures import disclosures_for
from counseling.policy.messaging import conversation_access
from counseling.policy.notes import notes_for
from counseling.policy.records import has_conflict, is_restricted, record_access
from counseling.policy.shares import READ_ONLY, READ_ONLY_DAYS, referrer_reach
from counseling.records.models import CaseAssignment, ConflictOfInterest, Counselee
from counseling.referrals.models import Referral
from sessions.models import SessionNote

Status = Referral.Status

__all__ = ["READ_ONLY", "READ_ONLY_DAYS"]

# The states in which the receiver knows of a referral: not before the student accepted,
# and no more once she declined it (the summary and reason were for taking the case).
_RECEIVER_KNOWS = (Status.WAITING_RECEIVER, Status.ACCEPTED)


def _referrals() -> QuerySet[Referral]:
    return Referral.objects.select_related(
        "counselee__user", "from_counselor", "to_counselor", "shared_conversation"
    )


def referrals_for(user: Person) -> QuerySet[Referral]:
    """The referrals `user` may list: a student's own, a counselor's made or received.

    A receiver sees a referral only once the student has accepted it; an admin none.
    """
    if has_role(user, Role.STUDENT):
        return _referrals().filter(counselee__user=user)
    if has_role(user, Role.COUNSELOR):
        made = referrer_reach(user)
        received = Q(to_counselor=user, status__in=_RECEIVER_KNOWS)
        if is_coordinator(user):
            received |= _coordinating(user)
        return _referrals().filter(made | received).exclude(_conflicted(user))
    return Referral.objects.none()


def _coordinating(user: Person) -> Q:
    """A filter on referrals: a change a student asked for that a coordinator reads,
    while it waits for a coordinator's choice, or that she chose, until the student
    answers. Callers check that `user` is a coordinator and exclude conflicts."""
    waiting = Q(status=Status.WAITING_COORDINATOR)
    chosen = Q(chosen_by_id=user.pk, status=Status.WAITING_STUDENT)
    return Q(requested_by_student=True) & (waiting | chosen)


def _conflicted(user: User) -> Exists:
    return Exists(
        ConflictOfInterest.objects.filter(counselor=user, counselee=OuterRef("counselee_id"))
    )


def referrals_awaiting_student(user: Person) -> QuerySet[Referral]:
    """A student's referrals that wait for her answer (her dashboard asks her)."""
    if not has_role(user, Role.STUDENT):
        return Referral.objects.none()
    return referrals_for(user).filter(status=Status.WAITING_STUDENT).order_by("created_at")


def may_read_referral(user: Person, referral: Referral) -> bool:
    """The student concerned; the referring counselor, until her read-only days after
    the hand-over end; the receiver once the student accepted; a coordinator, for a
    change the student asked for, while she chooses (`_coordinating`). Never anyone
    with a declared conflict."""
    if has_role(user, Role.STUDENT):
        return referral.counselee.user_id == user.pk
    if not has_role(user, Role.COUNSELOR) or has_conflict(user, referral.counselee):
        return False
    if _is_receiver(user, referral):
        return True
    if referral.from_counselor_id == user.pk:
        return Referral.objects.filter(referrer_reach(user), pk=referral.pk).exists()
    return (
        is_coordinator(user)
        and Referral.objects.filter(_coordinating(user), pk=referral.pk).exists()
    )


def _is_receiver(user: Person, referral: Referral) -> bool:
    return referral.to_counselor_id == user.pk and referral.status in _RECEIVER_KNOWS


def may_read_handover(user: Person, referral: Referral) -> bool:
    """What the referral carries (the summary, the counselor's reason, the list of the
    sessions, disclosures and conversation shared): the student, the referring counselor
    and the receiver, as far as they read the referral. Never a coordinator by her role:
    choosing a receiver needs who and why in general, not what is shared."""
    if not may_read_referral(user, referral):
        return False
    if has_role(user, Role.STUDENT):
        return True
    return _is_receiver(user, referral) or referral.from_counselor_id == user.pk


def staff_told_of(referral: Referral, *candidates: User | None) -> list[User]:
    """Whom of `candidates` a notice about `referral` may reach: never a counselor who
    has declared a conflict with the student (the link would answer her 404)."""
    conflicted = set(
        ConflictOfInterest.objects.filter(counselee_id=referral.counselee_id).values_list(
            "counselor_id", flat=True
        )
    )
    return [user for user in candidates if user is not None and user.pk not in conflicted]


def coordinators_told_of_change(referral: Referral) -> QuerySet[User]:
    """The coordinators told that a student asked to change counselor: any coordinator
    but the counselor she wants to leave, none with a conflict with her."""
    conflicted = ConflictOfInterest.objects.filter(
        counselor=OuterRef("pk"), counselee_id=referral.counselee_id
    )
    return coordinators().exclude(pk=referral.from_counselor_id).exclude(Exists(conflicted))


def get_referral_for(user: Person, public_id: Any) -> Referral:
    """The referral with `public_id` if `user` may read it, else `Http404` (logged)."""
    return fetch(
        user,
        _referrals(),
        public_id,
        may=lambda referral: may_read_referral(user, referral),
        counselee_of=lambda referral: referral.counselee,
    )


def receivers_for(user: Person, counselee: Counselee) -> QuerySet[User]:
    """The counselors `user` may hand `counselee`'s case to: active counselors of the
    school other than herself, not already on the case, with no declared conflict."""
    if not has_role(user, Role.COUNSELOR):
        return User.objects.none()
    conflicted = ConflictOfInterest.objects.filter(counselor=OuterRef("pk"), counselee=counselee)
    on_case = counselee.assignments.model.objects.active().filter(
        counselor=OuterRef("pk"), counselee=counselee
    )
    return (
        User.objects.filter(role=Role.COUNSELOR, is_active=True)
        .exclude(pk=user.pk)
        .exclude(Exists(conflicted))
        .exclude(Exists(on_case))
        .order_by("full_name")
    )


def may_refer(user: Person, counselee: Counselee) -> bool:
    """The counselor on the case, when no other referral of the student is open and she
    has not restricted the processing of her data (a hand-over passes it on)."""
    return (
        record_access(user, counselee).write_counseling_data
        and not is_restricted(counselee)
        and not Referral.objects.open().filter(counselee=counselee).exists()
    )


def may_refer_to(user: Person, counselee: Counselee, receiver: User) -> bool:
    return (
        may_refer(user, counselee)
        and receivers_for(user, counselee).filter(pk=receiver.pk).exists()
    )


def shareable_notes(user: Person, counselee: Counselee) -> QuerySet[SessionNote]:
    """The final notes of `counselee` that `user` may pass on: those she reads herself.

    Drafts never travel, not even her own.
    """
    return notes_for(user).filter(session__counselee=counselee, status=SessionNote.Status.FINAL)


def shareable_disclosures(user: Person, counselee: Counselee) -> QuerySet[Disclosure]:
    return disclosures_for(user).filter(counselee=counselee)


def shareable_conversation(user: Person, counselee: Counselee) -> Conversation | None:
    """The online-counseling conversation `user` may offer in a referral: her own with
    `counselee`, when she reads it herself."""
    if not has_role(user, Role.COUNSELOR):
        return None
    conversation = (
        Conversation.objects.filter(counselee=counselee, counselor_id=user.pk)
        .select_related("counselee")
        .first()
    )
    if conversation is None or not conversation_access(user, conversation).read:
        return None
    return conversation


def may_answer_as_student(user: Person, referral: Referral) -> bool:
    """The student concerned, while her answer is awaited."""
    return (
        has_role(user, Role.STUDENT)
        and referral.counselee.user_id == user.pk
        and referral.status == Status.WAITING_STUDENT
    )


def may_answer_as_receiver(user: Person, referral: Referral) -> bool:
    """The receiver, once the student accepted, with no conflict, while the student is in
    counseling. She may be on the case already (she took the student's urgent request
    meanwhile: a referral in progress stops neither)."""
    return (
        has_role(user, Role.COUNSELOR)
        and referral.to_counselor_id == user.pk
        and referral.status == Status.WAITING_RECEIVER
        and not has_conflict(user, referral.counselee)
        and referral.counselee.counseling_ended_at is None
    )


def may_withdraw_referral(user: Person, referral: Referral) -> bool:
    """The referring counselor, while nobody has finished answering; never a change the
    student asked for (only she ends that, by declining)."""
    return (
        has_role(user, Role.COUNSELOR)
        and referral.from_counselor_id == user.pk
        and referral.is_open
        and not referral.requested_by_student
    )


# "Aku ingin ganti konselor": the student starts it, a coordinator chooses the receiver.


def changeable_assignments_for(user: Person) -> QuerySet[CaseAssignment]:
    """The student's active assignments she may ask to change (none while a referral of
    hers is open)."""
    if not has_role(user, Role.STUDENT):
        return CaseAssignment.objects.none()
    if Referral.objects.open().filter(counselee__user=user).exists():
        return CaseAssignment.objects.none()
    return (
        CaseAssignment.objects.active()
        .filter(counselee__user=user)
        .select_related("counselor")
        .order_by("pk")
    )


def get_changeable_assignment_for(user: Person, public_id: Any) -> CaseAssignment:
    return fetch(
        user,
        changeable_assignments_for(user),
        public_id,
        may=lambda assignment: True,
        counselee_of=lambda assignment: assignment.counselee,
    )


def may_ask_to_change(user: Person, assignment: CaseAssignment) -> bool:
    """The student herself, about an active assignment, with no referral of hers open."""
    return (
        has_role(user, Role.STUDENT)
        and assignment.counselee.user_id == user.pk
        and assignment.is_active
        and not Referral.objects.open().filter(counselee=assignment.counselee).exists()
    )


def may_choose_receiver(user: Person, referral: Referral) -> bool:
    """A coordinator other than the counselor the student wants to leave, without a
    conflict, while the request waits for her."""
    return (
        referral.status == Status.WAITING_COORDINATOR
        and is_coordinator(user)
        and has_role(user, Role.COUNSELOR)
        and referral.from_counselor_id != user.pk
        and not has_conflict(user, referral.counselee)
    )


def change_receivers_for(referral: Referral) -> QuerySet[User]:
    """Whom a coordinator may choose: any counselor the current one could refer to."""
    return receivers_for(referral.from_counselor, referral.counselee)


def must_hand_over_caseload(user: Person) -> bool:
    """A counselor with an active caseload is not switched off or given another role:
    she hands each case over through a referral first."""
    return (
        has_role(user, Role.COUNSELOR)
        and CaseAssignment.objects.active().filter(counselor_id=user.pk).exists()
    )

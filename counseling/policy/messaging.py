"""Who may read and write an online-counseling conversation (konseling daring).

A conversation is between one student and one counselor. The counselor on the case reads
and writes it; when her assignment ends she still reads what was written while she was
on the case, read-only, and nothing after. A student without a counselor writes to a
coordinator (an intake conversation), who reads and writes it until someone is assigned;
then it is read-only for her. Once the student ends counseling every conversation of hers
is read-only for everyone and kept with the record. A counselor with a conflict of
interest reaches none of it. The receiver of an accepted referral that shared the
conversation (with the student's consent) reads what was written until the student
consented, read-only, while she is on the case. Admins see counts, never a conversation.
Every other role (a teacher, when that role exists) reaches nothing: the checks below
name the roles that may, so a new role is denied until a line here lets it in.
"""

import datetime
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.db.models import Exists, Max, Min, OuterRef, Q, QuerySet, Sum
from django.utils import timezone

from counseling.accounts.models import User
from counseling.messaging.models import RETRACT_WINDOW as RETRACT_WINDOW
from counseling.messaging.models import Conversation, Message
from counseling.policy.accounts import is_coordinator
from counseling.policy.core import Person, Purpose, Role, deny, fetch, has_role
from counseling.policy.records import is_restricted
from counseling.policy.shares import READ_ONLY, conversation_shares_with
from counseling.records.models import CaseAssignment, ConflictOfInterest, Counselee
from counseling.referrals.models import Referral


@dataclass(frozen=True)
class ConversationAccess:
    """What one user may do with one conversation.

    `visible_until`: messages sent after it are not hers to read (a counselor whose
    assignment ended); None for no limit.
    """

    read: bool
    write: bool
    purpose: str
    visible_until: datetime.datetime | None = None
    student_side: bool = False


NO_ACCESS = ConversationAccess(False, False, Purpose.NONE)


def _pair_state(conversation: Conversation) -> dict[str, Any]:
    """The case's state for the conversation's pair, in one query."""
    pair = {"counselor_id": conversation.counselor_id, "counselee": OuterRef("pk")}
    return (
        Counselee.objects.filter(pk=conversation.counselee_id)
        .annotate(
            # `active()`: a lapsed crisis assignment ends her reach at the lapse itself.
            assigned=Exists(CaseAssignment.objects.active().filter(**pair)),
            conflicted=Exists(ConflictOfInterest.objects.filter(**pair)),
            any_assignment=Exists(CaseAssignment.objects.active().filter(counselee=OuterRef("pk"))),
            last_ended=Max(
                "assignments__ended_at", filter=Q(assignments__counselor_id=pair["counselor_id"])
            ),
            first_other_start=Min(
                "assignments__started_at", filter=Q(assignments__ended_at__isnull=True)
            ),
        )
        .values(
            "user_id",
            "counseling_ended_at",
            "assigned",
            "conflicted",
            "any_assignment",
            "last_ended",
            "first_other_start",
        )
        .get()
    )


def conversation_access(user: Person, conversation: Conversation) -> ConversationAccess:
    """The decision about one conversation for `user`: one query."""
    if not has_role(user, Role.STUDENT, Role.COUNSELOR):
        return NO_ACCESS
    state = _pair_state(conversation)
    open_ = state["counseling_ended_at"] is None and not state["conflicted"]
    intake_open = (
        conversation.intake
        and not state["any_assignment"]
        and is_coordinator(conversation.counselor)
    )
    reachable = state["assigned"] or intake_open
    if has_role(user, Role.STUDENT):
        if state["user_id"] != user.pk:
            return NO_ACCESS
        return ConversationAccess(True, open_ and reachable, Purpose.OWN, student_side=True)
    if conversation.counselor_id != user.pk:
        return _shared_access(user, conversation)
    if state["conflicted"]:
        return NO_ACCESS
    if reachable:
        return ConversationAccess(True, open_, Purpose.CASELOAD)
    if state["last_ended"] is not None and timezone.now() < state["last_ended"] + READ_ONLY:
        # Her assignment ended: what was written while she was on the case, read-only, for
        # as long as a referring counselor reads her own notes; then nothing.
        return ConversationAccess(True, False, Purpose.CASELOAD, state["last_ended"])
    if conversation.intake:
        # Someone was assigned since: what was written before, read-only.
        return ConversationAccess(True, False, Purpose.CASELOAD, state["first_other_start"])
    return NO_ACCESS


def _shared_access(user: Person, conversation: Conversation) -> ConversationAccess:
    """The receiver of an accepted referral that shared `conversation`: the messages
    written until the student consented to share it, read-only, while the receiver is on
    the case and has declared no conflict; one query."""
    pair = {"counselor_id": user.pk, "counselee_id": conversation.counselee_id}
    consented_at = (
        Referral.objects.filter(
            to_counselor_id=user.pk,
            status=Referral.Status.ACCEPTED,
            shared_conversation=conversation,
        )
        .filter(Exists(CaseAssignment.objects.active().filter(**pair)))
        .exclude(Exists(ConflictOfInterest.objects.filter(**pair)))
        .aggregate(at=Max("student_answered_at"))["at"]
    )
    if consented_at is None:
        return NO_ACCESS
    return ConversationAccess(True, False, Purpose.REFERRAL, consented_at)


def conversations_for(user: Person) -> QuerySet[Conversation]:
    """The conversations `user` may open: a student's own; a counselor's, on a case she
    holds or held, or an intake she received, and one a referral she accepted shared
    with her while she is on the case; none for anyone else."""
    rows = Conversation.objects.select_related("counselor", "counselee__user").defer(
        "counselee__guardian_name", "counselee__guardian_phone", "counselee__background_notes"
    )
    if has_role(user, Role.STUDENT):
        return rows.filter(counselee__user=user)
    if has_role(user, Role.COUNSELOR):
        held = CaseAssignment.objects.filter(counselor=user, counselee=OuterRef("counselee_id"))
        conflict = ConflictOfInterest.objects.filter(
            counselor=user, counselee=OuterRef("counselee_id")
        )
        on_case = CaseAssignment.objects.active().filter(
            counselor=user, counselee=OuterRef("counselee_id")
        )
        own = (Q(Exists(held)) | Q(intake=True)) & Q(counselor=user)
        shared = Q(conversation_shares_with(user)) & Q(Exists(on_case))
        return rows.filter(own | shared).exclude(Exists(conflict))
    return rows.none()


def get_conversation_for(user: Person, public_id: Any) -> Conversation:
    """The conversation if `user` may read it, else `Http404` (logged)."""
    return fetch(
        user,
        conversations_for(user),
        public_id,
        may=lambda conversation: conversation_access(user, conversation).read,
        counselee_of=lambda conversation: conversation.counselee,
    )


def polled_version(user: Person, public_id: Any) -> int | None:
    """The version of a conversation `user` may read, for a poll: one query, nothing
    decrypted. None when there is no such conversation for her (the poll then says
    nothing; the page itself answers 404 and logs)."""
    if not has_role(user, Role.STUDENT, Role.COUNSELOR):
        return None
    try:
        return (
            conversations_for(user)
            .filter(public_id=public_id)
            .values_list("version", flat=True)
            .first()
        )
    except Exception:  # a malformed id matches nothing
        return None


def visible_messages(conversation: Conversation, access: ConversationAccess) -> QuerySet[Message]:
    """The messages of `conversation` that the holder of `access` reads."""
    if not access.read:
        return Message.objects.none()
    messages = Message.objects.filter(conversation=conversation)
    if access.visible_until is not None:
        messages = messages.filter(sent_at__lte=access.visible_until)
    return messages


def may_send(user: Person, conversation: Conversation) -> bool:
    """Write in a conversation one may write in, unless the student has restricted the
    processing of her data (UU PDP art. 41): then the conversation is kept, read-only."""
    return conversation_access(user, conversation).write and not is_restricted(
        conversation.counselee
    )


def may_retract(user: Person, message: Message) -> bool:
    """Its sender, within a minute of sending, while she may still write there."""
    return (
        has_role(user, Role.STUDENT, Role.COUNSELOR)
        and message.sender_id == user.pk
        and message.retracted_at is None
        and timezone.now() - message.sent_at <= RETRACT_WINDOW
        and may_send(user, message.conversation)
    )


def may_mark_urgent(user: Person, conversation: Conversation) -> bool:
    """Only the student marks her message as urgent (it raises the crisis pathway)."""
    access = conversation_access(user, conversation)
    return access.write and access.student_side


def message_partners_for(user: Person) -> QuerySet[User]:
    """Whom a student may start a conversation with: her counselors; a coordinator while
    she has none. Nobody once she ended counseling, and nobody for other roles."""
    if not has_role(user, Role.STUDENT):
        return User.objects.none()
    counselee = Counselee.objects.filter(user=user).first()
    if counselee is None or counselee.counseling_ended_at is not None or is_restricted(counselee):
        return User.objects.none()
    conflicted = ConflictOfInterest.objects.filter(counselee=counselee).values("counselor_id")
    counselors = User.objects.filter(role=Role.COUNSELOR, is_active=True).exclude(pk__in=conflicted)
    assigned = CaseAssignment.objects.active().filter(counselee=counselee)
    if assigned.exists():
        return counselors.filter(pk__in=assigned.values("counselor_id"))
    return counselors.filter(is_coordinator=True)


def get_message_partner_for(user: Person, username: str) -> User:
    """A counselor the student may write to, by username; else `Http404` (logged)."""
    partner = message_partners_for(user).filter(username=username).first()
    if partner is None:
        deny(user, object_type="accounts.user", object_id=username)
    return partner


def unread_messages_for(user: Person) -> int:
    """How many messages wait for `user` across her conversations: one query."""
    if has_role(user, Role.STUDENT):
        field = "unread_for_student"
    elif has_role(user, Role.COUNSELOR):
        field = "unread_for_counselor"
    else:
        return 0
    # Her own conversations only: one shared with her by a referral is history, and its
    # counter is the other counselor's.
    rows = conversations_for(user).filter(Q(counselee__user=user) | Q(counselor_id=user.pk))
    return rows.aggregate(n=Sum(field))["n"] or 0


def may_assign_from_intake(user: Person, conversation: Conversation) -> bool:
    """The coordinator who received an intake assigns a counselor while none is on the
    case (the student then answers the assignment on her dashboard, as an admin's)."""
    if not (is_coordinator(user) and conversation.intake and conversation.counselor_id == user.pk):
        return False
    state = _pair_state(conversation)
    return (
        not state["any_assignment"]
        and not state["conflicted"]
        and state["counseling_ended_at"] is None
    )


def intake_counselors_for(user: Person, conversation: Conversation) -> QuerySet[User]:
    """Whom the coordinator may assign from an intake: active counselors without a
    conflict of interest with the student (none when she may not assign)."""
    if not may_assign_from_intake(user, conversation):
        return User.objects.none()
    conflicted = ConflictOfInterest.objects.filter(counselee_id=conversation.counselee_id)
    return (
        User.objects.filter(role=Role.COUNSELOR, is_active=True)
        .exclude(pk__in=conflicted.values("counselor_id"))
        .order_by("full_name")
    )


def may_see_message_counts(user: Person) -> bool:
    """Admins see how much online counseling happens, in counts, never a line of it."""
    return has_role(user, Role.ADMIN)


def message_notice_window() -> datetime.timedelta:
    return datetime.timedelta(minutes=settings.AMANAH_MESSAGE_NOTICE_MINUTES)

"""Online counseling: opening a conversation, sending, retracting, drafts and urgency.

Every change takes its row locks first (the conversation, FOR NO KEY UPDATE), then asks
the policy under the lock, then writes the access log last (TRAPS.md, deadlocks). Notices
are content-free and batched: at most one per conversation and recipient per window.
"""

import datetime
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from consent import services as consent_services
from counseling import notices, policy
from counseling.accounts.models import User
from counseling.audit import log
from counseling.crisis import services as crisis_services
from counseling.crisis.models import CrisisRequest
from counseling.messaging.models import Conversation, Message, MessageDraft
from counseling.notices.models import Notice
from counseling.records.models import Counselee

MAX_LENGTH = 4000


class OnlineConsentRequired(ValidationError):
    """The student has not acknowledged a consent version that covers online counseling."""


def require_online_consent(student: User) -> None:
    if not consent_services.has_online_consent(student):
        raise OnlineConsentRequired(
            _(
                "Sebelum mengirim pesan pertamamu, bacalah dan setujui bagian konseling daring "
                "dalam persetujuan konseling."
            )
        )


def _lock(conversation: Conversation) -> Conversation:
    return (
        Conversation.objects.select_for_update(no_key=True)
        .select_related("counselor", "counselee__user")
        .get(pk=conversation.pk)
    )


@transaction.atomic
def open_conversation(student: User, counselor: User, *, by: User) -> Conversation:
    """The student's conversation with `counselor`, created on her first visit."""
    partner = policy.get_message_partner_for(by, counselor.username)
    counselee = Counselee.objects.get(user=student)
    conversation, created = Conversation.objects.get_or_create(
        counselee=counselee,
        counselor=partner,
        defaults={"intake": not policy.has_active_assignment(counselee)},
    )
    if created:
        log.record(
            log.Action.CREATE,
            actor=by,
            obj=conversation,
            counselee=counselee,
            purpose=log.Purpose.OWN,
        )
    return conversation


@transaction.atomic
def assign_from_intake(conversation: Conversation, counselor: User, *, by: User) -> None:
    """The coordinator puts a counselor on the case of a student who wrote without one."""
    from counseling.records import services as records_services
    from counseling.records.models import CaseAssignment

    conversation = _lock(conversation)
    policy.require(
        policy.may_assign_from_intake(by, conversation),
        conversation,
        counselee=conversation.counselee,
    )
    chosen = policy.intake_counselors_for(by, conversation).filter(pk=counselor.pk).first()
    if chosen is None:
        raise ValidationError(_("Pilih konselor aktif tanpa konflik kepentingan dengan siswa ini."))
    records_services.open_assignment(
        chosen, conversation.counselee, by=by, opened_by=CaseAssignment.OpenedBy.ADMIN
    )


def window_key(conversation: Conversation, recipient: User, now: datetime.datetime) -> str:
    """One notice per conversation, recipient and window: the batching of e-mails."""
    window = int(now.timestamp() // policy.message_notice_window().total_seconds())
    return f"message:{conversation.pk}:{recipient.pk}:{window}"


@transaction.atomic
def send(conversation: Conversation, *, by: User, body: str, urgent: bool = False) -> Message:
    """Send one message. It is immutable from now on (but for a retraction)."""
    body = body.strip()
    if not body:
        raise ValidationError(_("Tulis pesanmu dulu."))
    if len(body) > MAX_LENGTH:
        raise ValidationError(_("Pesan terlalu panjang (paling banyak 4.000 huruf)."))
    conversation = _lock(conversation)
    access = policy.conversation_access(by, conversation)
    policy.require(access.write, conversation, counselee=conversation.counselee)
    if urgent:
        policy.require(policy.may_mark_urgent(by, conversation), conversation)
    if access.student_side:
        require_online_consent(by)
    now = timezone.now()
    side = Message.SenderSide.STUDENT if access.student_side else Message.SenderSide.COUNSELOR
    message = Message.objects.create(
        conversation=conversation, sender=by, side=side, body=body, urgent=urgent, sent_at=now
    )
    unread = "unread_for_counselor" if access.student_side else "unread_for_student"
    Conversation.objects.filter(pk=conversation.pk).update(
        version=F("version") + 1, last_message_at=now, **{unread: F(unread) + 1}
    )
    MessageDraft.objects.filter(conversation=conversation, author=by).delete()
    if urgent:
        # Before this message's log entry: the crisis request locks her row, and every row
        # lock comes before the access log's lock.
        raise_urgent(by, conversation)
    log.record(
        log.Action.CREATE,
        actor=by,
        obj=message,
        counselee=conversation.counselee,
        purpose=access.purpose,
    )
    if access.student_side:
        recipient, kind = conversation.counselor, Notice.Kind.MESSAGE_TO_COUNSELOR
    else:
        recipient, kind = conversation.counselee.user, Notice.Kind.MESSAGE_TO_STUDENT
    notices.notify(
        recipient, kind, about=conversation, dedupe_key=window_key(conversation, recipient, now)
    )
    return message


def raise_urgent(student: User, conversation: Conversation) -> CrisisRequest:
    """The crisis pathway for a message the student marked urgent: the ONE place it starts.

    It is her "Aku butuh bicara sekarang" (`crisis.services.ask_for_help`, via "message"):
    every counselor without a conflict is alerted, content-free, and the first to take it
    works with her. The request carries no line of the message, which stays in the
    conversation for those who may read it.
    """
    return crisis_services.ask_for_help(student, via=CrisisRequest.Via.MESSAGE)


@transaction.atomic
def retract(message: Message, *, by: User) -> None:
    """Its sender takes a message back within a minute: the text is erased for good."""
    conversation = _lock(message.conversation)
    message = Message.objects.select_for_update(no_key=True).get(pk=message.pk)
    message.conversation = conversation
    policy.require(policy.may_retract(by, message), message, counselee=conversation.counselee)
    setattr(message, "body", "")  # noqa: B010 (the field's declared type is not str)
    message.retracted_at = timezone.now()
    message.save(update_fields=["body", "retracted_at"])
    Conversation.objects.filter(pk=conversation.pk).update(version=F("version") + 1)
    log.record(
        log.Action.UPDATE,
        actor=by,
        obj=message,
        counselee=conversation.counselee,
        purpose=policy.conversation_access(by, conversation).purpose,
    )


@transaction.atomic
def save_draft(conversation: Conversation, *, by: User, body: str) -> MessageDraft | None:
    """Keep what `by` is typing, encrypted; nothing is written when nothing changed."""
    conversation = _lock(conversation)
    access = policy.conversation_access(by, conversation)
    policy.require(access.write, conversation, counselee=conversation.counselee)
    body = body[:MAX_LENGTH]
    draft = (
        MessageDraft.objects.select_for_update()
        .filter(conversation=conversation, author=by)
        .first()
    )
    if draft is not None and draft.body == body:
        return draft
    if draft is None:
        draft = MessageDraft.objects.create(conversation=conversation, author=by, body=body)
    else:
        setattr(draft, "body", body)  # noqa: B010 (the field's declared type is not str)
        draft.updated_at = timezone.now()
        draft.save(update_fields=["body", "updated_at"])
    log.record(
        log.Action.UPDATE,
        actor=by,
        obj=draft,
        counselee=conversation.counselee,
        purpose=access.purpose,
    )
    return draft


def mark_read(conversation: Conversation, *, access: Any) -> None:
    """What was waiting for the reader counted as read (one UPDATE, none if nothing was)."""
    if access.visible_until is not None:
        return  # a counselor who left the case reads the past; the unread are not hers
    unread = "unread_for_student" if access.student_side else "unread_for_counselor"
    Conversation.objects.filter(pk=conversation.pk).exclude(**{unread: 0}).update(**{unread: 0})


def record_open(conversation: Conversation, *, by: User, access: Any) -> None:
    """One access-log entry for each time `by` opens the conversation (not one per
    message), and what was waiting for her counted as read."""
    with transaction.atomic():
        mark_read(conversation, access=access)
        log.record(
            log.Action.VIEW,
            actor=by,
            obj=conversation,
            counselee=conversation.counselee,
            purpose=access.purpose,
        )


def export_for(counselee: Counselee) -> list[dict[str, Any]]:
    """Her conversations for her data copy (the data-rights branch calls this): who, when
    and what, in her own words and her counselors'; retracted lines as retracted."""
    rows = []
    messages = (
        Message.objects.filter(conversation__counselee=counselee)
        .select_related("conversation__counselor", "sender")
        .order_by("conversation_id", "id")  # type: ignore[no-untyped-call]
    )
    for message in messages:
        rows.append(
            {
                "conversation": str(message.conversation.public_id),
                "counselor": message.conversation.counselor.full_name,
                "from": message.side,
                "sent_at": message.sent_at.isoformat(),
                "text": "" if message.is_retracted else message.body,
                "retracted": message.is_retracted,
            }
        )
    return rows

"""Alih tangan kasus: proposing a referral, the student's answer, the receiver's answer.

Each step is one transaction: the referral row is locked first (then the assignment and
bookings it changes), the policy asked under those locks, the access-log entry written
last, and content-free notices queued in the same transaction.
"""

from collections.abc import Iterable
from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from counseling import notices, policy
from counseling.accounts.models import User
from counseling.audit import log
from counseling.notices.models import Notice
from counseling.records import services as records_services
from counseling.records.models import CaseAssignment, Counselee
from counseling.referrals.models import Referral
from sessions import cases

Status = Referral.Status
Scope = Referral.Scope


def _lock(referral: Referral) -> Referral:
    # Only the referral's row: the receiver is a nullable join, which PostgreSQL will not
    # lock, and her row is not what the decision rests on.
    return (
        Referral.objects.select_for_update(of=("self",))
        .select_related("counselee__user", "from_counselor", "to_counselor")
        .get(pk=referral.pk)
    )


def _log(action: str, referral: Referral, *, by: Any) -> None:
    log.record(
        action,
        actor=by,
        obj=referral,
        counselee=referral.counselee,
        purpose=policy.Purpose.REFERRAL,
    )


def _tell_staff(referral: Referral, *recipients: User | None) -> None:
    for recipient in policy.staff_told_of(referral, *recipients):
        notices.notify(recipient, Notice.Kind.REFERRAL_TO_STAFF, about=referral)


def propose(
    counselee: Counselee,
    *,
    by: User,
    to: User,
    reason: str,
    reason_text: str,
    summary: str,
    scope: str,
    sessions: Iterable[Any] = (),
    disclosures: Iterable[Any] = (),
    share_conversation: bool = False,
) -> Referral:
    """The counselor on the case proposes to hand it to `to`; the student is asked.

    `sessions` and `disclosures` are public ids, used with `Scope.CHOSEN`: the final notes
    of those sessions (that she reads herself) and those disclosures are offered. Drafts
    never travel. `share_conversation` offers her online-counseling conversation with
    the student, whatever the scope (there is nothing to offer if they have none).
    """
    if reason not in Referral.Reason.values:
        raise ValidationError(_("Pilih alasan dari daftar."))
    if scope not in Scope.values:
        raise ValidationError(_("Pilih apa yang boleh dibaca konselor penerima."))
    if not summary.strip():
        raise ValidationError(_("Tulis ringkasan serah terima."))
    try:
        with transaction.atomic():
            return _propose(
                counselee,
                by=by,
                to=to,
                reason=reason,
                reason_text=reason_text,
                summary=summary,
                scope=scope,
                sessions=list(sessions),
                disclosures=list(disclosures),
                share_conversation=share_conversation,
            )
    except IntegrityError as error:
        raise ValidationError(
            _("Siswa ini sudah punya alih tangan kasus yang berjalan.")
        ) from error


def _propose(
    counselee: Counselee,
    *,
    by: User,
    to: User,
    reason: str,
    reason_text: str,
    summary: str,
    scope: str,
    sessions: list[Any],
    disclosures: list[Any],
    share_conversation: bool,
) -> Referral:
    # Her assignment is what lets her refer: lock it before asking.
    list(
        CaseAssignment.objects.active()
        .select_for_update()
        .filter(counselor=by, counselee=counselee)
    )
    policy.require(policy.may_refer_to(by, counselee, to), counselee=counselee)
    notes = policy.shareable_notes(by, counselee)
    shared_disclosures = policy.shareable_disclosures(by, counselee)
    if scope == Scope.SUMMARY:
        notes, shared_disclosures = notes.none(), shared_disclosures.none()
    elif scope == Scope.CHOSEN:
        notes = notes.filter(session__public_id__in=sessions)
        shared_disclosures = shared_disclosures.filter(public_id__in=disclosures)
    referral = Referral.objects.create(
        counselee=counselee,
        from_counselor=by,
        to_counselor=to,
        reason=reason,
        reason_text=reason_text,
        summary=summary,
        scope=scope,
        shared_conversation=policy.shareable_conversation(by, counselee)
        if share_conversation
        else None,
    )
    referral.shared_notes.set(list(notes.values_list("pk", flat=True)))
    referral.shared_disclosures.set(list(shared_disclosures.values_list("pk", flat=True)))
    _log(log.Action.REFERRAL_PROPOSED, referral, by=by)
    notices.notify(counselee.user, Notice.Kind.REFERRAL_TO_STUDENT, about=referral)
    return referral


@transaction.atomic
def answer_as_student(
    referral: Referral,
    *,
    by: User,
    accept: bool,
    keep_sessions: Iterable[Any] | None = None,
    keep_disclosures: Iterable[Any] | None = None,
    keep_conversation: bool = True,
) -> Referral:
    """The student accepts (perhaps narrowing what is shared) or declines.

    `keep_sessions` / `keep_disclosures`: the public ids she left ticked; None keeps all
    that was offered. `keep_conversation`: whether she left the offered conversation in.
    She can narrow, never widen.
    """
    referral = _lock(referral)
    policy.require(
        policy.may_answer_as_student(by, referral), referral, counselee=referral.counselee
    )
    referral.student_answered_at = timezone.now()
    if not accept:
        referral.status = Status.STUDENT_DECLINED
        referral.save(update_fields=["status", "student_answered_at"])
        _log(log.Action.REFERRAL_DECLINED, referral, by=by)
        _tell_staff(referral, referral.from_counselor)
        return referral
    if keep_sessions is not None:
        dropped = referral.shared_notes.exclude(session__public_id__in=list(keep_sessions))
        referral.shared_notes.remove(*dropped)
    if keep_disclosures is not None:
        dropped_disclosures = referral.shared_disclosures.exclude(
            public_id__in=list(keep_disclosures)
        )
        referral.shared_disclosures.remove(*dropped_disclosures)
    if not keep_conversation:
        referral.shared_conversation = None
    referral.status = Status.WAITING_RECEIVER
    referral.save(update_fields=["status", "student_answered_at", "shared_conversation"])
    _log(log.Action.REFERRAL_ACCEPTED, referral, by=by)
    _tell_staff(referral, referral.from_counselor, referral.to_counselor)
    return referral


@transaction.atomic
def answer_as_receiver(referral: Referral, *, by: User, accept: bool) -> Referral:
    """The receiver accepts (the case is hers, the referring counselor reads her notes
    for 14 more days) or declines (the case stays where it was)."""
    referral = _lock(referral)
    assignment, held = cases.hold_for_hand_over(referral.counselee, referral.from_counselor)
    policy.require(
        policy.may_answer_as_receiver(by, referral), referral, counselee=referral.counselee
    )
    now = timezone.now()
    referral.receiver_answered_at = now
    if not accept:
        referral.status = Status.RECEIVER_DECLINED
        referral.save(update_fields=["status", "receiver_answered_at"])
        _log(log.Action.REFERRAL_DECLINED, referral, by=by)
        _tell_staff(referral, referral.from_counselor)
        notices.notify(referral.counselee.user, Notice.Kind.REFERRAL_TO_STUDENT, about=referral)
        return referral
    if not policy.is_assigned(by, referral.counselee):
        records_services.open_assignment(
            by, referral.counselee, by=by, opened_by=CaseAssignment.OpenedBy.REFERRAL
        )
    cases.hand_over(assignment, held, by=by)
    referral.status = Status.ACCEPTED
    referral.read_only_until = now + policy.READ_ONLY
    referral.save(update_fields=["status", "receiver_answered_at", "read_only_until"])
    _log(log.Action.REFERRAL_ACCEPTED, referral, by=by)
    _tell_staff(referral, referral.from_counselor)
    notices.notify(referral.counselee.user, Notice.Kind.REFERRAL_TO_STUDENT, about=referral)
    return referral


@transaction.atomic
def withdraw(referral: Referral, *, by: User) -> Referral:
    """The referring counselor takes back a referral nobody has finished answering."""
    referral = _lock(referral)
    policy.require(
        policy.may_withdraw_referral(by, referral), referral, counselee=referral.counselee
    )
    receiver_knew = referral.status == Status.WAITING_RECEIVER
    referral.status = Status.WITHDRAWN
    referral.save(update_fields=["status"])
    _log(log.Action.REFERRAL_WITHDRAWN, referral, by=by)
    notices.notify(referral.counselee.user, Notice.Kind.REFERRAL_TO_STUDENT, about=referral)
    if receiver_knew:
        _tell_staff(referral, referral.to_counselor)
    return referral


@transaction.atomic
def ask_to_change(assignment: CaseAssignment, *, by: User) -> Referral:
    """ "Aku ingin ganti konselor": the student asks; the coordinators are told."""
    assignment = (
        CaseAssignment.objects.select_for_update()
        .select_related("counselee__user", "counselor")
        .get(pk=assignment.pk)
    )
    policy.require(
        policy.may_ask_to_change(by, assignment), assignment, counselee=assignment.counselee
    )
    try:
        with transaction.atomic():
            referral = Referral.objects.create(
                counselee=assignment.counselee,
                from_counselor=assignment.counselor,
                reason=Referral.Reason.STUDENT_ASKED,
                scope=Scope.ALL,
                requested_by_student=True,
                status=Status.WAITING_COORDINATOR,
            )
    except IntegrityError as error:
        raise ValidationError(_("Permintaanmu sudah tercatat.")) from error
    _log(log.Action.REFERRAL_PROPOSED, referral, by=by)
    notices.notify_all(
        policy.coordinators_told_of_change(referral), Notice.Kind.REFERRAL_TO_STAFF, about=referral
    )
    return referral


@transaction.atomic
def choose_receiver(referral: Referral, *, by: User, to: User) -> Referral:
    """The coordinator chooses who takes over; every final note the current counselor
    reads is offered, and the student narrows or declines as in any referral. The
    conversation is not offered: only a referring counselor offers it, and here nobody
    refers. The coordinator reads the request until the student answers."""
    referral = _lock(referral)
    policy.require(policy.may_choose_receiver(by, referral), referral, counselee=referral.counselee)
    policy.require(
        policy.change_receivers_for(referral).filter(pk=to.pk).exists(),
        referral,
        counselee=referral.counselee,
    )
    referral.to_counselor = to
    referral.chosen_by = by
    referral.status = Status.WAITING_STUDENT
    referral.save(update_fields=["to_counselor", "chosen_by", "status"])
    current = referral.from_counselor
    referral.shared_notes.set(
        list(policy.shareable_notes(current, referral.counselee).values_list("pk", flat=True))
    )
    referral.shared_disclosures.set(
        list(policy.shareable_disclosures(current, referral.counselee).values_list("pk", flat=True))
    )
    _log(log.Action.REFERRAL_PROPOSED, referral, by=by)
    notices.notify(referral.counselee.user, Notice.Kind.REFERRAL_TO_STUDENT, about=referral)
    _tell_staff(referral, current)
    return referral

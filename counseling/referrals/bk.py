"""Referrals into BK from teachers: the teacher refers, BK receives, invites the student
and follows up. The teacher's page shows only the status; the student's answer to the
invitation stays with BK."""

from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from counseling import notices, policy
from counseling.accounts.models import User
from counseling.audit import log
from counseling.notices.models import Notice
from counseling.records.models import Counselee
from counseling.referrals.models import BkReferral

Status = BkReferral.Status

REASON_MAX = 1000


def _lock(referral: BkReferral) -> BkReferral:
    return (
        BkReferral.objects.select_for_update().select_related("counselee__user").get(pk=referral.pk)
    )


def _log(action: str, referral: BkReferral, *, by: Any) -> None:
    log.record(
        action,
        actor=by,
        obj=referral,
        counselee=referral.counselee,
        purpose=policy.Purpose.REFERRAL,
    )


@transaction.atomic
def refer(counselee: Counselee, *, by: User, reason: str) -> BkReferral:
    """A teacher refers a student of her class to BK; the receiving counselors are told."""
    reason = reason.strip()
    if not reason:
        raise ValidationError(_("Tulis alasan singkat."))
    if len(reason) > REASON_MAX:
        raise ValidationError(_("Alasan terlalu panjang: cukup beberapa kalimat."))
    # One open referral per teacher and student: her rows of this student queue here.
    Counselee.objects.select_for_update(no_key=True).filter(pk=counselee.pk).first()
    policy.require(policy.may_refer_into_bk(by, counselee), counselee=counselee)
    referral = BkReferral.objects.create(counselee=counselee, teacher=by, reason=reason)
    _log(log.Action.CREATE, referral, by=by)
    notices.notify_all(
        policy.bk_referral_recipients(counselee), Notice.Kind.BK_REFERRAL, about=referral
    )
    return referral


@transaction.atomic
def receive(referral: BkReferral, *, by: User) -> BkReferral:
    """A counselor marks the referral received ("diterima BK")."""
    referral = _lock(referral)
    policy.require(policy.may_receive_bk_referral(by, referral), referral)
    referral.status = Status.RECEIVED
    referral.received_by = by
    referral.received_at = timezone.now()
    referral.save(update_fields=["status", "received_by", "received_at"])
    _log(log.Action.UPDATE, referral, by=by)
    return referral


@transaction.atomic
def invite(referral: BkReferral, *, by: User) -> BkReferral:
    """BK invites the student to talk; she may decline, and nobody outside BK learns it."""
    referral = _lock(referral)
    policy.require(policy.may_invite_student(by, referral), referral)
    referral.invited_at = timezone.now()
    referral.save(update_fields=["invited_at"])
    _log(log.Action.UPDATE, referral, by=by)
    notices.notify(referral.counselee.user, Notice.Kind.BK_INVITATION, about=referral)
    return referral


@transaction.atomic
def follow_up(referral: BkReferral, *, by: User) -> BkReferral:
    """BK has done what it will ("selesai ditindaklanjuti"), whatever the student chose."""
    referral = _lock(referral)
    policy.require(policy.may_follow_up_bk_referral(by, referral), referral)
    referral.status = Status.FOLLOWED_UP
    referral.followed_up_at = timezone.now()
    referral.save(update_fields=["status", "followed_up_at"])
    _log(log.Action.UPDATE, referral, by=by)
    return referral


@transaction.atomic
def answer_invitation(referral: BkReferral, *, by: User, accept: bool) -> BkReferral:
    """The student accepts (she then books as usual) or declines the invitation."""
    referral = _lock(referral)
    policy.require(policy.may_answer_bk_invitation(by, referral), referral)
    Answer = BkReferral.StudentAnswer
    referral.student_answer = Answer.ACCEPTED if accept else Answer.DECLINED
    referral.save(update_fields=["student_answer"])
    _log(log.Action.UPDATE, referral, by=by)
    return referral

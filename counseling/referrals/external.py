"""Referrals to professionals outside the school: the letter, the student's consent, or a
limit of confidentiality recorded as a disclosure; then the status pipeline."""

from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from consent import services as consent_services
from consent.models import Disclosure
from counseling import notices, policy
from counseling.accounts.models import User
from counseling.audit import log
from counseling.notices.models import Notice
from counseling.records.models import CaseAssignment, Counselee
from counseling.referrals.models import ExternalReferral

Status = ExternalReferral.Status
Basis = ExternalReferral.Basis


def _log(action: str, referral: ExternalReferral, *, by: Any, purpose: str) -> None:
    log.record(action, actor=by, obj=referral, counselee=referral.counselee, purpose=purpose)


@transaction.atomic
def make(
    counselee: Counselee,
    *,
    by: User,
    recipient_kind: str,
    recipient_name: str,
    letter_text: str,
    basis: str,
    limit_reason: str = "",
    include_class: bool = False,
    include_date_of_birth: bool = False,
) -> ExternalReferral:
    """Write the referral. With the student's consent as its basis it waits for her
    answer; under a limit of confidentiality it is sent at once, and the disclosure it is
    recorded with its reason (admins are alerted, the counselor reminded to tell her)."""
    if recipient_kind not in ExternalReferral.RecipientKind.values:
        raise ValidationError(_("Pilih jenis penerima dari daftar."))
    if basis not in Basis.values:
        raise ValidationError(_("Pilih dasar rujukan."))
    limits = set(Disclosure.Reason.values) - {Disclosure.Reason.WRITTEN_PERMISSION}
    if basis == Basis.LIMIT and limit_reason not in limits:
        raise ValidationError(_("Pilih batas kerahasiaan yang berlaku."))
    if not recipient_name.strip() or not letter_text.strip():
        raise ValidationError(_("Isi nama penerima dan isi surat."))
    list(
        CaseAssignment.objects.active()
        .select_for_update()
        .filter(counselor=by, counselee=counselee)
    )
    policy.require(policy.may_make_external_referral(by, counselee), counselee=counselee)
    referral = ExternalReferral(
        counselee=counselee,
        counselor=by,
        recipient_kind=recipient_kind,
        recipient_name=recipient_name,
        letter_text=letter_text,
        basis=basis,
        limit_reason=limit_reason if basis == Basis.LIMIT else "",
        include_class=include_class,
        include_date_of_birth=include_date_of_birth,
        status=Status.WAITING_STUDENT if basis == Basis.CONSENT else Status.SENT,
    )
    if basis == Basis.LIMIT:
        referral.sent_at = timezone.now()
        referral.disclosure = consent_services.record_disclosure(
            counselee,
            by=by,
            reason=limit_reason,
            recipient_name=recipient_name,
            recipient_role=ExternalReferral.DISCLOSURE_ROLES[
                ExternalReferral.RecipientKind(recipient_kind)
            ],
            recipient_institution=referral.get_recipient_kind_display(),
            what_was_shared=_("Surat rujukan: %(text)s") % {"text": letter_text},
            disclosed_at=timezone.now(),
            student_informed=False,
            not_informed_reason=_(
                "Surat rujukan dikirim di bawah batas kerahasiaan; tandai setelah siswa "
                "diberi tahu."
            ),
        )
    referral.save()
    _log(log.Action.CREATE, referral, by=by, purpose=policy.Purpose.CASELOAD)
    if basis == Basis.CONSENT:
        notices.notify(counselee.user, Notice.Kind.REFERRAL_TO_STUDENT, about=referral)
    return referral


@transaction.atomic
def answer(referral: ExternalReferral, *, by: User, accept: bool) -> ExternalReferral:
    """The student consents to the letter as written, or declines (nothing is sent)."""
    referral = ExternalReferral.objects.select_for_update().get(pk=referral.pk)
    policy.require(
        policy.may_consent_to_external_referral(by, referral),
        referral,
        counselee=referral.counselee,
    )
    if accept:
        referral.status = Status.SENT
        referral.sent_at = timezone.now()
    else:
        referral.status = Status.STUDENT_DECLINED
    referral.save(update_fields=["status", "sent_at"])
    action = log.Action.REFERRAL_ACCEPTED if accept else log.Action.REFERRAL_DECLINED
    _log(action, referral, by=by, purpose=policy.Purpose.OWN)
    return referral


@transaction.atomic
def move(
    referral: ExternalReferral, *, by: User, status: str, feedback: str = ""
) -> ExternalReferral:
    """Received, feedback received (with the feedback, encrypted), closed."""
    referral = ExternalReferral.objects.select_for_update().get(pk=referral.pk)
    policy.require(
        policy.may_move_external_referral(by, referral, status),
        referral,
        counselee=referral.counselee,
    )
    referral.status = status
    fields = ["status"]
    if status == Status.FEEDBACK_RECEIVED:
        referral.feedback = feedback  # type: ignore[assignment]
        fields.append("feedback")
    referral.save(update_fields=fields)
    _log(log.Action.UPDATE, referral, by=by, purpose=policy.Purpose.CASELOAD)
    return referral

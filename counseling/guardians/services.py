"""Changes to guardians, their consent, withdrawals and exemptions.

Each function is one transaction: it locks what it decides on, asks the policy, writes
its access-log entry inside the transaction, and writes its notices there too. Nothing
here ever puts what a student said into a notice, an e-mail or a log entry.
"""

import datetime
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from consent.rendering import text_hash
from counseling import notices, policy
from counseling.accounts.models import User
from counseling.audit import log
from counseling.guardians.models import (
    Guardian,
    GuardianAcknowledgement,
    GuardianConsentDocument,
    GuardianExemption,
    GuardianLink,
    GuardianWithdrawal,
)
from counseling.notices.models import Notice
from counseling.records.models import CaseAssignment, Counselee

Status = GuardianExemption.Status


def _purpose(by: User, counselee: Counselee) -> str:
    return str(policy.record_access(by, counselee).purpose)


def _locked_counselee(counselee: Counselee) -> Counselee:
    return (
        Counselee.objects.select_for_update(no_key=True)
        .defer("background_notes")
        .get(pk=counselee.pk)
    )


def current_document() -> GuardianConsentDocument | None:
    return (
        GuardianConsentDocument.objects.filter(published_at__isnull=False)
        .order_by("-version")
        .first()
    )


@transaction.atomic
def publish_document(document: GuardianConsentDocument, *, by: User | None) -> None:
    """Publish a draft version; from then on it is immutable. `by` None: the system."""
    if by is not None:
        policy.require(policy.may_publish_consent(by), document)
    if document.published_at is not None:
        raise ValidationError(_("Versi ini sudah diterbitkan."))
    latest = current_document()
    if latest is not None and document.version <= latest.version:
        raise ValidationError(_("Nomor versi harus lebih besar dari versi yang berlaku."))
    document.published_at = timezone.now()
    document.published_by = by
    document.save(update_fields=["published_at", "published_by"])
    log.record(
        log.Action.CONSENT_PUBLISHED,
        actor=by,
        obj=document,
        purpose=log.Purpose.ADMINISTRATION if by is not None else log.Purpose.SYSTEM,
    )


@transaction.atomic
def add_guardian(
    counselee: Counselee, *, by: User, name: str, relation: str, phone: str = "", email: str = ""
) -> Guardian:
    counselee = _locked_counselee(counselee)
    policy.require(policy.may_manage_guardians(by, counselee), counselee=counselee)
    guardian = Guardian.objects.create(
        counselee=counselee,
        name=name.strip(),
        relation=relation,
        phone=phone.strip(),
        email=email.strip(),
        created_by=by,
    )
    log.record(
        log.Action.CREATE,
        actor=by,
        obj=guardian,
        counselee=counselee,
        purpose=_purpose(by, counselee),
    )
    return guardian


@transaction.atomic
def send_link(guardian: Guardian, *, by: User | None) -> GuardianLink:
    """A new one-time link for `guardian`, replacing her earlier ones; e-mailed after
    the commit. `by` None: the system (the demo)."""
    guardian = Guardian.objects.select_for_update(no_key=True).get(pk=guardian.pk)
    counselee = guardian.counselee
    if by is not None:
        policy.require(policy.may_manage_guardians(by, counselee), guardian, counselee=counselee)
    document = current_document()
    if document is None:
        raise ValidationError(
            _("Belum ada dokumen persetujuan wali yang diterbitkan. Minta admin menerbitkannya.")
        )
    if not guardian.email:
        raise ValidationError(
            _(
                "Wali ini belum punya alamat e-mail. Isi alamatnya, atau minta admin mencatat "
                "formulir kertas yang ditandatangani."
            )
        )
    now = timezone.now()
    _revoke(GuardianLink.objects.open().filter(guardian=guardian), now)
    link = GuardianLink.objects.create(
        guardian=guardian,
        document=document,
        issued_by=by,
        expires_at=now + settings.AMANAH_GUARDIAN_LINK_LIFETIME,
    )
    log.record(
        log.Action.CREATE,
        actor=by,
        obj=link,
        counselee=counselee,
        purpose=_purpose(by, counselee) if by is not None else log.Purpose.SYSTEM,
    )
    from counseling.guardians import mail

    mail.send_after_commit(link.pk)
    return link


def _revoke(links: Any, now: datetime.datetime) -> None:
    """Replace open links; an e-mail not sent yet is not sent at all."""
    pending = GuardianLink.EmailStatus.PENDING
    links.filter(email_status=pending).update(
        email_status=GuardianLink.EmailStatus.CANCELLED, revoked_at=now
    )
    links.update(revoked_at=now)


def find_link(token: str) -> GuardianLink | None:
    """The valid link with this token, or None (unknown, used, replaced, expired)."""
    if not token:
        return None
    return (
        GuardianLink.objects.valid()
        .select_related("guardian__counselee__user", "document")
        .filter(token_hash=GuardianLink.hash_of(token))
        .first()
    )


def _counselors_of(counselee: Counselee) -> list[User]:
    return [
        assignment.counselor
        for assignment in CaseAssignment.objects.active()
        .filter(counselee=counselee, counselor__is_active=True)
        .select_related("counselor")
    ]


@transaction.atomic
def acknowledge_by_link(
    link: GuardianLink, *, shown_hash: str, typed_name: str, ip_address: str | None, user_agent: str
) -> GuardianAcknowledgement:
    """The guardian accepts the document her link shows. One conditional update uses the
    link up: of two submissions racing with one link, one acknowledgement is written."""
    document = link.document
    if shown_hash != text_hash(document.title, document.body):
        raise ValidationError(_("Teks dokumen berubah. Muat ulang halaman dan baca lagi."))
    if not typed_name.strip():
        raise ValidationError(_("Tulis nama Anda."))
    used = GuardianLink.objects.valid().filter(pk=link.pk).update(used_at=timezone.now())
    if used != 1:
        raise ValidationError(_("Tautan ini sudah tidak berlaku."))
    guardian = link.guardian
    counselee = guardian.counselee
    acknowledgement = GuardianAcknowledgement.objects.create(
        guardian=guardian,
        counselee=counselee,
        document=document,
        channel=GuardianAcknowledgement.Channel.LINK,
        basis=policy.guardian_basis(),
        text_hash=shown_hash,
        link=link,
        typed_name=typed_name.strip()[:150],
        ip_address=ip_address,
        user_agent=user_agent[:300],
    )
    log.record(
        log.Action.CONSENT_ACKNOWLEDGED,
        obj=acknowledgement,
        counselee=counselee,
        purpose=log.Purpose.SYSTEM,
    )
    notices.notify_all(
        _counselors_of(counselee), Notice.Kind.GUARDIAN_CONSENT_GIVEN, about=counselee
    )
    return acknowledgement


@transaction.atomic
def record_paper_form(
    guardian: Guardian,
    *,
    by: User,
    form_number: str,
    signed_on: datetime.date,
    document: GuardianConsentDocument | None = None,
) -> GuardianAcknowledgement:
    """The admin records a guardian's signed paper form (the paper stays on file)."""
    guardian = Guardian.objects.select_for_update(no_key=True).get(pk=guardian.pk)
    counselee = guardian.counselee
    policy.require(policy.may_record_paper_form(by), guardian, counselee=counselee)
    document = document or current_document()
    if document is None or document.published_at is None:
        raise ValidationError(_("Belum ada dokumen persetujuan wali yang diterbitkan."))
    if not form_number.strip():
        raise ValidationError(_("Isi nomor formulir."))
    if signed_on > timezone.localdate():
        raise ValidationError(_("Tanggal tanda tangan tidak boleh di masa depan."))
    acknowledgement = GuardianAcknowledgement.objects.create(
        guardian=guardian,
        counselee=counselee,
        document=document,
        channel=GuardianAcknowledgement.Channel.PAPER,
        basis=policy.guardian_basis(),
        text_hash=text_hash(document.title, document.body),
        form_number=form_number.strip(),
        signed_on=signed_on,
        recorded_by=by,
    )
    log.record(
        log.Action.CONSENT_ACKNOWLEDGED,
        actor=by,
        obj=acknowledgement,
        counselee=counselee,
        purpose=log.Purpose.ADMINISTRATION,
    )
    notices.notify_all(
        _counselors_of(counselee), Notice.Kind.GUARDIAN_CONSENT_GIVEN, about=counselee
    )
    return acknowledgement


@transaction.atomic
def record_withdrawal(guardian: Guardian, *, by: User) -> GuardianWithdrawal:
    """The guardian withdrew her consent (she told the school, in person or in writing).

    Records are kept; new regular sessions stop under "consent required"; crisis help
    stays; the counselors on the case are told, without content.
    """
    guardian = Guardian.objects.select_for_update(no_key=True).get(pk=guardian.pk)
    counselee = guardian.counselee
    policy.require(policy.may_manage_guardians(by, counselee), guardian, counselee=counselee)
    _revoke(GuardianLink.objects.open().filter(guardian__counselee=counselee), timezone.now())
    withdrawal = GuardianWithdrawal.objects.create(
        guardian=guardian, counselee=counselee, recorded_by=by
    )
    log.record(
        log.Action.CONSENT_WITHDRAWN,
        actor=by,
        obj=withdrawal,
        counselee=counselee,
        purpose=_purpose(by, counselee),
    )
    notices.notify_all(_counselors_of(counselee), Notice.Kind.GUARDIAN_WITHDRAWN, about=counselee)
    return withdrawal


# Exemptions.


@transaction.atomic
def record_exemption(
    counselee: Counselee, *, by: User, reason: str, detail: str
) -> GuardianExemption:
    """A counselor records that informing the guardian could endanger the student. It
    counts once a second person approves it; the coordinators and admins are asked."""
    counselee = _locked_counselee(counselee)
    policy.require(policy.may_record_exemption(by, counselee), counselee=counselee)
    if reason not in GuardianExemption.Reason.values:
        raise ValidationError(_("Pilih alasan dari daftar."))
    if not detail.strip():
        raise ValidationError(_("Tulis keterangannya."))
    open_exemptions = GuardianExemption.objects.filter(
        counselee=counselee, status__in=[Status.PENDING, Status.APPROVED]
    )
    if open_exemptions.exists():
        raise ValidationError(_("Siswa ini sudah punya pengecualian yang berlaku atau menunggu."))
    exemption = GuardianExemption.objects.create(
        counselee=counselee, recorded_by=by, reason=reason, detail=detail.strip()
    )
    log.record(
        log.Action.CREATE,
        actor=by,
        obj=exemption,
        counselee=counselee,
        purpose=_purpose(by, counselee),
    )
    notices.notify_all(
        policy.exemption_approvers(exemption),
        Notice.Kind.GUARDIAN_EXEMPTION_TO_DECIDE,
        about=exemption,
    )
    return exemption


def _locked_exemption(exemption: GuardianExemption) -> GuardianExemption:
    return (
        GuardianExemption.objects.select_for_update(no_key=True)
        .select_related("counselee")
        .defer("detail")
        .get(pk=exemption.pk)
    )


def _decision_log(exemption: GuardianExemption, by: User) -> None:
    log.record(
        log.Action.UPDATE,
        actor=by,
        obj=exemption,
        counselee=exemption.counselee,
        purpose=_purpose(by, exemption.counselee),
    )


@transaction.atomic
def decide_exemption(exemption: GuardianExemption, *, by: User, approve: bool) -> GuardianExemption:
    """The second person approves or refuses. An approval alerts every admin, without
    content, and sets its first review `REVIEW_DAYS` days on."""
    exemption = _locked_exemption(exemption)
    policy.require(policy.may_decide_exemption(by, exemption), exemption)
    now = timezone.now()
    exemption.status = Status.APPROVED if approve else Status.REFUSED
    exemption.decided_by = by
    exemption.decided_at = now
    fields = ["status", "decided_by", "decided_at"]
    if approve:
        exemption.review_due_at = now + datetime.timedelta(days=GuardianExemption.REVIEW_DAYS)
        fields.append("review_due_at")
    exemption.save(update_fields=fields)
    _decision_log(exemption, by)
    if approve:
        notices.notify_all(
            notices.admins(), Notice.Kind.GUARDIAN_EXEMPTION_APPROVED, about=exemption
        )
    return exemption


@transaction.atomic
def renew_exemption(exemption: GuardianExemption, *, by: User) -> GuardianExemption:
    """At its review, a second person keeps the exemption for another period."""
    exemption = _locked_exemption(exemption)
    policy.require(policy.may_renew_exemption(by, exemption), exemption)
    exemption.review_due_at = timezone.now() + datetime.timedelta(
        days=GuardianExemption.REVIEW_DAYS
    )
    exemption.save(update_fields=["review_due_at"])
    _decision_log(exemption, by)
    return exemption


@transaction.atomic
def end_exemption(exemption: GuardianExemption, *, by: User) -> GuardianExemption:
    """The danger is over: the guardian gate applies again from the next session."""
    exemption = _locked_exemption(exemption)
    policy.require(policy.may_end_exemption(by, exemption), exemption)
    exemption.status = Status.ENDED
    exemption.ended_at = timezone.now()
    exemption.save(update_fields=["status", "ended_at"])
    _decision_log(exemption, by)
    return exemption


def record_exemption_view(exemption: GuardianExemption, *, by: User) -> None:
    """Log that `by` opened the exemption: whose it is and its reason are confidential
    even without the detail."""
    log.record(
        log.Action.VIEW,
        actor=by,
        obj=exemption,
        counselee=exemption.counselee,
        purpose=_purpose(by, exemption.counselee) or log.Purpose.ADMINISTRATION,
    )


def read_exemption_detail(exemption: GuardianExemption, *, by: User) -> str:
    """The encrypted detail, for those who may read it; the reading is logged."""
    policy.require(policy.may_read_exemption_detail(by, exemption), exemption)
    with transaction.atomic():
        record_exemption_view(exemption, by=by)
    return str(GuardianExemption.objects.values_list("detail", flat=True).get(pk=exemption.pk))


def remind_reviews(now: datetime.datetime | None = None) -> int:
    """Exemptions whose review is due: their counselors and the second persons are told,
    once per due date. Returns how many exemptions were due."""
    now = now or timezone.now()
    due = GuardianExemption.objects.filter(status=Status.APPROVED, review_due_at__lte=now).defer(
        "detail"
    )
    count = 0
    for exemption in due.select_related("counselee"):
        recipients: list[Any] = [
            *_counselors_of(exemption.counselee),
            *policy.exemption_approvers(exemption),
        ]
        with transaction.atomic():
            notices.notify_all(
                {person.pk: person for person in recipients}.values(),
                Notice.Kind.GUARDIAN_EXEMPTION_REVIEW,
                about=exemption,
                dedupe_key=f"guardian-exemption-review:{exemption.pk}:{exemption.review_due_at:%Y%m%d}",
            )
        count += 1
    return count

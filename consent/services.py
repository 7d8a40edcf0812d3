"""Consent, withdrawal, and disclosures. (Ending counseling is in `sessions.cases`.)

The consent gate is `require_consent(counselee)`: the services that start a session and
write a note call it, so no path around the pages can skip it.
"""

from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Exists, OuterRef, Subquery
from django.utils import timezone
from django.utils.translation import gettext as _

from consent.models import ConsentAcknowledgement, ConsentDocument, ConsentWithdrawal, Disclosure
from consent.rendering import text_hash
from counseling import notices, policy
from counseling.accounts.models import User
from counseling.audit import context, log
from counseling.notices.models import Notice
from counseling.records.models import Counselee


class ConsentRequired(ValidationError):
    """The counselee has not acknowledged the current consent document."""


def current_document() -> ConsentDocument | None:
    return ConsentDocument.objects.filter(published_at__isnull=False).order_by("-version").first()


def valid_acknowledgement(student: User) -> ConsentAcknowledgement | None:
    """The student's acknowledgement of the current version, unless withdrawn since.

    One query: the gate runs on every session page and every booking.
    """
    current = ConsentDocument.objects.filter(published_at__isnull=False).order_by("-version")
    withdrawn_since = ConsentWithdrawal.objects.filter(
        student=student, withdrawn_at__gte=OuterRef("acknowledged_at")
    )
    return (
        ConsentAcknowledgement.objects.filter(
            student=student, document=Subquery(current.values("pk")[:1])
        )
        .exclude(Exists(withdrawn_since))
        .order_by("-acknowledged_at")
        .first()
    )


def has_valid_consent(student: User) -> bool:
    return valid_acknowledgement(student) is not None


def has_online_consent(student: User) -> bool:
    """Whether she acknowledged a version that covers online counseling, not withdrawn
    since: asked before her first message (one query)."""
    withdrawn_since = ConsentWithdrawal.objects.filter(
        student=student, withdrawn_at__gte=OuterRef("acknowledged_at")
    )
    return (
        ConsentAcknowledgement.objects.filter(
            student=student, document__covers_online_counseling=True
        )
        .exclude(Exists(withdrawn_since))
        .exists()
    )


def latest_acknowledgement(student: User) -> ConsentAcknowledgement | None:
    """The student's last acknowledgement of any version (withdrawn or not)."""
    return (
        ConsentAcknowledgement.objects.filter(student=student)
        .select_related("document")
        .order_by("-acknowledged_at")
        .first()
    )


def has_ever_acknowledged(student: User) -> bool:
    """Whether she has ever accepted a version: she then knows the document, and a new
    version is asked for before her next session, not before she may book."""
    return ConsentAcknowledgement.objects.filter(student=student).exists()


def publication_impact(document: ConsentDocument) -> dict[str, int]:
    """What publishing `document` touches, in counts: the students who will be asked to
    accept it (every active student), those of them who accepted the current version,
    and the sessions to come that will wait for it before they start."""
    from sessions.models import CounselingSession

    current = current_document()
    return {
        "students": Counselee.objects.filter(user__is_active=True).count(),
        "students_with_current": ConsentAcknowledgement.objects.filter(
            document=current, student__is_active=True
        )
        .values("student")
        .distinct()
        .count()
        if current is not None
        else 0,
        "upcoming_sessions": CounselingSession.objects.filter(
            status=CounselingSession.Status.SCHEDULED, scheduled_start__gte=timezone.now()
        ).count(),
    }


def require_consent(counselee: Counselee) -> None:
    """Raise `ConsentRequired` unless the counselee acknowledged the current version."""
    if current_document() is None:
        raise ConsentRequired(
            _("Belum ada dokumen persetujuan yang diterbitkan. Minta admin menerbitkannya.")
        )
    if not has_valid_consent(counselee.user):
        raise ConsentRequired(
            _(
                "Siswa ini belum menyetujui dokumen persetujuan dan batas kerahasiaan versi "
                "terbaru. Sesi belum dapat dimulai; siswa akan diminta membacanya saat masuk."
            )
        )


@transaction.atomic
def publish(document: ConsentDocument, *, by: User) -> None:
    """Publish a draft; from now on it is the current version and immutable."""
    policy.require(policy.may_publish_consent(by), document)
    if document.is_published:
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
        purpose=log.Purpose.ADMINISTRATION,
    )


@transaction.atomic
def acknowledge(
    student: User, document: ConsentDocument, *, language: str, shown_hash: str, typed_name: str
) -> ConsentAcknowledgement:
    """Record that `student` read and accepted `document` as shown in `language`."""
    if document != current_document():
        raise ValidationError(_("Dokumen ini sudah diganti versi baru. Bacalah versi terbaru."))
    title, body = document.text(language)
    if shown_hash != text_hash(title, body):
        raise ValidationError(_("Teks yang kamu baca tidak cocok. Muat ulang halaman ini."))
    if " ".join(typed_name.split()).casefold() != " ".join(student.full_name.split()).casefold():
        raise ValidationError(_("Ketik nama lengkapmu persis seperti di akunmu."))
    request = context.current()
    acknowledgement = ConsentAcknowledgement.objects.create(
        student=student,
        document=document,
        language=language,
        text_hash=shown_hash,
        typed_name=typed_name.strip(),
        ip_address=request.ip_address,
        user_agent=request.user_agent,
    )
    log.record(
        log.Action.CONSENT_ACKNOWLEDGED,
        actor=student,
        obj=acknowledgement,
        counselee=getattr(student, "counselee", None),
        purpose=log.Purpose.OWN,
    )
    return acknowledgement


@transaction.atomic
def withdraw_consent(student: User, *, by: User) -> ConsentWithdrawal:
    policy.require(policy.may_act_on_own_consent(by, student))
    withdrawal = ConsentWithdrawal.objects.create(student=student)
    log.record(
        log.Action.CONSENT_WITHDRAWN,
        actor=by,
        obj=withdrawal,
        counselee=getattr(student, "counselee", None),
        purpose=log.Purpose.OWN,
    )
    return withdrawal


@transaction.atomic
def record_disclosure(counselee: Counselee, *, by: User, **fields: Any) -> Disclosure:
    """Record a use of the limits of confidentiality; admins are alerted without content."""
    policy.require(policy.may_record_disclosure(by, counselee), counselee=counselee)
    if fields.get("reason") not in Disclosure.Reason.values:
        raise ValidationError(_("Pilih alasan dari daftar batas kerahasiaan."))
    if fields.get("recipient_role") not in Disclosure.RecipientRole.values:
        raise ValidationError(_("Pilih peran penerima dari daftar."))
    if not fields.get("student_informed") and not fields.get("not_informed_reason", "").strip():
        raise ValidationError(_("Jelaskan mengapa siswa belum dapat diberi tahu."))
    if fields.get("student_informed"):
        fields["informed_at"] = timezone.now()
    disclosure = Disclosure.objects.create(counselee=counselee, counselor=by, **fields)
    log.record(
        log.Action.DISCLOSE,
        actor=by,
        obj=disclosure,
        counselee=counselee,
        purpose=log.Purpose.CASELOAD,
    )
    notices.notify_all(notices.admins(), Notice.Kind.DISCLOSURE_RECORDED, about=disclosure)
    return disclosure


@transaction.atomic
def mark_student_informed(disclosure: Disclosure, *, by: User) -> None:
    disclosure = Disclosure.objects.select_for_update().get(pk=disclosure.pk)
    policy.require(
        policy.may_mark_informed(by, disclosure), disclosure, counselee=disclosure.counselee
    )
    if disclosure.student_informed:
        return
    disclosure.student_informed = True
    disclosure.informed_at = timezone.now()
    disclosure.save(update_fields=["student_informed", "informed_at"])
    log.record(
        log.Action.UPDATE,
        actor=by,
        obj=disclosure,
        counselee=disclosure.counselee,
        purpose=log.Purpose.CASELOAD,
    )

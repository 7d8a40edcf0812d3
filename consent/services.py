"""Consent, withdrawal, ending counseling, and disclosures.

The consent gate is `require_consent(counselee)`: the services that start a session and
write a note call it, so no path around the pages can skip it.
"""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Exists, OuterRef, Subquery
from django.utils import timezone
from django.utils.translation import gettext as _

from consent.models import ConsentAcknowledgement, ConsentDocument, ConsentWithdrawal, Disclosure
from consent.rendering import text_hash
from counseling import notifications, policy
from counseling.audit import context, log
from counseling.records import services as records_services
from counseling.records.models import CaseAssignment


class ConsentRequired(ValidationError):
    """The counselee has not acknowledged the current consent document."""


def current_document() -> ConsentDocument | None:
    return ConsentDocument.objects.filter(published_at__isnull=False).order_by("-version").first()


def valid_acknowledgement(student) -> ConsentAcknowledgement | None:
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


def has_valid_consent(student) -> bool:
    return valid_acknowledgement(student) is not None


def require_consent(counselee) -> None:
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
def publish(document: ConsentDocument, *, by) -> None:
    """Publish a draft; from now on it is the current version and immutable."""
    if not policy.can_use_admin_site(by):
        raise ValidationError(_("Hanya admin yang dapat menerbitkan dokumen persetujuan."))
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
def acknowledge(student, document, *, language, shown_hash, typed_name) -> ConsentAcknowledgement:
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
def withdraw_consent(student, *, by) -> ConsentWithdrawal:
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
def end_counseling(counselee, *, by) -> list:
    """The student ends the counseling relationship: records stay, new sessions stop.

    Active assignments end; the counselors are told, without content, once committed.
    Returns the counselors who were on the case.
    """
    from consent.tasks import tell_counselor_case_ended
    from sessions import bookings
    from sessions import services as session_services

    bookings.cancel_all(counselee, by=by)
    session_services.cancel_upcoming_sessions(counselee, by=by)
    counselee.counseling_ended_at = timezone.now()
    counselee.save(update_fields=["counseling_ended_at"])
    assignments = list(CaseAssignment.objects.active().filter(counselee=counselee))
    for assignment in assignments:
        records_services.end_assignment(
            assignment, by=by, reason=CaseAssignment.EndReason.STUDENT_ENDED
        )
        notifications.enqueue_on_commit(tell_counselor_case_ended, assignment.pk)
    return [a.counselor for a in assignments]


@transaction.atomic
def close_case(counselee, *, by) -> None:
    """The counselor closes a case that no longer benefits the student (seed 004 b)."""
    assignment = CaseAssignment.objects.active().filter(counselee=counselee, counselor=by).first()
    if assignment is None:
        raise ValidationError(_("Siswa ini tidak ada dalam daftar kasus Anda."))
    records_services.end_assignment(
        assignment, by=by, reason=CaseAssignment.EndReason.COUNSELOR_CLOSED
    )


@transaction.atomic
def record_disclosure(counselee, *, by, **fields) -> Disclosure:
    """Record a use of the limits of confidentiality; admins are alerted without content."""
    from consent.tasks import alert_admins_of_disclosure

    if not policy.can_write_counseling_data(by, counselee):
        raise ValidationError(_("Siswa ini tidak ada dalam daftar kasus Anda."))
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
    notifications.enqueue_on_commit(alert_admins_of_disclosure, disclosure.pk)
    return disclosure


@transaction.atomic
def mark_student_informed(disclosure, *, by) -> None:
    if not policy.can_write_counseling_data(by, disclosure.counselee):
        raise ValidationError(_("Siswa ini tidak ada dalam daftar kasus Anda."))
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

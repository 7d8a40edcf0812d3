"""Changes to counselee records, caseloads and conflicts of interest.

Views and the admin site call these; nothing else saves these models.
"""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from counseling import policy
from counseling.audit import log
from counseling.records.models import CaseAssignment, ConflictOfInterest


def check_assignable(counselor, counselee):
    """Raise `ValidationError` when `counselor` may not take `counselee` on the caseload."""
    if not policy.has_role(counselor, policy.Role.COUNSELOR):
        raise ValidationError(_("Hanya akun konselor aktif yang dapat menerima penugasan kasus."))
    if counselee.counseling_ended_at is not None:
        raise ValidationError(
            _(
                "Siswa ini telah mengakhiri konseling. Kasus baru dibuka hanya bila siswa sendiri "
                "memintanya, dengan memesan jadwal."
            )
        )
    if policy.has_conflict(counselor, counselee):
        raise ValidationError(
            _(
                "Konselor ini telah menyatakan konflik kepentingan (keluarga atau teman dekat) "
                "dengan siswa ini. Tugaskan konselor lain."
            )
        )
    if CaseAssignment.objects.active().filter(counselor=counselor, counselee=counselee).exists():
        raise ValidationError(_("Siswa ini sudah ada dalam daftar kasus konselor tersebut."))


@transaction.atomic
def assign(counselor, counselee, *, by) -> CaseAssignment:
    """Put `counselee` on `counselor`'s caseload."""
    check_assignable(counselor, counselee)
    assignment = CaseAssignment.objects.create(counselor=counselor, counselee=counselee)
    log.record(
        log.Action.ASSIGNMENT_CHANGED,
        actor=by,
        obj=assignment,
        counselee=counselee,
        purpose=log.Purpose.ADMINISTRATION,
    )
    return assignment


@transaction.atomic
def end_assignment(assignment, *, by, reason=CaseAssignment.EndReason.ADMINISTRATION) -> None:
    """End an active assignment; the history stays."""
    if assignment.ended_at is None:
        assignment.ended_at = timezone.now()
        assignment.end_reason = reason
        assignment.save(update_fields=["ended_at", "end_reason"])
        log.record(
            log.Action.ASSIGNMENT_CHANGED,
            actor=by,
            obj=assignment,
            counselee=assignment.counselee,
            purpose=log.Purpose.ADMINISTRATION,
        )


@transaction.atomic
def declare_conflict(counselor, counselee, relation, *, by) -> ConflictOfInterest:
    """Record a counselor's conflict of interest and end any assignment it touches."""
    if counselee.counseling_ended_at is not None:
        raise ValidationError(
            _(
                "Siswa ini telah mengakhiri konseling. Kasus baru dibuka hanya bila siswa sendiri "
                "memintanya, dengan memesan jadwal."
            )
        )
    if policy.has_conflict(counselor, counselee):
        raise ValidationError(_("Anda sudah menyatakan konflik kepentingan dengan siswa ini."))
    conflict = ConflictOfInterest.objects.create(
        counselor=counselor, counselee=counselee, relation=relation
    )
    log.record(log.Action.CONFLICT_DECLARED, actor=by, obj=conflict, counselee=counselee)
    for assignment in CaseAssignment.objects.active().filter(
        counselor=counselor, counselee=counselee
    ):
        end_assignment(assignment, by=by, reason=CaseAssignment.EndReason.CONFLICT)
    return conflict

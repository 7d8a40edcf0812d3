"""Who may open a counselee's record, and who may change who is on the case.

A counselor reaches a record through an active assignment or an unexpired emergency
access, and never while she has declared a conflict of interest with the student: the
conflict is checked by every decision here, not left to the cleanup that ends her
assignment. A student reaches her own record; an admin the directory, never the content.
"""

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from typing import Any

from django.db.models import Exists, OuterRef, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from counseling.accounts.models import User
from counseling.audit.models import EmergencyAccess
from counseling.encryption import encrypted_field_names
from counseling.policy.core import Person, Purpose, Role, fetch, has_role
from counseling.policy.shares import referred_out
from counseling.records.models import CaseAssignment, ConflictOfInterest, Counselee


def active_emergency_accesses(user: User) -> QuerySet[EmergencyAccess]:
    return EmergencyAccess.objects.filter(
        counselor=user, expires_at__gt=timezone.now(), revoked_at__isnull=True
    )


def _conflict_with(user: User, field: str) -> Exists:
    return Exists(ConflictOfInterest.objects.filter(counselor=user, counselee=OuterRef(field)))


def readable_counselees(user: User, field: str = "counselee_id") -> Q:
    """A filter on `field`: the counselees whose counseling content `user` may read.

    Each row is checked with index probes (the one active assignment of the pair, an
    unexpired emergency access, a hand-over of the last 14 days, a declared conflict):
    pages filter to one counselee, and an `IN` over the whole caseload read every
    assignment of the counselor per query.
    """
    assigned = CaseAssignment.objects.active().filter(counselor=user, counselee=OuterRef(field))
    emergency = active_emergency_accesses(user).filter(counselee=OuterRef(field))
    reach = Q(Exists(assigned)) | Q(Exists(emergency)) | Q(referred_out(user, field))
    return reach & ~Q(_conflict_with(user, field))


def assigned_counselees(user: User, field: str = "counselee_id") -> Q:
    """A filter on `field`: the counselees on `user`'s active caseload, conflicts aside."""
    assigned = CaseAssignment.objects.active().filter(counselor=user, counselee=OuterRef(field))
    return Q(Exists(assigned)) & ~Q(_conflict_with(user, field))


def caseload_for(user: Person) -> QuerySet[Counselee]:
    """A counselor's active caseload (empty for everyone else).

    Directory data only: the encrypted fields are deferred, so a list of a hundred
    counselees decrypts nothing (and a record opened from it is logged on its own page).
    """
    if not has_role(user, Role.COUNSELOR):
        return Counselee.objects.none()
    assigned = CaseAssignment.objects.active().filter(counselor=user).values("counselee_id")
    return (
        Counselee.objects.select_related("user")
        .defer(*encrypted_field_names(Counselee))
        .filter(pk__in=assigned)
        .exclude(_conflict_with(user, "pk"))
    )


def counselees_for(user: Person) -> QuerySet[Counselee]:
    """The counselee records `user` may open.

    A student: their own. A counselor: the caseload, plus any counselee they hold
    unexpired emergency access to. An admin: the directory (never the content).
    """
    records = Counselee.objects.select_related("user")
    if has_role(user, Role.STUDENT):
        return records.filter(user=user)
    if has_role(user, Role.COUNSELOR):
        return records.filter(readable_counselees(user, "pk"))
    if has_role(user, Role.ADMIN):
        return records
    return records.none()


def own_counselee(user: Person, *, decrypt: bool = True) -> Counselee | None:
    """A student's own record, or None (for anyone else, or a student without one).

    `decrypt=False` leaves the encrypted fields (guardian, background) unread: for a
    caller that only needs the record's id and directory data, such as a booking.
    """
    if not has_role(user, Role.STUDENT):
        return None
    records = Counselee.objects.filter(user=user)
    if not decrypt:
        records = records.defer(*encrypted_field_names(Counselee))
    return records.first()


@dataclass(frozen=True)
class RecordAccess:
    """What one user may read and do on one counselee's record, and on what basis.

    `read_counseling_data`: the record's sessions and disclosures (which notes of them
    she reads is `policy.notes`' decision); `write_counseling_data`: sessions, notes and
    disclosures of her own; `read_contact`: the guardian's name and phone;
    `read_background`: the record's background notes, which are the case's, not one
    counselor's (the referring counselor's read-only days are for her own notes only).
    """

    purpose: str
    read_counseling_data: bool
    write_counseling_data: bool
    read_contact: bool
    emergency_access: EmergencyAccess | None
    conflicted: bool = False
    read_background: bool = False


NO_ACCESS = RecordAccess(Purpose.NONE, False, False, False, None)

# Decisions already made inside `one_decision_per_record()`, by (user, counselee).
_decided: ContextVar[dict[tuple[int, int], RecordAccess] | None] = ContextVar(
    "amanah_policy_decided", default=None
)


@contextmanager
def one_decision_per_record() -> Iterator[None]:
    """Within the block, `record_access` decides each (user, counselee) once.

    A confidential page's getter and its access-log entry ask the same question; the
    block spans those reads only and ends before the view changes anything, so a
    decision is never reused after an assignment could have changed.
    """
    token = _decided.set({})
    try:
        yield
    finally:
        _decided.reset(token)


def record_access(user: Person, counselee: Counselee) -> RecordAccess:
    """The decisions about one record at once: one query for a counselor.

    `@shows_confidential` asks once per page and hands the answer to the view, which
    then needs no second look at the caseload. Services ask again under their locks.
    """
    decided = _decided.get()
    key = (user.pk or 0, counselee.pk)
    if decided is not None and key in decided:
        return decided[key]
    access = _decide(user, counselee)
    if decided is not None:
        decided[key] = access
    return access


def _decide(user: Person, counselee: Counselee) -> RecordAccess:
    if has_role(user, Role.STUDENT):
        if counselee.user_id != user.pk:
            return NO_ACCESS
        return RecordAccess(Purpose.OWN, False, False, True, None)
    if has_role(user, Role.ADMIN):
        return RecordAccess(Purpose.ADMINISTRATION, False, False, False, None)
    if has_role(user, Role.DPO):
        # Requests and their metadata; never the counseling content of the record.
        return RecordAccess(Purpose.DATA_PROTECTION, False, False, False, None)
    if not has_role(user, Role.COUNSELOR):
        return NO_ACCESS
    pair = {"counselor": user, "counselee": OuterRef("pk")}
    assigned, conflicted, booked, handed_over = (
        Counselee.objects.filter(pk=counselee.pk)
        .values_list(
            Exists(CaseAssignment.objects.active().filter(**pair)),
            Exists(ConflictOfInterest.objects.filter(**pair)),
            Exists(counselee.bookings.model.objects.filter(**pair)),
            referred_out(user, "pk"),
        )
        .get()
    )
    if conflicted:
        return RecordAccess(Purpose.NONE, False, False, False, None, conflicted=True)
    if assigned:
        return RecordAccess(Purpose.CASELOAD, True, True, True, None, read_background=True)
    emergency = active_emergency_accesses(user).filter(counselee=counselee)
    grant = emergency.order_by("-expires_at").first()
    if grant is not None:
        return RecordAccess(Purpose.EMERGENCY, True, False, False, grant, read_background=True)
    if handed_over:
        # After an accepted referral: her own notes, read-only, for 14 days (`policy.shares`);
        # not the background notes, which now serve the receiver's work.
        return RecordAccess(Purpose.REFERRAL, True, False, False, None)
    return RecordAccess(Purpose.BOOKING if booked else Purpose.NONE, False, False, False, None)


def get_counselee_for(user: Person, public_id: Any) -> Counselee:
    """The counselee with `public_id` if `user` may open the record, else `Http404`:
    their own for a student; on the caseload or under emergency access for a counselor."""

    def may(counselee: Counselee) -> bool:
        access = record_access(user, counselee)
        return access.read_counseling_data or access.purpose == Purpose.OWN

    records = Counselee.objects.select_related("user")
    return fetch(user, records, public_id, may=may, counselee_of=lambda counselee: counselee)


def get_counselee_for_writing(user: Person, public_id: Any) -> Counselee:
    """A counselee on `user`'s caseload, for recording a session; else `Http404` (logged)."""
    records = Counselee.objects.select_related("user")
    return fetch(
        user,
        records,
        public_id,
        may=lambda counselee: record_access(user, counselee).write_counseling_data,
        counselee_of=lambda counselee: counselee,
    )


def can_read_counseling_data(user: Person, counselee: Counselee) -> bool:
    """Sessions and disclosures: the caseload's counselor, or one under emergency access."""
    return record_access(user, counselee).read_counseling_data


def can_write_counseling_data(user: Person, counselee: Counselee) -> bool:
    """Writing stays with the counselor on the case; emergency access is read-only."""
    return record_access(user, counselee).write_counseling_data


def find_student_by_nis(user: Person, nis: str) -> Counselee | None:
    """A counselor names a student by NIS to declare a conflict or to break the glass.

    Counselors are school staff who may know the directory (name, NIS, class); nothing
    of the record comes with it.
    """
    if not has_role(user, Role.COUNSELOR):
        return None
    return Counselee.objects.filter(nis=nis.strip()).only("pk", "nis", "public_id").first()


def is_assigned(counselor: Person, counselee: Counselee) -> bool:
    if not has_role(counselor, Role.COUNSELOR):
        return False
    return CaseAssignment.objects.active().filter(counselor=counselor, counselee=counselee).exists()


def is_restricted(counselee: Counselee) -> bool:
    """Whether processing of her data is restricted at her request (UU PDP art. 41).

    While it is, nobody books, runs a session, writes a note or a message about her; the
    crisis pathway and the limits of confidentiality stay open (her vital interest and
    the safety of others are the law's own exceptions, art. 41(2)).
    """
    return counselee.processing_restricted_at is not None


def has_active_assignment(counselee: Counselee) -> bool:
    return CaseAssignment.objects.active().filter(counselee=counselee).exists()


def has_conflict(counselor: User, counselee: Counselee) -> bool:
    return ConflictOfInterest.objects.filter(counselor=counselor, counselee=counselee).exists()


def conflicts_for(user: Person) -> QuerySet[ConflictOfInterest]:
    """Conflict declarations `user` may list: a counselor's own, or all for an admin."""
    declarations = ConflictOfInterest.objects.select_related("counselee__user", "counselor")
    if has_role(user, Role.COUNSELOR):
        return declarations.filter(counselor=user)
    if has_role(user, Role.ADMIN):
        return declarations
    return declarations.none()


# Changing who is on the case


def assignment_refusal(counselor: Person, counselee: Counselee) -> str | None:
    """Why `counselor` may not be put on `counselee`'s caseload, or None if she may."""
    if not has_role(counselor, Role.COUNSELOR):
        return _("Hanya akun konselor aktif yang dapat menerima penugasan kasus.")
    if counselee.counseling_ended_at is not None:
        return _(
            "Siswa ini telah mengakhiri konseling. Kasus baru dibuka hanya bila siswa sendiri "
            "memintanya, dengan memesan jadwal."
        )
    if has_conflict(counselor, counselee):
        return _(
            "Konselor ini telah menyatakan konflik kepentingan (keluarga atau teman dekat) "
            "dengan siswa ini. Tugaskan konselor lain."
        )
    if is_assigned(counselor, counselee):
        return _("Siswa ini sudah ada dalam daftar kasus konselor tersebut.")
    return None


def may_assign(user: Person) -> bool:
    """An admin assigns counselors to students (a student's own booking opens a case too,
    through `policy.bookings.may_confirm`)."""
    return has_role(user, Role.ADMIN)


def may_end_assignment(user: Person, assignment: CaseAssignment) -> bool:
    """An admin ends any active assignment; a counselor closes her own case."""
    if not assignment.is_active:
        return False
    if has_role(user, Role.ADMIN):
        return True
    return has_role(user, Role.COUNSELOR) and assignment.counselor_id == user.pk


def may_close_case(user: Person, counselee: Counselee) -> bool:
    """The counselor on the case may close it (seed 004 b)."""
    return record_access(user, counselee).write_counseling_data


def may_declare_conflict(user: Person, counselee: Counselee) -> bool:
    """Any counselor may declare a conflict of interest with any student, once."""
    return has_role(user, Role.COUNSELOR) and not has_conflict(user, counselee)


def may_end_counseling(user: Person, counselee: Counselee) -> bool:
    """Only the student herself ends the counseling relationship (seed 004 d)."""
    return has_role(user, Role.STUDENT) and counselee.user_id == user.pk


def unanswered_assignments_for(user: Person) -> QuerySet[CaseAssignment]:
    """Assignments an admin made for this student that she has not answered yet."""
    if not has_role(user, Role.STUDENT):
        return CaseAssignment.objects.none()
    return (
        CaseAssignment.objects.active()
        .filter(
            counselee__user=user,
            opened_by=CaseAssignment.OpenedBy.ADMIN,
            student_answered_at__isnull=True,
        )
        .select_related("counselor")
        .order_by("started_at")
    )


def get_unanswered_assignment_for(user: Person, public_id: Any) -> CaseAssignment:
    return fetch(
        user,
        unanswered_assignments_for(user),
        public_id,
        may=lambda assignment: True,
    )


def may_answer_assignment(user: Person, assignment: CaseAssignment) -> bool:
    """The student answers an admin's assignment once: fine, or "I did not ask for this"."""
    return (
        has_role(user, Role.STUDENT)
        and assignment.counselee.user_id == user.pk
        and assignment.is_active
        and assignment.opened_by == CaseAssignment.OpenedBy.ADMIN
        and assignment.student_answered_at is None
    )

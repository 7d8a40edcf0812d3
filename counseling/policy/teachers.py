"""Teachers (guru, wali kelas) and their referrals into BK.

A teacher signs in with a password (no second factor: she reaches no counseling data)
and sees only the students of the classes she teaches, as directory data (name, NIS,
class). She refers one of them to BK with a short reason that only counselors read, and
afterwards learns only "diterima BK" and "selesai ditindaklanjuti": never whether the
student came, declined, or is in counseling at all. Nothing she can open differs between
a student in counseling and one who is not.

On BK's side the referral is read by the student's own counselors and by the
coordinators (by every counselor when the school has named no coordinator), never by
one with a declared conflict. The student is invited and may decline; that answer stays
with BK.
"""

from typing import Any

from django.db.models import Exists, OuterRef, Q, QuerySet

from counseling.accounts.models import User
from counseling.encryption import encrypted_field_names
from counseling.policy.accounts import coordinators, is_coordinator
from counseling.policy.core import Person, Role, fetch, has_role
from counseling.policy.records import has_conflict, is_assigned
from counseling.records.models import CaseAssignment, ConflictOfInterest, Counselee
from counseling.referrals.models import BkReferral, TeachingAssignment

Status = BkReferral.Status


def classes_taught(user: Person) -> QuerySet[TeachingAssignment]:
    if not has_role(user, Role.TEACHER):
        return TeachingAssignment.objects.none()
    return TeachingAssignment.objects.filter(teacher=user)


def students_for(user: Person) -> QuerySet[Counselee]:
    """A teacher's students: those of the classes she teaches, directory data only."""
    if not has_role(user, Role.TEACHER):
        return Counselee.objects.none()
    classes = classes_taught(user).values("class_name")
    return (
        Counselee.objects.select_related("user")
        .defer(*encrypted_field_names(Counselee))
        .filter(class_name__in=classes, user__is_active=True)
    )


def get_student_for_teacher(user: Person, public_id: Any) -> Counselee:
    """A student of `user`'s classes, else `Http404` (logged)."""
    return fetch(
        user,
        students_for(user),
        public_id,
        may=lambda counselee: True,
        counselee_of=lambda counselee: counselee,
    )


def may_refer_into_bk(user: Person, counselee: Counselee) -> bool:
    """A teacher, for a student of her classes, when her last referral of the student is
    followed up (one open referral per teacher and student)."""
    return (
        students_for(user).filter(pk=counselee.pk).exists()
        and not BkReferral.objects.filter(teacher_id=user.pk, counselee=counselee)
        .exclude(status=Status.FOLLOWED_UP)
        .exists()
    )


def _bk_readers(user: Person) -> Q:
    """A filter on BK referrals: those `user` reads on BK's side."""
    conflicted = Exists(
        ConflictOfInterest.objects.filter(counselor_id=user.pk, counselee=OuterRef("counselee_id"))
    )
    if is_coordinator(user) or not coordinators().exists():
        return ~Q(conflicted)
    assigned = Exists(
        CaseAssignment.objects.active().filter(
            counselor_id=user.pk, counselee=OuterRef("counselee_id")
        )
    )
    return Q(assigned) & ~Q(conflicted)


def bk_referrals_for(user: Person) -> QuerySet[BkReferral]:
    """A teacher's own referrals (for their status, never the reason read back); BK's
    for a counselor who receives them; none for anyone else."""
    referrals = BkReferral.objects.select_related("counselee__user", "teacher", "received_by")
    if has_role(user, Role.TEACHER):
        # The reason is for counselors: her own list never decrypts it.
        return referrals.filter(teacher=user).defer("reason")
    if has_role(user, Role.COUNSELOR):
        return referrals.filter(_bk_readers(user))
    return referrals.none()


def may_read_bk_referral(user: Person, referral: BkReferral) -> bool:
    """Counselors who receive BK referrals for this student read the reason."""
    if not has_role(user, Role.COUNSELOR) or has_conflict(user, referral.counselee):
        return False
    return (
        is_coordinator(user) or not coordinators().exists() or is_assigned(user, referral.counselee)
    )


def get_bk_referral_for(user: Person, public_id: Any) -> BkReferral:
    """A referral into BK for a counselor who receives it, else `Http404` (logged)."""
    return fetch(
        user,
        BkReferral.objects.select_related("counselee__user", "teacher", "received_by"),
        public_id,
        may=lambda referral: may_read_bk_referral(user, referral),
        counselee_of=lambda referral: referral.counselee,
    )


def may_receive_bk_referral(user: Person, referral: BkReferral) -> bool:
    return referral.status == Status.SENT and may_read_bk_referral(user, referral)


def may_invite_student(user: Person, referral: BkReferral) -> bool:
    """Received, not yet invited: a counselor who reads it invites the student."""
    return (
        referral.status == Status.RECEIVED
        and referral.invited_at is None
        and may_read_bk_referral(user, referral)
    )


def may_follow_up_bk_referral(user: Person, referral: BkReferral) -> bool:
    return referral.status == Status.RECEIVED and may_read_bk_referral(user, referral)


def bk_invitations_for(user: Person) -> QuerySet[BkReferral]:
    """A student's invitations from BK that wait for her answer. They name neither the
    teacher nor the reason: BK invites her, in its own words."""
    if not has_role(user, Role.STUDENT):
        return BkReferral.objects.none()
    invitations: QuerySet[BkReferral] = BkReferral.objects.filter(
        counselee__user=user,
        invited_at__isnull=False,
        student_answer=BkReferral.StudentAnswer.NONE,
    )
    return invitations.defer("reason").order_by("invited_at")


def get_bk_invitation_for(user: Person, public_id: Any) -> BkReferral:
    return fetch(
        user,
        bk_invitations_for(user),
        public_id,
        may=lambda referral: True,
        counselee_of=lambda referral: referral.counselee,
    )


def may_answer_bk_invitation(user: Person, referral: BkReferral) -> bool:
    return (
        has_role(user, Role.STUDENT)
        and referral.counselee.user_id == user.pk
        and referral.invited_at is not None
        and referral.student_answer == BkReferral.StudentAnswer.NONE
    )


def bk_referral_recipients(counselee: Counselee) -> QuerySet[User]:
    """Who is told of a new referral into BK: the coordinators and the student's own
    counselors (every counselor when the school has no coordinator), none conflicted."""
    conflicted = ConflictOfInterest.objects.filter(counselor=OuterRef("pk"), counselee=counselee)
    counselors = User.objects.filter(role=Role.COUNSELOR, is_active=True).exclude(
        Exists(conflicted)
    )
    if not coordinators().exists():
        return counselors
    assigned = CaseAssignment.objects.active().filter(counselor=OuterRef("pk"), counselee=counselee)
    return counselors.filter(Q(is_coordinator=True) | Q(Exists(assigned)))

import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from counseling.encryption import (
    CounseleeEncryptedCharField,
    CounseleeEncryptedTextField,
    EncryptedCharField,
    EncryptedFieldsQuerySet,
)


class Counselee(models.Model):
    """A student's counseling record.

    Directory data (name on the user, NIS, class, date of birth) stays in plain columns so
    it can be searched; what the counseling office learns about the student is encrypted.
    Nothing about religion or ethnicity is collected at all.
    """

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="counselee",
        limit_choices_to={"role": "student"},
        verbose_name=_("akun siswa"),
    )
    nis = models.CharField(_("NIS"), max_length=20, unique=True)
    class_name = models.CharField(_("kelas"), max_length=20, db_index=True)
    date_of_birth = models.DateField(_("tanggal lahir"), null=True, blank=True)

    guardian_name = CounseleeEncryptedCharField(
        _("nama wali"), max_length=150, blank=True, counselee_path="self"
    )
    guardian_phone = CounseleeEncryptedCharField(
        _("telepon wali"), max_length=30, blank=True, counselee_path="self"
    )
    background_notes = CounseleeEncryptedTextField(
        _("catatan latar belakang"), blank=True, counselee_path="self"
    )

    created_at = models.DateTimeField(auto_now_add=True)
    # Set when the student ends counseling; only her own new request opens a case again.
    counseling_ended_at = models.DateTimeField(null=True, blank=True, editable=False)
    # Set while processing is restricted at her request (UU PDP art. 41): her records are
    # kept, but no new booking, session, note or message is made (`policy.is_restricted`).
    processing_restricted_at = models.DateTimeField(null=True, blank=True, editable=False)

    objects = EncryptedFieldsQuerySet.as_manager()

    class Meta:
        verbose_name = _("konseli")
        verbose_name_plural = _("konseli")

    def __str__(self):
        # Django copies __str__ into its admin log: directory data only.
        return f"NIS {self.nis}"

    @property
    def full_name(self):
        return self.user.full_name


class CaseAssignmentQuerySet(models.QuerySet["CaseAssignment"]):
    def active(self) -> "CaseAssignmentQuerySet":
        """Assignments that give need-to-know now: not ended, and not lapsed.

        A crisis assignment (`OpenedBy.CRISIS`) carries `expires_at`: past it, the
        counselor's reach ends at once, before the task that closes it formally runs.
        """
        return self.filter(ended_at__isnull=True).filter(
            Q(expires_at__isnull=True) | Q(expires_at__gt=timezone.now())
        )


class CaseAssignment(models.Model):
    """A counselor's responsibility for a counselee. While active it gives need-to-know.

    Need-to-know of the present, not of the past: earlier counselors' notes reach her only
    through a hand-over the student accepted (`counseling.policy.notes`).
    """

    class OpenedBy(models.TextChoices):
        ADMIN = "admin", _("Ditugaskan admin")
        STUDENT_BOOKING = "student_booking", _("Permintaan siswa sendiri")
        URGENT_REQUEST = "urgent_request", _("Permintaan mendesak yang diambil konselor")
        REFERRAL = "referral", _("Alih tangan kasus yang disetujui siswa")
        CRISIS = "crisis", _("Darurat: diambil dari permintaan bicara sekarang")

    class EndReason(models.TextChoices):
        ADMINISTRATION = "administration", _("Diakhiri admin")
        STUDENT_ENDED = "student_ended", _("Siswa mengakhiri konseling")
        COUNSELOR_CLOSED = "counselor_closed", _("Ditutup konselor: tidak lagi bermanfaat")
        CONFLICT = "conflict", _("Konflik kepentingan")
        STUDENT_DECLINED = "student_declined", _("Siswa tidak meminta penugasan ini")
        REFERRED = "referred", _("Dialihtangankan ke konselor lain")
        CRISIS_LAPSED = "crisis_lapsed", _("Penugasan darurat berakhir tanpa konfirmasi siswa")

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    counselor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="case_assignments",
        limit_choices_to={"role": "counselor"},
        verbose_name=_("konselor"),
    )
    counselee = models.ForeignKey(
        Counselee,
        on_delete=models.PROTECT,
        related_name="assignments",
        verbose_name=_("konseli"),
    )
    opened_by = models.CharField(
        _("dibuka oleh"), max_length=20, choices=OpenedBy.choices, default=OpenedBy.ADMIN
    )
    started_at = models.DateTimeField(_("mulai"), default=timezone.now)
    # When the student answered an admin's assignment on her dashboard ("fine", or "I did
    # not ask for this", which ends it).
    student_answered_at = models.DateTimeField(null=True, blank=True, editable=False)
    ended_at = models.DateTimeField(_("berakhir"), null=True, blank=True)
    # A crisis assignment is time-boxed ("darurat"): it lapses here unless the student
    # confirms the counselor, which clears it. Every other assignment has none.
    expires_at = models.DateTimeField(_("berlaku sampai"), null=True, blank=True)
    end_reason = models.CharField(
        _("alasan berakhir"), max_length=20, choices=EndReason.choices, blank=True
    )

    objects = CaseAssignmentQuerySet.as_manager()

    class Meta:
        verbose_name = _("penugasan kasus")
        verbose_name_plural = _("penugasan kasus")
        constraints = [
            models.UniqueConstraint(
                fields=["counselor", "counselee"],
                condition=Q(ended_at__isnull=True),
                name="one_active_assignment_per_pair",
            )
        ]
        indexes = [models.Index(fields=["counselor", "ended_at"])]

    def __str__(self):
        return f"#{self.pk}"

    @property
    def is_active(self):
        return self.ended_at is None


class ConflictOfInterest(models.Model):
    """A counselor's declaration of a family or close-friend relation to a student.

    The BK code of ethics forbids counseling one's own family or close friends: while a
    declaration stands, the counselor can be neither assigned to nor booked by the student.
    """

    class Relation(models.TextChoices):
        FAMILY = "family", _("Keluarga")
        CLOSE_FRIEND = "close_friend", _("Teman dekat")

    counselor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="conflicts_of_interest",
        limit_choices_to={"role": "counselor"},
        verbose_name=_("konselor"),
    )
    counselee = models.ForeignKey(
        Counselee,
        on_delete=models.PROTECT,
        related_name="conflicts_of_interest",
        verbose_name=_("konseli"),
    )
    relation = models.CharField(_("hubungan"), max_length=16, choices=Relation.choices)
    declared_at = models.DateTimeField(_("dinyatakan"), default=timezone.now)

    class Meta:
        verbose_name = _("konflik kepentingan")
        verbose_name_plural = _("konflik kepentingan")
        constraints = [
            models.UniqueConstraint(fields=["counselor", "counselee"], name="one_conflict_per_pair")
        ]

    def __str__(self):
        return f"#{self.pk}"


class EncryptionCanary(models.Model):
    """One row holding a known text, encrypted: proof that FIELD_ENCRYPTION_KEY is right.

    Created after `migrate` (`counseling.keycheck.ensure_canary`) and read at start-up by
    the system check amanah.E020. `rotate_encryption_key` re-encrypts it last, so a canary
    under the newest key means the rotation finished.
    """

    id = models.PositiveSmallIntegerField(primary_key=True, default=1)
    value = EncryptedCharField(max_length=64)

    objects = EncryptedFieldsQuerySet.as_manager()

    class Meta:
        constraints = [models.CheckConstraint(condition=Q(id=1), name="one_encryption_canary")]

    def __str__(self):
        return "encryption canary"

"""Alih tangan kasus: a counselor hands a student's case to another counselor.

Nothing moves until the student accepts (asas kesukarelaan), and then only what she
accepted: the hand-over summary, and the final notes and disclosures she left in. The
receiver then accepts or declines. A referral may also share the online-counseling
conversation between the student and the referring counselor, with the student's consent
like the rest. What a referral shares is read through
`counseling.policy.notes` and `counseling.policy.disclosures`; the referring counselor's
14 days of read-only reach through `counseling.policy.records`.
"""

import uuid

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from consent.models import Disclosure
from counseling.encryption import (
    CounseleeEncryptedTextField,
    EncryptedFieldsQuerySet,
)
from counseling.records.models import Counselee
from sessions.models import SessionNote


class ReferralQuerySet(EncryptedFieldsQuerySet["Referral"]):
    def open(self) -> "ReferralQuerySet":
        """Waiting for the student or for the receiver."""
        return self.filter(status__in=Referral.OPEN)


class Referral(models.Model):
    """One hand-over of a case from one counselor to another, with what it shares."""

    class Reason(models.TextChoices):
        BEYOND_COMPETENCE = "beyond_competence", _("Di luar kompetensi saya")
        CONFLICT = "conflict", _("Ditemukan konflik kepentingan")
        STUDENT_ASKED = "student_asked", _("Siswa memintanya")
        WORKLOAD = "workload", _("Beban kerja")
        SPECIALIST = "specialist", _("Bidang khusus konselor lain")
        OTHER = "other", _("Lainnya")

    class Scope(models.TextChoices):
        SUMMARY = "summary", _("Hanya ringkasan serah terima")
        CHOSEN = "chosen", _("Ringkasan dan sesi yang dipilih")
        ALL = "all", _("Ringkasan dan semua catatan final")

    class Status(models.TextChoices):
        # The student asked to change counselor ("Aku ingin ganti konselor"): the
        # coordinator chooses who takes over.
        WAITING_COORDINATOR = "waiting_coordinator", _("Menunggu koordinator BK")
        WAITING_STUDENT = "waiting_student", _("Menunggu jawaban siswa")
        STUDENT_DECLINED = "student_declined", _("Ditolak siswa")
        WAITING_RECEIVER = "waiting_receiver", _("Menunggu jawaban konselor penerima")
        RECEIVER_DECLINED = "receiver_declined", _("Ditolak konselor penerima")
        ACCEPTED = "accepted", _("Diterima: kasus berpindah")
        WITHDRAWN = "withdrawn", _("Ditarik kembali")

    OPEN = (Status.WAITING_COORDINATOR, Status.WAITING_STUDENT, Status.WAITING_RECEIVER)

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    counselee = models.ForeignKey(
        Counselee, on_delete=models.PROTECT, related_name="referrals", verbose_name=_("konseli")
    )
    from_counselor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="referrals_made",
        verbose_name=_("konselor perujuk"),
    )
    # Empty while a change the student asked for waits for the coordinator's choice.
    to_counselor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="referrals_received",
        verbose_name=_("konselor penerima"),
    )
    requested_by_student = models.BooleanField(_("diminta siswa"), default=False)
    reason = models.CharField(_("alasan"), max_length=20, choices=Reason.choices)
    reason_text = CounseleeEncryptedTextField(
        _("penjelasan alasan"), blank=True, counselee_path="counselee"
    )
    summary = CounseleeEncryptedTextField(
        _("ringkasan serah terima"), blank=True, counselee_path="counselee"
    )
    scope = models.CharField(_("yang dibagikan"), max_length=10, choices=Scope.choices)
    # What the counselor offered, narrowed by the student before she accepts: final notes
    # and disclosures only (drafts never travel).
    shared_notes = models.ManyToManyField(SessionNote, blank=True, related_name="+")
    shared_disclosures = models.ManyToManyField(Disclosure, blank=True, related_name="+")
    # The online-counseling conversation between the student and the referring counselor,
    # when the counselor offered it and the student left it in: the receiver then reads
    # what was written until the student consented, read-only (`policy.messaging`).
    shared_conversation = models.ForeignKey(
        "messaging.Conversation",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("percakapan daring yang dibagikan"),
    )
    # The coordinator who chose the receiver of a change the student asked for: she reads
    # the referral until the student answers, then no more.
    chosen_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("dipilih oleh"),
    )
    status = models.CharField(
        _("status"),
        max_length=20,
        choices=Status.choices,
        default=Status.WAITING_STUDENT,
        db_index=True,
    )
    created_at = models.DateTimeField(auto_now_add=True)
    student_answered_at = models.DateTimeField(null=True, blank=True, editable=False)
    receiver_answered_at = models.DateTimeField(null=True, blank=True, editable=False)
    # Set on acceptance: until then the referring counselor reads her own notes, read-only.
    read_only_until = models.DateTimeField(null=True, blank=True, editable=False)

    objects = ReferralQuerySet.as_manager()

    class Meta:
        verbose_name = _("alih tangan kasus")
        verbose_name_plural = _("alih tangan kasus")
        constraints = [
            models.UniqueConstraint(
                fields=["counselee"],
                condition=models.Q(
                    status__in=["waiting_coordinator", "waiting_student", "waiting_receiver"]
                ),
                name="one_open_referral_per_counselee",
            )
        ]
        indexes = [
            models.Index(fields=["from_counselor", "counselee", "read_only_until"]),
            models.Index(fields=["to_counselor", "status"]),
        ]

    def __str__(self):
        # Django copies __str__ into its admin log: ids only.
        return f"#{self.pk}"

    @property
    def is_open(self) -> bool:
        return self.status in self.OPEN


class TeachingAssignment(models.Model):
    """A class a teacher teaches (wali kelas or subject teacher): she refers its students.

    Directory data, kept by the admin: the class code is the one on `Counselee.class_name`.
    """

    teacher = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="classes_taught",
        limit_choices_to={"role": "teacher"},
        verbose_name=_("guru"),
    )
    class_name = models.CharField(_("kelas"), max_length=20)
    is_homeroom = models.BooleanField(_("wali kelas"), default=False)

    class Meta:
        verbose_name = _("kelas yang diajar")
        verbose_name_plural = _("kelas yang diajar")
        constraints = [
            models.UniqueConstraint(fields=["teacher", "class_name"], name="one_class_per_teacher")
        ]

    def __str__(self):
        return f"{self.class_name}"


class BkReferralQuerySet(EncryptedFieldsQuerySet["BkReferral"]):
    pass


class BkReferral(models.Model):
    """A teacher refers a student of her class to BK with a short reason.

    The teacher learns two things afterwards, and only these: that BK received it, and
    that BK has followed it up. Whether the student came, declined the invitation, or is in
    counseling at all stays with BK: the invitation and its answer are BK's columns, never
    shown to the teacher.
    """

    class Status(models.TextChoices):
        SENT = "sent", _("Terkirim")
        RECEIVED = "received", _("Diterima BK")
        FOLLOWED_UP = "followed_up", _("Selesai ditindaklanjuti")

    class StudentAnswer(models.TextChoices):
        NONE = "", _("Belum menjawab")
        ACCEPTED = "accepted", _("Bersedia")
        DECLINED = "declined", _("Tidak bersedia")

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    counselee = models.ForeignKey(
        Counselee, on_delete=models.PROTECT, related_name="bk_referrals", verbose_name=_("siswa")
    )
    teacher = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="bk_referrals_made",
        verbose_name=_("guru"),
    )
    reason = CounseleeEncryptedTextField(_("alasan"), counselee_path="counselee")
    status = models.CharField(
        _("status"), max_length=16, choices=Status.choices, default=Status.SENT, db_index=True
    )
    created_at = models.DateTimeField(auto_now_add=True)
    received_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("diterima oleh"),
    )
    received_at = models.DateTimeField(null=True, blank=True, editable=False)
    followed_up_at = models.DateTimeField(null=True, blank=True, editable=False)
    # BK's side: the invitation to the student and her answer (never the teacher's to see).
    invited_at = models.DateTimeField(null=True, blank=True, editable=False)
    student_answer = models.CharField(
        max_length=10, choices=StudentAnswer.choices, blank=True, default=StudentAnswer.NONE
    )

    objects = BkReferralQuerySet.as_manager()

    class Meta:
        verbose_name = _("rujukan ke BK")
        verbose_name_plural = _("rujukan ke BK")
        indexes = [models.Index(fields=["teacher", "created_at"])]

    def __str__(self):
        return f"#{self.pk}"


class ExternalReferral(models.Model):
    """A referral to a professional outside the school, with its letter.

    Sent only with the student's consent, or under a limit of confidentiality, in which
    case the disclosure it is (rule 7) is recorded with it. The letter holds the minimum
    the counselor chose: the student's name always, her class and date of birth only if
    ticked, and the counselor's own text. Admins see the status and the counts only.
    """

    class RecipientKind(models.TextChoices):
        PSYCHOLOGIST = "psychologist", _("Psikolog")
        PUSKESMAS = "puskesmas", _("Puskesmas")
        HOSPITAL = "hospital", _("Rumah sakit")
        UPTD_PPA = "uptd_ppa", _("UPTD PPA")
        SOCIAL_SERVICES = "social_services", _("Dinas sosial")
        POLICE = "police", _("Polisi")

    class Basis(models.TextChoices):
        CONSENT = "consent", _("Persetujuan siswa")
        LIMIT = "limit", _("Batas kerahasiaan")

    class Status(models.TextChoices):
        WAITING_STUDENT = "waiting_student", _("Menunggu persetujuan siswa")
        STUDENT_DECLINED = "student_declined", _("Ditolak siswa")
        SENT = "sent", _("Terkirim")
        RECEIVED = "received", _("Diterima")
        FEEDBACK_RECEIVED = "feedback_received", _("Umpan balik diterima")
        CLOSED = "closed", _("Selesai")

    # The disclosure's recipient role for each kind of recipient.
    DISCLOSURE_ROLES = {
        RecipientKind.PSYCHOLOGIST: "psychologist",
        RecipientKind.PUSKESMAS: "health",
        RecipientKind.HOSPITAL: "health",
        RecipientKind.UPTD_PPA: "child_protection",
        RecipientKind.SOCIAL_SERVICES: "child_protection",
        RecipientKind.POLICE: "police",
    }

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    counselee = models.ForeignKey(
        Counselee, on_delete=models.PROTECT, related_name="external_referrals"
    )
    counselor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="external_referrals"
    )
    recipient_kind = models.CharField(
        _("jenis penerima"), max_length=20, choices=RecipientKind.choices
    )
    recipient_name = CounseleeEncryptedTextField(
        _("nama lembaga atau profesional"), counselee_path="counselee"
    )
    letter_text = CounseleeEncryptedTextField(_("isi surat"), counselee_path="counselee")
    include_class = models.BooleanField(_("cantumkan kelas"), default=False)
    include_date_of_birth = models.BooleanField(_("cantumkan tanggal lahir"), default=False)
    basis = models.CharField(_("dasar"), max_length=10, choices=Basis.choices)
    limit_reason = models.CharField(
        _("batas kerahasiaan"), max_length=20, choices=Disclosure.Reason.choices, blank=True
    )
    disclosure = models.OneToOneField(
        Disclosure, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    status = models.CharField(_("status"), max_length=20, choices=Status.choices, db_index=True)
    feedback = CounseleeEncryptedTextField(_("umpan balik"), blank=True, counselee_path="counselee")
    created_at = models.DateTimeField(auto_now_add=True)
    sent_at = models.DateTimeField(null=True, blank=True, editable=False)

    objects = EncryptedFieldsQuerySet.as_manager()

    class Meta:
        verbose_name = _("rujukan ke luar sekolah")
        verbose_name_plural = _("rujukan ke luar sekolah")

    def __str__(self):
        return f"#{self.pk}"

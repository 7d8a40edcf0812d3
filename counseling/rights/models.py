"""A student's requests under UU PDP, their history, and the copy she is given.

Each request runs against the clock the law sets (`DataRequest.due_at`, 3 x 24 hours
from receipt); `counseling.rights.law` names the article behind each kind. What she
wrote in a request is about her and sealed under her own data key; the rest (kind,
status, dates, who decided) is metadata the data protection officer may see.
"""

import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from counseling.encryption import CounseleeEncryptedTextField, EncryptedFieldsQuerySet


class DataRequestQuerySet(EncryptedFieldsQuerySet):
    def open(self) -> "DataRequestQuerySet":
        """Waiting for an answer: received or in review, of a student not erased (the
        nightly erasure leaves nothing for her requests to be about)."""
        return self.filter(status__in=DataRequest.OPEN, counselee__erasure__isnull=True)


class DataRequest(models.Model):
    class Kind(models.TextChoices):
        COPY = "copy", _("Salinan data")
        CORRECTION = "correction", _("Perbaikan data")
        ERASURE = "erasure", _("Penghapusan data")
        RESTRICTION = "restriction", _("Pembatasan pemrosesan")
        OBJECTION = "objection", _("Keberatan")

    class Status(models.TextChoices):
        RECEIVED = "received", _("Diterima")
        # A copy her counselor is reviewing; an erasure or restriction the DPO weighs.
        IN_REVIEW = "in_review", _("Sedang ditinjau")
        DONE = "done", _("Dipenuhi")
        REFUSED = "refused", _("Ditolak")
        WITHDRAWN = "withdrawn", _("Dibatalkan")

    class Ground(models.TextChoices):
        """Why a request is refused, in whole or in part: the law's own grounds."""

        LEGAL_HOLD = "legal_hold", _("Catatan ditahan untuk perkara hukum")
        PENDING_CASE = "pending_case", _("Masih ada kasus yang sedang ditangani")
        LAW_REQUIRES = "law_requires", _("Peraturan perundang-undangan mewajibkan")
        ENDANGERS = "endangers", _("Dapat membahayakan keselamatan kamu atau orang lain")
        OTHERS_DATA = "others_data", _("Akan mengungkap data pribadi orang lain")
        NOT_APPLICABLE = "not_applicable", _("Amanah tidak memproses datamu dengan cara itu")

    OPEN = (Status.RECEIVED, Status.IN_REVIEW)

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    counselee = models.ForeignKey(
        "records.Counselee", on_delete=models.PROTECT, related_name="data_requests"
    )
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    kind = models.CharField(_("jenis"), max_length=16, choices=Kind.choices)
    status = models.CharField(
        _("status"), max_length=16, choices=Status.choices, default=Status.RECEIVED
    )
    # What she asks, in her own words (for a correction: what is wrong and what is right).
    details = CounseleeEncryptedTextField(_("rincian"), counselee_path="counselee", blank=True)
    # A directory correction: the values she asks for, as JSON ({"full_name": ...}).
    proposed = CounseleeEncryptedTextField(counselee_path="counselee", blank=True)
    # A note she disagrees with: her view is added beside it as an addendum.
    note = models.ForeignKey(
        "counseling_sessions.SessionNote",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    received_at = models.DateTimeField(default=timezone.now)
    due_at = models.DateTimeField()
    # A copy: the counselor who reviewed it before release.
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    reviewed_at = models.DateTimeField(null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    ground = models.CharField(_("dasar"), max_length=16, choices=Ground.choices, blank=True)
    # The decision explained to her, in words she can read.
    answer = CounseleeEncryptedTextField(_("jawaban"), counselee_path="counselee", blank=True)

    objects = DataRequestQuerySet.as_manager()

    class Meta:
        verbose_name = _("permintaan hak atas data")
        verbose_name_plural = _("permintaan hak atas data")
        indexes = [
            models.Index(fields=["counselee", "-received_at"], name="data_request_counselee"),
            models.Index(
                fields=["due_at"],
                condition=Q(status__in=["received", "in_review"]),
                name="data_request_open_due",
            ),
        ]
        constraints = [
            models.CheckConstraint(
                condition=~Q(status="refused") | ~Q(ground=""), name="refusal_names_its_ground"
            )
        ]

    def __str__(self):
        return f"#{self.pk} {self.kind}"

    @property
    def is_open(self) -> bool:
        return self.status in self.OPEN

    @property
    def is_overdue(self) -> bool:
        return self.is_open and timezone.now() > self.due_at


class DataRequestEvent(models.Model):
    """One step of a request (received, reviewed, decided, carried out): its history."""

    request = models.ForeignKey(DataRequest, on_delete=models.CASCADE, related_name="events")
    status = models.CharField(max_length=16, choices=DataRequest.Status.choices)
    # "received", "reviewed", "decided", "downloaded", ...: what happened, never content.
    step = models.CharField(max_length=32)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["at", "pk"]

    def __str__(self):
        return f"#{self.pk} {self.step}"


class WithheldNote(models.Model):
    """A note her counselor keeps out of her copy, with the law's ground (art. 33).

    She is told that a note from that date was withheld and why; never what it says.
    """

    class Reason(models.TextChoices):
        ENDANGERS_STUDENT = (
            "endangers_student",
            _("Dapat membahayakan keselamatan atau kesehatan fisik atau mentalmu"),
        )
        ENDANGERS_OTHERS = "endangers_others", _("Dapat membahayakan orang lain")
        OTHERS_DATA = "others_data", _("Akan mengungkap data pribadi orang lain")

    request = models.ForeignKey(DataRequest, on_delete=models.CASCADE, related_name="withheld")
    note = models.ForeignKey(
        "counseling_sessions.SessionNote", on_delete=models.CASCADE, related_name="+"
    )
    reason = models.CharField(max_length=24, choices=Reason.choices)
    by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["request", "note"], name="withheld_once_per_copy")
        ]

    def __str__(self):
        return f"#{self.pk}"


class CopyLink(models.Model):
    """A one-time, expiring link to her copy, as a PDF to read or JSON to take along.

    Only a hash of the token is stored; the token itself is shown once, on her own page.
    """

    class Format(models.TextChoices):
        PDF = "pdf", "PDF"
        JSON = "json", "JSON"

    request = models.ForeignKey(DataRequest, on_delete=models.CASCADE, related_name="links")
    format = models.CharField(max_length=8, choices=Format.choices)
    token_hash = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(default=timezone.now)
    expires_at = models.DateTimeField()
    used_at = models.DateTimeField(null=True, blank=True)

    def __str__(self):
        return f"#{self.pk} {self.format}"


class SealedCopy(models.Model):
    """Her copy as built at release, kept only until she downloads it or it expires.

    Both files are sealed under her own data key (the PDF as base64), so erasing her
    record by destroying that key also destroys any copy still waiting here. A file is
    emptied the moment it is downloaded, and both are emptied when the copy expires.
    """

    request = models.OneToOneField(DataRequest, on_delete=models.CASCADE, related_name="copy")
    counselee = models.ForeignKey("records.Counselee", on_delete=models.PROTECT, related_name="+")
    pdf = CounseleeEncryptedTextField(counselee_path="counselee", blank=True)
    json = CounseleeEncryptedTextField(counselee_path="counselee", blank=True)
    # Plain flags beside the sealed files, so a page can tell what is left without
    # decrypting (and a lookup never touches an encrypted column).
    has_pdf = models.BooleanField(default=False)
    has_json = models.BooleanField(default=False)
    built_at = models.DateTimeField(default=timezone.now)
    expires_at = models.DateTimeField()

    objects = EncryptedFieldsQuerySet.as_manager()

    def __str__(self):
        return f"#{self.pk}"

    def has(self, format: str) -> bool:
        return self.has_pdf if format == CopyLink.Format.PDF else self.has_json

    @property
    def is_expired(self) -> bool:
        return timezone.now() >= self.expires_at

"""Guardians, the guardian consent document, its one-time links, acknowledgements,
withdrawals and exemptions.

Contact data and an exemption's detail are encrypted. Published documents,
acknowledgements and withdrawals are immutable, like the student's own.
"""

import hashlib
import secrets
import uuid
from typing import Any

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from counseling.audit.models import AppendOnlyError, AppendOnlyQuerySet
from counseling.encryption import (
    CounseleeEncryptedCharField,
    CounseleeEncryptedTextField,
    EncryptedFieldsQuerySet,
)


class Basis(models.TextChoices):
    """The school's lawful basis for counseling a minor (setting `GUARDIAN_BASIS`)."""

    CONSENT_REQUIRED = "consent_required", _("Persetujuan wali wajib sebelum sesi pertama")
    NOTICE_ONLY = "notice_only", _("Pemberitahuan kepada wali saja")
    PUBLIC_DUTY = "public_duty", _("Tugas layanan publik sekolah saja")


class Guardian(models.Model):
    """A parent or guardian of a student: contact data only, encrypted."""

    class Relation(models.TextChoices):
        MOTHER = "mother", _("Ibu")
        FATHER = "father", _("Ayah")
        GUARDIAN = "guardian", _("Wali")
        GRANDPARENT = "grandparent", _("Kakek atau nenek")
        SIBLING = "sibling", _("Kakak")
        OTHER = "other", _("Lainnya")

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    counselee = models.ForeignKey(
        "records.Counselee", on_delete=models.PROTECT, related_name="guardians"
    )
    name = CounseleeEncryptedCharField(_("nama"), max_length=150, counselee_path="counselee")
    relation = models.CharField(_("hubungan"), max_length=16, choices=Relation.choices)
    phone = CounseleeEncryptedCharField(
        _("telepon"), max_length=30, blank=True, counselee_path="counselee"
    )
    email = CounseleeEncryptedCharField(
        _("e-mail"), max_length=254, blank=True, counselee_path="counselee"
    )
    created_at = models.DateTimeField(default=timezone.now)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+"
    )

    objects = EncryptedFieldsQuerySet.as_manager()

    class Meta:
        verbose_name = _("wali")
        verbose_name_plural = _("wali")

    def __str__(self):
        return f"#{self.pk}"


class GuardianConsentDocument(models.Model):
    """One version of the text a guardian acknowledges: what BK does, what is kept, and
    what a guardian will and will not be told (never what the student said)."""

    version = models.PositiveIntegerField(_("versi"), unique=True)
    title = models.CharField(_("judul"), max_length=200)
    body = models.TextField(_("isi (Markdown)"))
    created_at = models.DateTimeField(auto_now_add=True)
    published_at = models.DateTimeField(_("diterbitkan"), null=True, blank=True, editable=False)
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        editable=False,
        on_delete=models.PROTECT,
        related_name="+",
    )

    class Meta:
        verbose_name = _("dokumen persetujuan wali")
        verbose_name_plural = _("dokumen persetujuan wali")
        ordering = ["-version"]

    def __str__(self):
        return f"v{self.version}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        published = GuardianConsentDocument.objects.filter(pk=self.pk, published_at__isnull=False)
        if self.pk and published.exists():
            raise AppendOnlyError("A published guardian consent document cannot be changed.")
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> Any:
        if self.published_at is not None:
            raise AppendOnlyError("A published guardian consent document cannot be deleted.")
        return super().delete(*args, **kwargs)


class GuardianLinkQuerySet(models.QuerySet["GuardianLink"]):
    def open(self) -> "GuardianLinkQuerySet":
        """Not used, not replaced, not expired: sent, or waiting for its e-mail."""
        return self.filter(
            used_at__isnull=True, revoked_at__isnull=True, expires_at__gt=timezone.now()
        )

    def valid(self) -> "GuardianLinkQuerySet":
        """Open, and its token drawn (the e-mail was rendered)."""
        return self.open().exclude(token_hash="")


class GuardianLink(models.Model):
    """A one-time link to the guardian consent document, e-mailed to one guardian.

    The token exists only in the e-mail: it is drawn when the e-mail is rendered, and only
    its hash is kept. The row is the e-mail's outbox too (the columns after `revoked_at`),
    so a failing mail server delays the link and loses nothing.
    """

    class EmailStatus(models.TextChoices):
        PENDING = "pending", _("menunggu")
        SENT = "sent", _("terkirim")
        FAILED = "failed", _("gagal")
        CANCELLED = "cancelled", _("dibatalkan")

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    guardian = models.ForeignKey(Guardian, on_delete=models.PROTECT, related_name="links")
    document = models.ForeignKey(
        GuardianConsentDocument, on_delete=models.PROTECT, related_name="links"
    )
    issued_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+"
    )
    token_hash = models.CharField(max_length=64, blank=True)
    # The browser that opened the link first (a hash of a random value in its session):
    # whoever gets hold of the link afterwards cannot use it from another browser.
    claim_hash = models.CharField(max_length=64, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    expires_at = models.DateTimeField()
    used_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    email_status = models.CharField(
        max_length=16, choices=EmailStatus.choices, default=EmailStatus.PENDING
    )
    attempts = models.PositiveSmallIntegerField(default=0)
    next_attempt_at = models.DateTimeField(default=timezone.now)
    claimed_at = models.DateTimeField(null=True, blank=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    last_error = models.CharField(max_length=100, blank=True)

    objects = GuardianLinkQuerySet.as_manager()

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["token_hash"],
                condition=~models.Q(token_hash=""),
                name="guardian_link_token_unique",
            )
        ]
        indexes = [models.Index(fields=["email_status", "next_attempt_at"])]

    def __str__(self):
        return f"#{self.pk}"

    @staticmethod
    def hash_of(token: str) -> str:
        return hashlib.sha256(token.encode()).hexdigest()

    @staticmethod
    def path_for(token: str) -> str:
        return reverse("guardian-link", kwargs={"token": token})

    def mint(self) -> str:
        """Draw the token and keep its hash; the token is returned only here. A newer
        draw replaces the older: of two e-mails of one link, only the newer works."""
        token = secrets.token_urlsafe(32)
        self.token_hash = self.hash_of(token)
        self.save(update_fields=["token_hash"])
        return token


class _ImmutableQuerySet(AppendOnlyQuerySet, EncryptedFieldsQuerySet):
    """Append-only, and refusing to order on an encrypted column."""


class _Immutable(models.Model):
    objects = _ImmutableQuerySet.as_manager()

    class Meta:
        abstract = True

    def save(self, *args: Any, **kwargs: Any) -> None:
        if not self._state.adding:
            raise AppendOnlyError(f"A {self._meta.model_name} cannot be changed.")
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> Any:
        raise AppendOnlyError(f"A {self._meta.model_name} cannot be deleted.")


class GuardianAcknowledgement(_Immutable):
    """A guardian's acknowledgement of one version, through a link or a signed paper form."""

    class Channel(models.TextChoices):
        LINK = "link", _("Tautan sekali pakai")
        PAPER = "paper", _("Formulir kertas bertanda tangan")

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    guardian = models.ForeignKey(
        Guardian, on_delete=models.PROTECT, related_name="acknowledgements"
    )
    counselee = models.ForeignKey(
        "records.Counselee", on_delete=models.PROTECT, related_name="guardian_acknowledgements"
    )
    document = models.ForeignKey(
        GuardianConsentDocument, on_delete=models.PROTECT, related_name="acknowledgements"
    )
    channel = models.CharField(max_length=8, choices=Channel.choices)
    # The school's basis in force, as the document stated it to the guardian.
    basis = models.CharField(max_length=20, choices=Basis.choices)
    # SHA-256 of the exact title and body shown (link), or of the printed version (paper).
    text_hash = models.CharField(max_length=64)
    link = models.OneToOneField(
        GuardianLink, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    typed_name = CounseleeEncryptedCharField(max_length=150, blank=True, counselee_path="counselee")
    form_number = models.CharField(_("nomor formulir"), max_length=40, blank=True)
    signed_on = models.DateField(_("tanggal tanda tangan"), null=True, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+"
    )
    acknowledged_at = models.DateTimeField(default=timezone.now)
    ip_address = models.GenericIPAddressField(null=True)
    user_agent = models.CharField(max_length=300, blank=True)

    class Meta:
        verbose_name = _("persetujuan wali")
        verbose_name_plural = _("persetujuan wali")
        indexes = [models.Index(fields=["counselee", "acknowledged_at"])]

    def __str__(self):
        return f"#{self.pk}"


class GuardianWithdrawal(_Immutable):
    """A guardian's withdrawal of consent: acknowledgements before it no longer count."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    guardian = models.ForeignKey(Guardian, on_delete=models.PROTECT, related_name="withdrawals")
    counselee = models.ForeignKey(
        "records.Counselee", on_delete=models.PROTECT, related_name="guardian_withdrawals"
    )
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+"
    )
    withdrawn_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("penarikan persetujuan wali")
        verbose_name_plural = _("penarikan persetujuan wali")

    def __str__(self):
        return f"#{self.pk}"


class GuardianExemption(models.Model):
    """The guardian is not asked, because informing her could endanger the student.

    Recorded by a counselor with a reason from a closed list and an encrypted detail;
    it counts only once a second person (the coordinator or an admin) approved it, and is
    reviewed every `REVIEW_DAYS` days.
    """

    REVIEW_DAYS = 30

    class Reason(models.TextChoices):
        GUARDIAN_SOURCE_OF_HARM = (
            "source_of_harm",
            _("Wali diduga menjadi sumber kekerasan atau bahaya"),
        )
        VIOLENCE_AT_HOME = "violence_at_home", _("Risiko kekerasan di rumah bila wali tahu")
        SEXUAL_ABUSE = "sexual_abuse", _("Dugaan kekerasan seksual dalam keluarga")
        PROTECTION_CASE = (
            "protection_case",
            _("Sedang ditangani layanan perlindungan anak (UPTD PPA, dinas sosial)"),
        )
        THREAT_OF_EXPULSION = "threat_of_expulsion", _("Ancaman diusir atau dinikahkan paksa")

    class Status(models.TextChoices):
        PENDING = "pending", _("Menunggu persetujuan orang kedua")
        APPROVED = "approved", _("Disetujui")
        REFUSED = "refused", _("Ditolak")
        ENDED = "ended", _("Diakhiri")

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    counselee = models.ForeignKey(
        "records.Counselee", on_delete=models.PROTECT, related_name="guardian_exemptions"
    )
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    reason = models.CharField(_("alasan"), max_length=32, choices=Reason.choices)
    detail = CounseleeEncryptedTextField(_("keterangan"), counselee_path="counselee")
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.PENDING)
    created_at = models.DateTimeField(default=timezone.now)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    review_due_at = models.DateTimeField(null=True, blank=True)
    ended_at = models.DateTimeField(null=True, blank=True)

    objects = EncryptedFieldsQuerySet.as_manager()

    class Meta:
        verbose_name = _("pengecualian wali")
        verbose_name_plural = _("pengecualian wali")
        indexes = [models.Index(fields=["status", "review_due_at"])]

    def __str__(self):
        return f"#{self.pk}"

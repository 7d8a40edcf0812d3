"""Consent and the limits of confidentiality; the register of disclosures.

A student acknowledges the current consent document before any session starts or any
note is written. Published documents and acknowledgements are immutable: the models
refuse changes, and on PostgreSQL triggers do too.
"""

import uuid
from typing import Any

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from counseling.audit.models import AppendOnlyError, AppendOnlyQuerySet
from counseling.encryption import (
    CounseleeEncryptedCharField,
    CounseleeEncryptedTextField,
    EncryptedFieldsQuerySet,
)

# Written in a consent document where the number of years records are kept belongs.
RETENTION_PLACEHOLDER = "{retention_years}"


class ConsentDocument(models.Model):
    """One version of the consent text, in Indonesian and English, written in Markdown."""

    version = models.PositiveIntegerField(_("versi"), unique=True)
    title_id = models.CharField(_("judul (Indonesia)"), max_length=200)
    body_id = models.TextField(_("isi (Indonesia, Markdown)"))
    title_en = models.CharField(_("judul (Inggris)"), max_length=200)
    body_en = models.TextField(_("isi (Inggris, Markdown)"))
    # The text has a section on online counseling (what is kept, who reads it, replies
    # are not instant, what to do in a crisis): acknowledging it opens messaging.
    covers_online_counseling = models.BooleanField(
        _("memuat bagian konseling daring"), default=False
    )
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
        verbose_name = _("dokumen persetujuan")
        verbose_name_plural = _("dokumen persetujuan")
        ordering = ["-version"]

    def __str__(self):
        return f"v{self.version}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if (
            self.pk
            and ConsentDocument.objects.filter(pk=self.pk, published_at__isnull=False).exists()
        ):
            raise AppendOnlyError("A published consent document cannot be changed.")
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> Any:
        if self.is_published:
            raise AppendOnlyError("A published consent document cannot be deleted.")
        return super().delete(*args, **kwargs)

    @property
    def is_published(self):
        return self.published_at is not None

    def text(self, language: str) -> tuple[str, str]:
        """(title, Markdown body) in `language`, Indonesian unless English is asked for.

        `RETENTION_PLACEHOLDER` in the body is replaced with `AMANAH_RETENTION_YEARS`: the
        document quotes the setting that the erasure schedule runs on, so the promise and
        what the software does cannot drift apart.
        """
        if language == "en":
            title, body = self.title_en, self.body_en
        else:
            title, body = self.title_id, self.body_id
        return title, body.replace(RETENTION_PLACEHOLDER, str(settings.AMANAH_RETENTION_YEARS))

    @property
    def quotes_retention(self) -> bool:
        return RETENTION_PLACEHOLDER in self.body_id and RETENTION_PLACEHOLDER in self.body_en


class ConsentAcknowledgement(models.Model):
    """A student's acknowledgement of one version, exactly as shown. Never changed."""

    student = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="consent_acknowledgements"
    )
    document = models.ForeignKey(
        ConsentDocument, on_delete=models.PROTECT, related_name="acknowledgements"
    )
    language = models.CharField(max_length=8)
    # SHA-256 of the exact title and body the student was shown.
    text_hash = models.CharField(max_length=64)
    typed_name = models.CharField(max_length=150)
    acknowledged_at = models.DateTimeField(default=timezone.now)
    ip_address = models.GenericIPAddressField(null=True)
    user_agent = models.CharField(max_length=300, blank=True)

    objects = AppendOnlyQuerySet.as_manager()

    class Meta:
        verbose_name = _("persetujuan siswa")
        verbose_name_plural = _("persetujuan siswa")
        indexes = [models.Index(fields=["student", "document"])]

    def __str__(self):
        return f"#{self.pk}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if not self._state.adding:
            raise AppendOnlyError("A consent acknowledgement cannot be changed.")
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> Any:
        raise AppendOnlyError("A consent acknowledgement cannot be deleted.")


class ConsentWithdrawal(models.Model):
    """A student's withdrawal of consent. Acknowledgements before it no longer count."""

    student = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="consent_withdrawals"
    )
    withdrawn_at = models.DateTimeField(default=timezone.now)

    # Deleting or backdating a withdrawal would quietly bring consent back.
    objects = AppendOnlyQuerySet.as_manager()

    class Meta:
        verbose_name = _("penarikan persetujuan")
        verbose_name_plural = _("penarikan persetujuan")

    def __str__(self):
        return f"#{self.pk}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if not self._state.adding:
            raise AppendOnlyError("A consent withdrawal cannot be changed.")
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> Any:
        raise AppendOnlyError("A consent withdrawal cannot be deleted.")


class Disclosure(models.Model):
    """A use of the limits of confidentiality: what was shared, with whom, and why.

    The reasons are a closed list (DESIGN.md rule 7). Details are encrypted.
    """

    class Reason(models.TextChoices):
        DANGER_TO_SELF = "danger_to_self", _("Bahaya bagi siswa sendiri")
        DANGER_TO_OTHERS = "danger_to_others", _("Bahaya bagi orang lain")
        LEGAL_DUTY = "legal_duty", _("Kewajiban hukum")
        WRITTEN_PERMISSION = "written_permission", _("Izin tertulis siswa")

    class RecipientRole(models.TextChoices):
        """Who received the information, as a closed list; details go encrypted beside it."""

        PARENT = "parent", _("Orang tua atau wali siswa")
        HOMEROOM_TEACHER = "homeroom_teacher", _("Wali kelas")
        PRINCIPAL = "principal", _("Kepala sekolah")
        HEALTH = "health", _("Tenaga kesehatan (puskesmas, dokter, rumah sakit)")
        PSYCHOLOGIST = "psychologist", _("Psikolog atau psikiater")
        CHILD_PROTECTION = (
            "child_protection",
            _("Layanan perlindungan anak (UPTD PPA, dinas sosial)"),
        )
        POLICE = "police", _("Polisi")
        OTHER = "other", _("Lainnya")

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    counselee = models.ForeignKey(
        "records.Counselee", on_delete=models.PROTECT, related_name="disclosures"
    )
    counselor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="disclosures"
    )
    reason = models.CharField(_("alasan"), max_length=32, choices=Reason.choices)
    recipient_name = CounseleeEncryptedCharField(
        _("nama penerima"), max_length=150, counselee_path="counselee"
    )
    # A closed list in plain text (the student's access page shows it); anything said
    # about the recipient beyond it is free text, and encrypted.
    recipient_role = models.CharField(
        _("peran penerima"), max_length=32, choices=RecipientRole.choices
    )
    recipient_role_detail = CounseleeEncryptedCharField(
        _("keterangan peran penerima"), max_length=200, blank=True, counselee_path="counselee"
    )
    recipient_institution = CounseleeEncryptedCharField(
        _("lembaga penerima"), max_length=150, blank=True, counselee_path="counselee"
    )
    what_was_shared = CounseleeEncryptedTextField(_("yang disampaikan"), counselee_path="counselee")
    disclosed_at = models.DateTimeField(_("waktu pengungkapan"), default=timezone.now)
    student_informed = models.BooleanField(_("siswa sudah diberi tahu"), default=False)
    not_informed_reason = CounseleeEncryptedTextField(
        _("alasan belum memberi tahu"), blank=True, counselee_path="counselee"
    )
    informed_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = EncryptedFieldsQuerySet.as_manager()

    class Meta:
        verbose_name = _("pengungkapan")
        verbose_name_plural = _("pengungkapan")
        indexes = [models.Index(fields=["student_informed", "disclosed_at"])]

    def __str__(self):
        return f"#{self.pk}"

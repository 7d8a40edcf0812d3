"""The crisis pathway: "Aku butuh bicara sekarang", the duty roster, emergency numbers,
and the safety plan.

A request needs no slot, no notice period and no consent: the student asks, every
counselor without a conflict is alerted (content-free), and the first to take it opens a
crisis session with her. The request's line of text is encrypted and read only by the
counselor who took it. No `__str__` here holds content.
"""

import uuid

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from counseling.encryption import (
    CounseleeEncryptedTextField,
    EncryptedFieldsQuerySet,
)
from sessions.models import AvailabilityRule


class CrisisRequest(models.Model):
    """One "I need to talk now": waiting, then taken by one counselor.

    Taking it opens a crisis session (`session`) and, when the counselor was not on the
    case, a time-boxed assignment (`assignment`) that lapses unless the student confirms
    her. A walk-in is a request taken at the moment it is made.
    """

    class Status(models.TextChoices):
        WAITING = "waiting", _("Menunggu konselor")
        TAKEN = "taken", _("Ditangani")

    class Via(models.TextChoices):
        BUTTON = "button", _("Tombol di halaman siswa")
        MESSAGE = "message", _("Pesan")
        WALK_IN = "walk_in", _("Datang langsung")

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    counselee = models.ForeignKey(
        "records.Counselee", on_delete=models.PROTECT, related_name="crisis_requests"
    )
    text = CounseleeEncryptedTextField(_("pesan singkat"), blank=True, counselee_path="counselee")
    via = models.CharField(_("lewat"), max_length=16, choices=Via.choices, default=Via.BUTTON)
    status = models.CharField(
        _("status"), max_length=16, choices=Status.choices, default=Status.WAITING
    )
    # Asked outside school hours: she was told at once that no counselor is in.
    after_hours = models.BooleanField(_("di luar jam sekolah"), default=False)
    created_at = models.DateTimeField(_("diminta"), default=timezone.now)
    escalated_at = models.DateTimeField(_("dieskalasi"), null=True, blank=True)
    taken_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="crisis_requests_taken",
    )
    taken_at = models.DateTimeField(_("diambil"), null=True, blank=True)
    session = models.OneToOneField(
        "counseling_sessions.CounselingSession",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="crisis_request",
    )
    assignment = models.ForeignKey(
        "records.CaseAssignment",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="crisis_requests",
    )
    # The session began before the student's consent: she is asked to acknowledge the
    # document by `consent_due_at`; the counselor is told once if she has not.
    consent_due_at = models.DateTimeField(_("persetujuan paling lambat"), null=True, blank=True)
    consent_overdue_told_at = models.DateTimeField(null=True, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = EncryptedFieldsQuerySet.as_manager()

    class Meta:
        verbose_name = _("permintaan bicara sekarang")
        verbose_name_plural = _("permintaan bicara sekarang")
        indexes = [
            models.Index(fields=["status", "created_at"], name="crisis_status_created"),
            models.Index(fields=["counselee", "created_at"], name="crisis_counselee_created"),
        ]

    def __str__(self):
        return f"#{self.pk}"

    @property
    def is_waiting(self) -> bool:
        return self.status == self.Status.WAITING

    def waited(self):
        end = self.taken_at or timezone.now()
        return end - self.created_at


class DutyShift(models.Model):
    """The duty roster (piket BK): which counselor covers which weekday and hours."""

    Weekday = AvailabilityRule.Weekday

    counselor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="duty_shifts",
        limit_choices_to={"role": "counselor"},
        verbose_name=_("konselor"),
    )
    weekday = models.PositiveSmallIntegerField(_("hari"), choices=Weekday.choices)
    start_time = models.TimeField(_("jam mulai"))
    end_time = models.TimeField(_("jam selesai"))
    # Where a student finds the counselor on duty ("Ruang BK 1"): about the counselor.
    place = models.CharField(_("tempat"), max_length=100, blank=True)

    class Meta:
        verbose_name = _("jadwal piket BK")
        verbose_name_plural = _("jadwal piket BK")
        ordering = ["weekday", "start_time"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(end_time__gt=models.F("start_time")),
                name="duty_ends_after_start",
            )
        ]

    def __str__(self):
        return f"#{self.pk}"


class EmergencyContact(models.Model):
    """A number the student is shown at once: the school's, or a national service.

    The admin keeps them in the admin site; the demo's are placeholders, marked so.
    """

    class Scope(models.TextChoices):
        SCHOOL = "school", _("Sekolah")
        NATIONAL = "national", _("Layanan nasional")

    name = models.CharField(_("nama"), max_length=120)
    number = models.CharField(_("nomor"), max_length=40)
    description = models.CharField(_("keterangan"), max_length=200, blank=True)
    scope = models.CharField(_("jenis"), max_length=16, choices=Scope.choices)
    is_placeholder = models.BooleanField(
        _("contoh, belum nomor sungguhan"),
        default=False,
        help_text=_("Ditampilkan dengan tanda 'contoh' sampai admin mengisi nomor sungguhan."),
    )
    position = models.PositiveSmallIntegerField(_("urutan"), default=0)

    class Meta:
        verbose_name = _("nomor darurat")
        verbose_name_plural = _("nomor darurat")
        ordering = ["scope", "position", "name"]

    def __str__(self):
        return self.name


class SafetyPlan(models.Model):
    """A structured, encrypted note: what the student and counselor agreed to do when it
    gets hard. The student sees it on her phone once the counselor shares it."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    counselee = models.ForeignKey(
        "records.Counselee", on_delete=models.PROTECT, related_name="safety_plans"
    )
    counselor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="safety_plans"
    )
    warning_signs = CounseleeEncryptedTextField(
        _("tanda-tanda peringatan"), blank=True, counselee_path="counselee"
    )
    what_helps = CounseleeEncryptedTextField(
        _("yang membantu"), blank=True, counselee_path="counselee"
    )
    people_to_contact = CounseleeEncryptedTextField(
        _("orang yang bisa dihubungi"), blank=True, counselee_path="counselee"
    )
    safe_places = CounseleeEncryptedTextField(
        _("tempat yang aman"), blank=True, counselee_path="counselee"
    )
    shared_with_student = models.BooleanField(_("dibagikan kepada siswa"), default=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = EncryptedFieldsQuerySet.as_manager()

    class Meta:
        verbose_name = _("rencana keselamatan")
        verbose_name_plural = _("rencana keselamatan")
        indexes = [models.Index(fields=["counselee", "updated_at"], name="safety_counselee")]

    def __str__(self):
        return f"#{self.pk}"

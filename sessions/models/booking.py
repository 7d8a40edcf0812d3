"""A counselor's availability, and students' bookings of it.

Students book free slots; the counselor confirms or declines. No double booking, ever:
on PostgreSQL an exclusion constraint rejects overlapping active bookings of one
counselor (migration 0003), and the booking service locks the counselor's row first.
"""

import datetime
import uuid

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from counseling.encryption import CounseleeEncryptedTextField, EncryptedFieldsQuerySet
from sessions.models.notes import CounselingSession

Mode = CounselingSession.Mode


class SlotLength(models.IntegerChoices):
    MINUTES_30 = 30, _("30 menit")
    MINUTES_45 = 45, _("45 menit")
    MINUTES_60 = 60, _("60 menit")


class AvailabilityRule(models.Model):
    """Hours a counselor offers: every week on a weekday, or once on a date.

    The hours are cut into slots of `slot_minutes` with `buffer_minutes` between them.
    """

    class Weekday(models.IntegerChoices):
        MONDAY = 0, _("Senin")
        TUESDAY = 1, _("Selasa")
        WEDNESDAY = 2, _("Rabu")
        THURSDAY = 3, _("Kamis")
        FRIDAY = 4, _("Jumat")
        SATURDAY = 5, _("Sabtu")
        SUNDAY = 6, _("Minggu")

    counselor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="availability_rules"
    )
    weekday = models.PositiveSmallIntegerField(
        _("hari"), choices=Weekday.choices, null=True, blank=True
    )
    date = models.DateField(_("tanggal"), null=True, blank=True)
    start_time = models.TimeField(_("jam mulai"))
    end_time = models.TimeField(_("jam selesai"))
    slot_minutes = models.PositiveSmallIntegerField(
        _("lama sesi"), choices=SlotLength.choices, default=SlotLength.MINUTES_45
    )
    buffer_minutes = models.PositiveSmallIntegerField(_("jeda antar sesi (menit)"), default=15)
    mode = models.CharField(
        _("bentuk"), max_length=16, choices=Mode.choices, default=Mode.FACE_TO_FACE
    )
    # Where the counselor receives students ("Ruang BK 2"): about the counselor, not a student.
    place = models.CharField(_("tempat"), max_length=100, blank=True)

    class Meta:
        verbose_name = _("jam layanan")
        verbose_name_plural = _("jam layanan")
        constraints = [
            models.CheckConstraint(
                condition=Q(weekday__isnull=False, date__isnull=True)
                | Q(weekday__isnull=True, date__isnull=False),
                name="availability_weekly_or_once",
            ),
            models.CheckConstraint(
                condition=Q(end_time__gt=F("start_time")), name="availability_ends_after_start"
            ),
        ]

    def __str__(self):
        return f"#{self.pk}"

    @property
    def is_weekly(self):
        return self.weekday is not None

    def applies_on(self, day: datetime.date) -> bool:
        return self.date == day if self.date else self.weekday == day.weekday()


class DayOff(models.Model):
    counselor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="days_off"
    )
    date = models.DateField(_("tanggal"))

    class Meta:
        verbose_name = _("hari libur")
        verbose_name_plural = _("hari libur")
        constraints = [models.UniqueConstraint(fields=["counselor", "date"], name="one_day_off")]

    def __str__(self):
        return f"#{self.pk}"


class Booking(models.Model):
    """A student's request for a slot; confirmed, it becomes a counseling session."""

    class Status(models.TextChoices):
        REQUESTED = "requested", _("Menunggu konfirmasi")
        CONFIRMED = "confirmed", _("Dikonfirmasi")
        DECLINED = "declined", _("Tidak diterima")
        CANCELLED = "cancelled", _("Dibatalkan")

    class DeclineReason(models.TextChoices):
        UNAVAILABLE = "unavailable", _("Konselor berhalangan pada waktu itu")
        ANOTHER_COUNSELOR = "another_counselor", _("Lebih tepat ditangani konselor lain")
        ALREADY_SCHEDULED = "already_scheduled", _("Sudah ada jadwal lain dengan siswa ini")
        SCHOOL_EVENT = "school_event", _("Ada kegiatan sekolah")
        COUNSELOR_CHANGED = "counselor_changed", _("Konselor ini tidak lagi menangani kasusmu")

    ACTIVE = (Status.REQUESTED, Status.CONFIRMED)

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    counselee = models.ForeignKey(
        "records.Counselee", on_delete=models.PROTECT, related_name="bookings"
    )
    counselor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="bookings"
    )
    start = models.DateTimeField(_("waktu mulai"))
    end = models.DateTimeField(_("waktu selesai"))
    mode = models.CharField(_("bentuk"), max_length=16, choices=Mode.choices)
    place = models.CharField(_("tempat"), max_length=100, blank=True)
    topic = CounseleeEncryptedTextField(_("topik"), blank=True, counselee_path="counselee")
    urgent = models.BooleanField(_("mendesak"), default=False)
    status = models.CharField(
        _("status"), max_length=16, choices=Status.choices, default=Status.REQUESTED
    )
    decline_reason = models.CharField(
        _("alasan penolakan"), max_length=32, choices=DeclineReason.choices, blank=True
    )
    offered_start = models.DateTimeField(
        _("waktu lain yang ditawarkan"),
        null=True,
        blank=True,
        help_text=_("Saat menolak, konselor dapat menawarkan waktu lain yang masih kosong."),
    )
    session = models.OneToOneField(
        "counseling_sessions.CounselingSession",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="booking",
    )
    rescheduled_from = models.OneToOneField(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="rescheduled_to"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = EncryptedFieldsQuerySet.as_manager()

    class Meta:
        verbose_name = _("pemesanan")
        verbose_name_plural = _("pemesanan")
        constraints = [
            models.CheckConstraint(condition=Q(end__gt=F("start")), name="booking_ends_after_start")
        ]
        indexes = [
            models.Index(fields=["counselor", "status", "start"], name="booking_counselor_queue"),
            models.Index(fields=["counselee", "start"], name="booking_counselee_start"),
        ]

    def __str__(self):
        return f"#{self.pk}"

    @property
    def is_active(self):
        return self.status in self.ACTIVE

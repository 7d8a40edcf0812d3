"""A notice: one message to one person, written in the transaction of its cause.

The row is the message. The in-app inbox lists it (`read_at` says whether its recipient has
seen it there); the e-mail channel delivers it once (`email_status` and the columns after
it). Neither channel reads anything but the row and what it points to: the kind, the
booking, and the public id of what it is about. Nothing a student or counselor wrote is
ever stored here, so nothing of it can reach an inbox, an e-mail or a task argument.
"""

import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class NoticeQuerySet(models.QuerySet):
    def with_booking(self):
        """With the booking a notice is about, and the student who booked it; without
        the booking's encrypted topic, which no notice ever needs."""
        return (
            self.select_related("booking")
            .defer("booking__topic")
            .annotate(booking_student_id=models.F("booking__counselee__user_id"))
        )


class Notice(models.Model):
    class Kind(models.TextChoices):
        # About a booking (the booking column names it).
        BOOKING_MADE = "booking_made", _("pemesanan dibuat")
        BOOKING_REQUESTED = "booking_requested", _("permintaan baru untuk konselor")
        URGENT_REQUEST = "urgent_request", _("permintaan mendesak")
        URGENT_TAKEN = "urgent_taken", _("permintaan mendesak diambil konselor lain")
        BOOKING_CONFIRMED = "booking_confirmed", _("pemesanan dikonfirmasi")
        BOOKING_DECLINED = "booking_declined", _("pemesanan ditolak")
        BOOKING_CHANGED = "booking_changed", _("pemesanan diubah")
        BOOKING_CANCELLED = "booking_cancelled", _("pemesanan dibatalkan")
        REMINDER_24H = "reminder_24h", _("pengingat 24 jam")
        REMINDER_1H = "reminder_1h", _("pengingat 1 jam")
        # Alerts and reminders to staff (`about` names the record by its public id).
        DISCLOSURE_RECORDED = "disclosure_recorded", _("pengungkapan tercatat")
        DISCLOSURE_REMINDER = "disclosure_reminder", _("pengingat memberi tahu siswa")
        EMERGENCY_ACCESS = "emergency_access", _("akses darurat")
        CASE_ENDED = "case_ended", _("konseli mengakhiri konseling")
        AUDIT_CHAIN_BROKEN = "audit_chain_broken", _("log akses rusak")
        AUDIT_CHECKPOINT = "audit_checkpoint", _("titik periksa log akses")
        # To a counselor or admin: her one-time link to enrol a second factor. The inbox
        # says only that it was sent; the e-mail alone carries the link.
        ENROLMENT_LINK = "enrolment_link", _("tautan pendaftaran verifikasi dua langkah")
        # A link that would replace an enrolled second factor waits for a second admin;
        # its owner is told it was asked for, and once a device is replaced, so are admins.
        ENROLMENT_APPROVAL = "enrolment_approval", _("tautan pengganti menunggu persetujuan")
        SECOND_FACTOR_RESET_ASKED = (
            "2fa_reset_asked",
            _("penggantian verifikasi dua langkah diminta"),
        )
        SECOND_FACTOR_REPLACED = "2fa_replaced", _("perangkat verifikasi dua langkah diganti")
        EMAIL_CHANGED = "email_changed", _("alamat e-mail akun diubah admin")
        # Online counseling (`about` names the conversation); never a line of it.
        MESSAGE_TO_STUDENT = "message_to_student", _("pesan baru dari konselor")
        MESSAGE_TO_COUNSELOR = "message_to_counselor", _("pesan baru dari konseli")
        # Guardians (counseling.guardians): `about` names the exemption or the guardian.
        GUARDIAN_EXEMPTION_TO_DECIDE = (
            "guardian_exemption_decide",
            _("pengecualian wali menunggu persetujuan"),
        )
        GUARDIAN_EXEMPTION_APPROVED = "guardian_exemption_ok", _("pengecualian wali disetujui")
        GUARDIAN_EXEMPTION_REVIEW = (
            "guardian_exemption_review",
            _("pengecualian wali perlu ditinjau"),
        )
        GUARDIAN_CONSENT_GIVEN = "guardian_consent_given", _("wali memberi persetujuan")
        GUARDIAN_WITHDRAWN = "guardian_withdrawn", _("wali menarik persetujuan")
        # The crisis pathway (`about` names the request by its public id; never its text).
        CRISIS_REQUEST = "crisis_request", _("siswa butuh bicara sekarang")
        CRISIS_TAKEN = "crisis_taken", _("permintaan bicara sekarang ditangani")
        CRISIS_ESCALATED = "crisis_escalated", _("permintaan bicara sekarang belum diambil")
        # A walk-in opens the student's case to a counselor on duty: as loud as break-glass.
        CRISIS_WALK_IN = "crisis_walk_in", _("sesi darurat siswa datang langsung dibuka")
        CRISIS_CONSENT_ASKED = "crisis_consent_asked", _("persetujuan diminta setelah sesi darurat")
        CRISIS_CONSENT_OVERDUE = (
            "crisis_consent_overdue",
            _("persetujuan belum diberikan 24 jam setelah sesi darurat"),
        )
        # Alih tangan kasus: to the student (her answer is asked), and to the counselors.
        REFERRAL_TO_STUDENT = "referral_to_student", _("alih tangan kasus menunggu siswa")
        REFERRAL_TO_STAFF = "referral_to_staff", _("kabar alih tangan kasus")
        # A teacher referred a student to BK (to counselors); BK invites the student.
        BK_REFERRAL = "bk_referral", _("rujukan guru ke BK")
        BK_INVITATION = "bk_invitation", _("undangan dari BK")
        # A counselee's records are erased within RETENTION_NOTICE_DAYS: she is offered a
        # copy; her counselor is told. `about` is her public id; no name in either.
        RETENTION_DUE = "retention_due", _("catatan akan dihapus")
        RETENTION_DUE_STAFF = "retention_due_staff", _("data konseli akan dihapus")
        # The student's data rights under UU PDP (`about` is the request's public id).
        DATA_REQUEST = "data_request", _("permintaan hak atas data pribadi")
        DATA_REQUEST_DUE = "data_request_due", _("batas waktu permintaan hak atas data")
        DATA_REQUEST_ANSWERED = "data_request_answered", _("permintaan hak atas data dijawab")
        COPY_READY = "copy_ready", _("salinan data siap diunduh")
        # A breach (kegagalan pelindungan data pribadi; `about` is the breach's public id).
        BREACH_RECORDED = "breach_recorded", _("dugaan kegagalan pelindungan data tercatat")
        BREACH_NOTICE_DUE = "breach_notice_due", _("batas 3x24 jam pemberitahuan kegagalan")
        BREACH_NOTICE = "breach_notice", _("pemberitahuan kegagalan pelindungan data")
        # A confirmed legal hold is a year old: the admins review it (`about`: the hold).
        LEGAL_HOLD_REVIEW = "legal_hold_review", _("penahanan hukum perlu ditinjau")

    class EmailStatus(models.TextChoices):
        PENDING = "pending", _("menunggu")
        SENT = "sent", _("terkirim")
        # The recipient has no e-mail address: the notice is in the inbox only.
        NO_ADDRESS = "no_address", _("tanpa alamat e-mail")
        # Every attempt failed; `last_error` says how the last one did.
        FAILED = "failed", _("gagal")
        CANCELLED = "cancelled", _("dibatalkan")

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notices"
    )
    kind = models.CharField(max_length=32, choices=Kind.choices)
    booking = models.ForeignKey(
        "counseling_sessions.Booking",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="notices",
    )
    # The public id of what the notice is about (a disclosure, an emergency access, the
    # number of an access-log entry), for the link; never a name or any text.
    about = models.CharField(max_length=64, blank=True)
    # At most one notice per recipient and key (when set): a reminder sent once, alerts
    # held back for a while.
    dedupe_key = models.CharField(max_length=120, blank=True)
    send_after = models.DateTimeField(default=timezone.now)
    created_at = models.DateTimeField(default=timezone.now)
    read_at = models.DateTimeField(null=True, blank=True)
    # Withdrawn before it was due (a reminder of a cancelled session): shown nowhere.
    cancelled_at = models.DateTimeField(null=True, blank=True)

    # E-mail delivery.
    email_status = models.CharField(
        max_length=16, choices=EmailStatus.choices, default=EmailStatus.PENDING
    )
    # When the delivery task may next try; moves forward after each failure (back-off).
    next_attempt_at = models.DateTimeField(default=timezone.now)
    # When the id was last handed to the broker, so the re-queue does not hand it again
    # while it is still waiting in the queue.
    queued_at = models.DateTimeField(null=True, blank=True)
    claimed_at = models.DateTimeField(null=True, blank=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    attempts = models.PositiveSmallIntegerField(default=0)
    # The class of the last failure and an SMTP code, never a message's content.
    last_error = models.CharField(max_length=100, blank=True)

    objects = NoticeQuerySet.as_manager()

    class Meta:
        verbose_name = _("pemberitahuan")
        verbose_name_plural = _("pemberitahuan")
        constraints = [
            models.UniqueConstraint(
                fields=["recipient", "dedupe_key"],
                condition=~Q(dedupe_key=""),
                name="notice_once_per_key",
            )
        ]
        indexes = [
            # The unread count in every page's header: one index range per person.
            models.Index(
                fields=["recipient", "send_after"],
                condition=Q(read_at__isnull=True, cancelled_at__isnull=True),
                name="notice_unread",
            ),
            # The inbox, newest first.
            models.Index(
                fields=["recipient", "-send_after"],
                condition=Q(cancelled_at__isnull=True),
                name="notice_inbox",
            ),
            # What the e-mail channel still has to do.
            models.Index(
                fields=["next_attempt_at"],
                condition=Q(email_status="pending"),
                name="notice_email_due",
            ),
        ]

    def __str__(self):
        return f"#{self.pk} {self.kind}"

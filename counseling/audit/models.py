"""The access log: who looked at or changed what about which counselee, and why.

Append-only and tamper-evident: each entry carries the HMAC of its canonical fields and
of the previous entry's hash, so an edited, deleted or reordered entry breaks the chain
(`manage.py verify_audit`). Entries hold ids and codes, never content or names.
"""

import uuid

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from counseling.encryption import CounseleeEncryptedTextField, EncryptedFieldsQuerySet


class AppendOnlyError(Exception):
    """The access log and other immutable records refuse updates and deletes."""


class AppendOnlyQuerySet(models.QuerySet):
    def update(self, **kwargs):
        raise AppendOnlyError(f"{self.model._meta.label} is append-only.")

    def delete(self):
        raise AppendOnlyError(f"{self.model._meta.label} is append-only.")


class AccessEvent(models.Model):
    class Action(models.TextChoices):
        VIEW = "view", _("membuka")
        CREATE = "create", _("membuat")
        UPDATE = "update", _("mengubah")
        FINALISE = "finalise", _("memfinalkan")
        EXPORT = "export", _("mengekspor")
        DISCLOSE = "disclose", _("membuka kerahasiaan")
        EMERGENCY_ACCESS = "emergency_access", _("akses darurat")
        EMERGENCY_REVIEW = "emergency_review", _("meninjau akses darurat")
        LOGIN = "login", _("masuk")
        LOGIN_FAILED = "login_failed", _("gagal masuk")
        LOCKED_OUT = "locked_out", _("dikunci karena gagal masuk berulang")
        SECOND_FACTOR_ENROLLED = "2fa_enrolled", _("mengaktifkan verifikasi dua langkah")
        LOGOUT = "logout", _("keluar")
        DENIED = "denied", _("ditolak")
        CONSENT_ACKNOWLEDGED = "consent_acknowledged", _("menyetujui")
        CONSENT_WITHDRAWN = "consent_withdrawn", _("menarik persetujuan")
        CONSENT_PUBLISHED = "consent_published", _("menerbitkan dokumen persetujuan")
        ASSIGNMENT_CHANGED = "assignment_changed", _("mengubah penugasan")
        CONFLICT_DECLARED = "conflict_declared", _("menyatakan konflik kepentingan")
        AUDIT_VERIFIED = "audit_verified", _("memeriksa rantai log")
        KEY_ROTATED = "key_rotated", _("merotasi kunci enkripsi")
        URGENT_TAKEN = "urgent_taken", _("mengambil permintaan mendesak")
        TEMPORARY_PASSWORD_SET = "temp_password_set", _("mengatur kata sandi sementara")
        LOGIN_TEMPORARY_PASSWORD = "temp_password_login", _("masuk dengan kata sandi sementara")
        PASSWORD_CHANGED = "password_changed", _("mengganti kata sandi")
        UNLOCKED = "unlocked", _("membuka kunci masuk")
        ENROLMENT_LINK_ISSUED = (
            "enrolment_link_issued",
            _("mengirim tautan pendaftaran verifikasi dua langkah"),
        )
        RATE_LIMITED = "rate_limited", _("dibatasi karena terlalu sering")
        ENROLMENT_LINK_APPROVED = (
            "enrolment_link_approved",
            _("menyetujui tautan pengganti verifikasi dua langkah"),
        )
        SECOND_FACTOR_REPLACED = "2fa_replaced", _("mengganti perangkat verifikasi dua langkah")
        REFERRAL_PROPOSED = "referral_proposed", _("mengusulkan alih tangan kasus")
        REFERRAL_ACCEPTED = "referral_accepted", _("menyetujui alih tangan kasus")
        REFERRAL_DECLINED = "referral_declined", _("menolak alih tangan kasus")
        REFERRAL_WITHDRAWN = "referral_withdrawn", _("menarik kembali alih tangan kasus")
        CRISIS_ASKED = "crisis_asked", _("meminta bicara sekarang")
        CRISIS_TAKEN = "crisis_taken", _("mengambil permintaan bicara sekarang")
        # The one exception to "consent before the first session" (DESIGN rule 6).
        CRISIS_BEFORE_CONSENT = (
            "crisis_before_consent",
            _("memulai sesi darurat sebelum persetujuan"),
        )
        SCHOOL_STATUS_SET = "school_status_set", _("mengubah status sekolah")
        LEGAL_HOLD_REQUESTED = "legal_hold_requested", _("meminta penahanan hukum")
        LEGAL_HOLD_CONFIRMED = "legal_hold_confirmed", _("mengonfirmasi penahanan hukum")
        LEGAL_HOLD_REVIEWED = "legal_hold_reviewed", _("meninjau penahanan hukum")
        LEGAL_HOLD_RELEASED = "legal_hold_released", _("mengakhiri penahanan hukum")
        COUNSELEE_ERASED = "counselee_erased", _("menghapus data konseli")
        DATA_KEYS_MIGRATED = "data_keys_migrated", _("memindahkan data ke kunci konseli")
        # The student's rights under UU PDP (counseling.rights).
        DATA_REQUEST_MADE = "data_request_made", _("mengajukan permintaan hak atas data")
        DATA_REQUEST_DECIDED = "data_request_decided", _("memutus permintaan hak atas data")
        DATA_REQUEST_WITHDRAWN = "data_request_withdrawn", _("membatalkan permintaan hak atas data")
        COPY_REVIEWED = "copy_reviewed", _("meninjau salinan data")
        COPY_DOWNLOADED = "copy_downloaded", _("mengunduh salinan data")
        DATA_CORRECTED = "data_corrected", _("memperbaiki data diri")
        PROCESSING_RESTRICTED = "processing_restricted", _("membatasi pemrosesan data")
        PROCESSING_RESUMED = "processing_resumed", _("mengakhiri pembatasan pemrosesan")
        # Breaches (counseling.breaches): recorded, exposure computed, notices sent.
        BREACH_RECORDED = "breach_recorded", _("mencatat kegagalan pelindungan data")
        BREACH_EXPOSURE_COMPUTED = "breach_exposure", _("menghitung siswa terdampak kegagalan")
        BREACH_NOTICE_SENT = "breach_notice_sent", _("mengirim pemberitahuan kegagalan")
        PROCESSING_RECORD_VIEWED = "processing_record", _("membuka catatan kegiatan pemrosesan")

    class Purpose(models.TextChoices):
        NONE = "", _("tidak disebut")
        OWN = "own", _("data sendiri")
        CASELOAD = "caseload", _("konselor yang menangani")
        BOOKING = "booking", _("konselor yang dipesan")
        EMERGENCY = "emergency", _("akses darurat")
        REFERRAL = "referral", _("alih tangan kasus")
        AUDIT = "audit", _("audit")
        ADMINISTRATION = "administration", _("administrasi")
        SYSTEM = "system", _("sistem")
        DATA_PROTECTION = "data_protection", _("pelindungan data pribadi")

    # Assigned under a lock as the previous id + 1, so a missing entry leaves a gap.
    id = models.BigIntegerField(primary_key=True)
    occurred_at = models.DateTimeField(default=timezone.now)
    # No single-column indexes on actor and counselee: the (actor, id) and (counselee, id)
    # indexes below serve those lookups, and a second index tempted the planner into
    # sorting every entry of a person instead of walking one page of the composite one.
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        on_delete=models.PROTECT,
        related_name="+",
        db_index=False,
    )
    actor_role = models.CharField(max_length=16, blank=True)
    action = models.CharField(max_length=32, choices=Action.choices)
    object_type = models.CharField(max_length=64, blank=True)
    object_id = models.CharField(max_length=64, blank=True)
    counselee = models.ForeignKey(
        "records.Counselee",
        null=True,
        on_delete=models.PROTECT,
        related_name="+",
        db_index=False,
    )
    purpose = models.CharField(max_length=16, choices=Purpose.choices, blank=True)
    emergency_access = models.ForeignKey(
        "audit.EmergencyAccess", null=True, on_delete=models.PROTECT, related_name="events"
    )
    after_hours = models.BooleanField(default=False)
    ip_address = models.GenericIPAddressField(null=True)
    user_agent = models.CharField(max_length=300, blank=True)
    request_id = models.CharField(max_length=64, blank=True)
    # Which audit key chained this entry (counseling.audit.keys); empty before versions.
    key_version = models.CharField(max_length=16, blank=True, default="")
    prev_hash = models.CharField(max_length=64)
    # Not unique, not indexed: the chain, not an index, is what proves an entry genuine,
    # and an index of random 64-character keys made each append touch random pages of a
    # table's worth of btree.
    hash = models.CharField(max_length=64)

    objects = AppendOnlyQuerySet.as_manager()

    class Meta:
        verbose_name = _("peristiwa akses")
        verbose_name_plural = _("log akses")
        indexes = [
            models.Index(fields=["counselee", "id"], name="audit_counselee_id"),
            models.Index(fields=["actor", "id"], name="audit_actor_id"),
            models.Index(fields=["action", "id"], name="audit_action_id"),
            models.Index(fields=["occurred_at"], name="audit_occurred_at"),
        ]

    def __str__(self):
        return f"#{self.id} {self.action}"

    def save(self, *args, **kwargs):
        if not self._state.adding:
            raise AppendOnlyError("Access events cannot be changed.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise AppendOnlyError("Access events cannot be deleted.")

    @property
    def is_flagged(self):
        return (
            self.emergency_access_id is not None
            or self.after_hours
            or self.action in FLAGGED_ACTIONS
        )


FLAGGED_ACTIONS = {
    AccessEvent.Action.DENIED,
    AccessEvent.Action.LOCKED_OUT,
    AccessEvent.Action.DISCLOSE,
    AccessEvent.Action.EMERGENCY_ACCESS,
    AccessEvent.Action.TEMPORARY_PASSWORD_SET,
    AccessEvent.Action.LOGIN_TEMPORARY_PASSWORD,
    AccessEvent.Action.RATE_LIMITED,
}


class EmergencyAccess(models.Model):
    """Break-glass: a counselor not on the case opens one record, briefly and loudly.

    Read-only, for one counselee, for `EMERGENCY_ACCESS_MINUTES`; every view under it is
    flagged in the access log, and an admin must review it.
    """

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    counselor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="emergency_accesses"
    )
    counselee = models.ForeignKey(
        "records.Counselee", on_delete=models.PROTECT, related_name="emergency_accesses"
    )
    justification = CounseleeEncryptedTextField(_("alasan"), counselee_path="counselee")
    granted_at = models.DateTimeField(default=timezone.now)
    expires_at = models.DateTimeField()
    # Ended before it expired: the counselor declared a conflict of interest.
    revoked_at = models.DateTimeField(null=True, blank=True)
    reviewed_at = models.DateTimeField(null=True, blank=True)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    review_comment = CounseleeEncryptedTextField(
        _("komentar peninjauan"), blank=True, counselee_path="counselee"
    )

    objects = EncryptedFieldsQuerySet.as_manager()

    class Meta:
        verbose_name = _("akses darurat")
        verbose_name_plural = _("akses darurat")
        indexes = [models.Index(fields=["counselor", "counselee", "expires_at"])]

    def __str__(self):
        return f"#{self.pk}"

    @property
    def is_active(self):
        return self.revoked_at is None and self.expires_at > timezone.now()


class AuditCheckpoint(models.Model):
    """The access log's head as the nightly check found it, signed with the audit key.

    A hash chain shows edits and deletions in the middle, not entries cut off the end:
    what remains is still a valid chain. Checkpoints remember how far the log reached,
    apart from the log itself, so that `verify_audit` notices a shorter one. They are
    append-only like the log (the model, PostgreSQL's triggers, and the app's database
    role, which may only INSERT and SELECT them), signed so that a row inserted by hand
    without the key is refused, and mailed to the admins as a copy outside the database.
    """

    created_at = models.DateTimeField(default=timezone.now)
    entry_count = models.PositiveBigIntegerField()
    last_id = models.BigIntegerField()
    last_hash = models.CharField(max_length=64)
    # The version of the audit key that signed it (counseling.audit.keys).
    key_version = models.CharField(max_length=16)
    signature = models.CharField(max_length=64)

    objects = AppendOnlyQuerySet.as_manager()

    class Meta:
        verbose_name = _("titik periksa log akses")
        verbose_name_plural = _("titik periksa log akses")

    def __str__(self):
        return f"#{self.pk} @{self.last_id}"

    def save(self, *args, **kwargs):
        if not self._state.adding:
            raise AppendOnlyError("Audit checkpoints cannot be changed.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise AppendOnlyError("Audit checkpoints cannot be deleted.")

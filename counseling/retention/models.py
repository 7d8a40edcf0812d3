"""The school lifecycle, each counselee's data key, legal holds and erasure tombstones."""

import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from counseling.encryption import CounseleeEncryptedTextField, EncryptedFieldsQuerySet


class SchoolStatus(models.Model):
    """Where a student stands with the school: still here, or since when not.

    A counselee without a row is active. The date a student graduated, moved or left
    starts her retention clock (`counseling.retention.schedule`).
    """

    class Status(models.TextChoices):
        ACTIVE = "active", _("Aktif")
        GRADUATED = "graduated", _("Lulus")
        MOVED = "moved", _("Pindah sekolah")
        LEFT = "left", _("Keluar")

    counselee = models.OneToOneField(
        "records.Counselee", on_delete=models.PROTECT, related_name="school_status"
    )
    status = models.CharField(_("status"), max_length=16, choices=Status.choices)
    # The day she graduated, moved or left; for an active student, the day she returned.
    since = models.DateField(_("sejak"))
    set_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    set_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("status sekolah")
        verbose_name_plural = _("status sekolah")
        indexes = [models.Index(fields=["status", "since"], name="school_status_since")]

    def __str__(self):
        return f"#{self.pk}"

    @property
    def has_left(self) -> bool:
        return self.status != self.Status.ACTIVE


class DataKeyQuerySet(models.QuerySet["DataKey"]):
    def usable(self) -> "DataKeyQuerySet":
        return self.filter(destroyed_at__isnull=True)


class DataKey(models.Model):
    """One counselee's own Fernet key, stored only wrapped by a master key.

    Everything written about her is encrypted under it (`counseling.keys`). The counselee
    is named by her public id, not a foreign key, so the key exists from the moment her
    record is first saved (her own encrypted fields are sealed before she has a primary
    key). Destroying the key (`wrapped` emptied) makes every copy of her content, in the
    database or in any backup, unreadable: the only other copy is in a backup of this
    table, which expires with `BACKUP_KEEP_DAYS`.
    """

    counselee_uid = models.UUIDField(db_index=True)
    # Fernet token of the data key under the newest master key when it was wrapped.
    wrapped = models.TextField(blank=True)
    # Which master key wrapped it (a fingerprint, never the key): rotation re-wraps the rest.
    master_version = models.CharField(max_length=16, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    # Replaced by a newer key (content re-encrypted); still reads what it sealed.
    retired_at = models.DateTimeField(null=True, blank=True)
    destroyed_at = models.DateTimeField(null=True, blank=True)

    objects = DataKeyQuerySet.as_manager()

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["counselee_uid"],
                condition=Q(retired_at__isnull=True, destroyed_at__isnull=True),
                name="one_current_data_key",
            ),
            models.CheckConstraint(
                condition=Q(destroyed_at__isnull=True) | Q(wrapped=""),
                name="destroyed_key_holds_nothing",
            ),
        ]
        indexes = [models.Index(fields=["master_version"], name="datakey_master_version")]

    def __str__(self):
        return f"data key #{self.pk}"


class LegalHold(models.Model):
    """A case before the police or a court: the counselee's records are not erased.

    Asked for with a reason by one person and confirmed by a second; from the request
    on, erasure waits (an unconfirmed request lapses after `LEGAL_HOLD_CONFIRM_DAYS`).
    A standing hold is reviewed yearly; released, the schedule applies again.
    """

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    counselee = models.ForeignKey(
        "records.Counselee", on_delete=models.PROTECT, related_name="legal_holds"
    )
    # About her case, so sealed under her own key like everything else about her.
    reason = CounseleeEncryptedTextField(_("alasan"), counselee_path="counselee")
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    requested_at = models.DateTimeField(default=timezone.now)
    confirmed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    confirmed_at = models.DateTimeField(null=True, blank=True)
    reviewed_at = models.DateTimeField(null=True, blank=True)
    review_due = models.DateField(null=True, blank=True)
    released_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    released_at = models.DateTimeField(null=True, blank=True)

    objects = EncryptedFieldsQuerySet.as_manager()

    class Meta:
        verbose_name = _("penahanan hukum")
        verbose_name_plural = _("penahanan hukum")
        constraints = [
            models.CheckConstraint(
                condition=Q(confirmed_by__isnull=True) | ~Q(confirmed_by=models.F("requested_by")),
                name="hold_confirmed_by_a_second_person",
            )
        ]

    def __str__(self):
        return f"#{self.pk}"

    @property
    def is_confirmed(self) -> bool:
        return self.confirmed_at is not None

    @property
    def is_released(self) -> bool:
        return self.released_at is not None


class Erasure(models.Model):
    """The tombstone of an erased counselee: a pseudonymous id, dates and counts.

    Her `Counselee` row stays, emptied, so that access-log entries naming her still point
    at something and still verify; this row says when and how much was erased.
    """

    counselee = models.OneToOneField(
        "records.Counselee", on_delete=models.PROTECT, related_name="erasure"
    )
    # Her public id at erasure: the only identifier left, and one that names nobody.
    pseudonym = models.UUIDField(unique=True)
    status = models.CharField(max_length=16, choices=SchoolStatus.Status.choices)
    left_on = models.DateField()
    due_on = models.DateField()
    erased_at = models.DateTimeField(default=timezone.now)
    # {"sessions": 3, "notes": 4, ...}: how many rows of each kind were deleted.
    counts = models.JSONField(default=dict)

    class Meta:
        verbose_name = _("penghapusan")
        verbose_name_plural = _("penghapusan")

    def __str__(self):
        return f"#{self.pk}"

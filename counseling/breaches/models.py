"""A breach of personal data, the students it exposed, and the notices the law asks for.

UU PDP art. 46: when personal data fails to be protected, the controller tells the data
subjects and the authority in writing within 3 x 24 hours. A `Breach` is the incident as
the data protection officer (or an admin) records it: what happened, how it was found,
when, and through what (an account, a time window, a record). The students exposed are
computed from the access log (`counseling.breaches.exposure`) into `BreachExposure`
rows; each `BreachNotice` is one letter to draft, print or send, and mark sent.

Nothing here is about what a student said. The incident's description is the school's
own account of the incident, a plain column: the form tells whoever writes it not to
name students or repeat their words. Exposures and notices hold ids, counts and dates.
"""

import datetime
import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

# UU PDP art. 46(1): "paling lambat 3 x 24 (tiga kali dua puluh empat) jam".
NOTICE_DEADLINE = datetime.timedelta(hours=72)


class BreachQuerySet(models.QuerySet["Breach"]):
    def open(self) -> "BreachQuerySet":
        return self.filter(closed_at__isnull=True)


class Breach(models.Model):
    class Scope(models.TextChoices):
        ACCOUNT = "account", _("Satu akun (misalnya kata sandi bocor, laptop hilang)")
        WINDOW = "window", _("Semua akses dalam rentang waktu")
        RECORD = "record", _("Satu catatan atau satu siswa")

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    # What happened, how it was found, what the school did: about the incident, in the
    # school's words; never a student's name or what she said (see the form's help text).
    description = models.TextField(_("apa yang terjadi"))
    how_found = models.TextField(_("bagaimana diketahui"))
    handling = models.TextField(_("penanganan dan pemulihan"))
    # When it happened; often known only roughly ("between Friday evening and Monday").
    occurred_from = models.DateTimeField(_("terjadi sejak"))
    occurred_to = models.DateTimeField(_("terjadi sampai"))
    approximate = models.BooleanField(_("waktunya perkiraan"), default=False)
    discovered_at = models.DateTimeField(_("diketahui pada"))
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    recorded_at = models.DateTimeField(default=timezone.now)
    scope = models.CharField(_("cakupan"), max_length=16, choices=Scope.choices)
    # Scope ACCOUNT: whose account was used (lost, stolen, its password leaked).
    scope_account = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    # Scope RECORD: one student's record, or any object the access log names.
    scope_counselee = models.ForeignKey(
        "records.Counselee", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    scope_object_type = models.CharField(max_length=64, blank=True)
    scope_object_id = models.CharField(max_length=64, blank=True)
    # discovered_at + 3 x 24 hours: every notice is due by then.
    deadline = models.DateTimeField()
    exposure_computed_at = models.DateTimeField(null=True, blank=True)
    # Set when the last of its notices is marked sent: the clock stops.
    closed_at = models.DateTimeField(null=True, blank=True)

    objects = BreachQuerySet.as_manager()

    class Meta:
        verbose_name = _("kegagalan pelindungan data")
        verbose_name_plural = _("kegagalan pelindungan data")
        indexes = [
            models.Index(
                fields=["deadline"], condition=Q(closed_at__isnull=True), name="breach_open_due"
            )
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(occurred_from__lte=models.F("occurred_to")),
                name="breach_window_in_order",
            ),
            models.CheckConstraint(
                condition=~Q(scope="account") | Q(scope_account__isnull=False),
                name="breach_account_scope_names_account",
            ),
            models.CheckConstraint(
                condition=~Q(scope="record")
                | Q(scope_counselee__isnull=False)
                | (~Q(scope_object_type="") & ~Q(scope_object_id="")),
                name="breach_record_scope_names_record",
            ),
        ]

    def __str__(self):
        return f"#{self.pk} {self.scope}"

    @staticmethod
    def deadline_for(discovered_at: datetime.datetime) -> datetime.datetime:
        return discovered_at + NOTICE_DEADLINE

    @property
    def is_open(self) -> bool:
        return self.closed_at is None

    @property
    def is_overdue(self) -> bool:
        return self.is_open and timezone.now() > self.deadline


class BreachExposure(models.Model):
    """One student whose data the breach exposed, as the access log tells it.

    `object_types` are the kinds of record the exposing events named (the access log's
    `object_type`), which the letters turn into kinds of data; `minor` and
    `guardian_exempt` are as they stood when the exposure was computed, and decide
    whether her guardians get a letter.
    """

    breach = models.ForeignKey(Breach, on_delete=models.CASCADE, related_name="exposures")
    counselee = models.ForeignKey(
        "records.Counselee", on_delete=models.PROTECT, related_name="breach_exposures"
    )
    events = models.PositiveIntegerField()
    first_seen = models.DateTimeField()
    last_seen = models.DateTimeField()
    object_types = models.JSONField(default=list)
    minor = models.BooleanField(default=True)
    guardian_exempt = models.BooleanField(default=False)

    class Meta:
        ordering = ["pk"]
        constraints = [
            models.UniqueConstraint(fields=["breach", "counselee"], name="exposed_once_per_breach")
        ]

    def __str__(self):
        return f"#{self.pk}"

    @property
    def gets_guardian_letter(self) -> bool:
        return self.minor and not self.guardian_exempt


class BreachNotice(models.Model):
    """One letter about a breach: to a student, to her guardians, or to the authority.

    The letter's text is drafted from a template each time it is shown
    (`counseling.breaches.letters`), from the breach and the exposure rows, which are
    all it may say; nothing of it is stored. Marking it sent stops its clock; a student's
    notice also reaches her inbox then.
    """

    class Audience(models.TextChoices):
        STUDENT = "student", _("Siswa")
        GUARDIAN = "guardian", _("Orang tua atau wali")
        AUTHORITY = "authority", _("Lembaga pelindungan data pribadi")

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    breach = models.ForeignKey(Breach, on_delete=models.CASCADE, related_name="notices")
    audience = models.CharField(max_length=16, choices=Audience.choices)
    counselee = models.ForeignKey(
        "records.Counselee",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="breach_notices",
    )
    drafted_at = models.DateTimeField(default=timezone.now)
    marked_sent_at = models.DateTimeField(null=True, blank=True)
    marked_sent_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(audience="authority", counselee__isnull=True)
                | (~Q(audience="authority") & Q(counselee__isnull=False)),
                name="breach_notice_names_its_student",
            ),
            models.UniqueConstraint(
                fields=["breach", "audience", "counselee"],
                condition=Q(counselee__isnull=False),
                name="breach_notice_once_per_student",
            ),
            models.UniqueConstraint(
                fields=["breach"],
                condition=Q(audience="authority"),
                name="breach_notice_once_to_authority",
            ),
        ]

    def __str__(self):
        return f"#{self.pk} {self.audience}"

    @property
    def is_sent(self) -> bool:
        return self.marked_sent_at is not None

import hashlib
import secrets
import uuid

from django.conf import settings
from django.contrib.auth.models import AbstractUser
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class User(AbstractUser):
    """A person who signs in: a student, a counselor, an admin or a teacher. One role each."""

    class Role(models.TextChoices):
        STUDENT = "student", _("Siswa")
        COUNSELOR = "counselor", _("Konselor")
        ADMIN = "admin", _("Admin")
        # A homeroom or subject teacher: refers students of her classes to BK, and sees
        # only that BK received the referral and later followed it up.
        TEACHER = "teacher", _("Guru")
        # The school's data protection officer (pejabat pelindungan data pribadi, UU PDP
        # art. 53): handles data-rights requests and breaches; sees metadata, never content.
        DPO = "dpo", _("Petugas pelindungan data")

    # One name field: Indonesian names do not split into first and last.
    first_name = None
    last_name = None
    full_name = models.CharField(_("nama lengkap"), max_length=150)
    role = models.CharField(_("peran"), max_length=16, choices=Role.choices, db_index=True)
    # The school's BK coordinator (koordinator BK): a counselor who edits the duty roster,
    # receives escalations and picks who receives a referral. The admin names her.
    is_coordinator = models.BooleanField(
        _("koordinator BK"),
        default=False,
        help_text=_(
            "Hanya untuk konselor: mengatur piket, menerima eskalasi, memilih penerima alih "
            "tangan kasus."
        ),
    )
    # Set when an admin sets the password: it then leads only to "choose your own".
    password_is_temporary = models.BooleanField(
        _("kata sandi sementara"),
        default=False,
        help_text=_("Kata sandi diatur oleh admin; pemilik akun harus menggantinya saat masuk."),
    )
    # The language of her e-mails: the last one she chose in Amanah while signed in.
    language = models.CharField(
        _("bahasa"), max_length=8, choices=settings.LANGUAGES, default=settings.LANGUAGE_CODE
    )

    REQUIRED_FIELDS = ["full_name", "role"]

    class Meta:
        verbose_name = _("pengguna")
        verbose_name_plural = _("pengguna")

    def __str__(self):
        return self.username

    def get_full_name(self):
        return self.full_name

    def get_short_name(self):
        return self.full_name

    @property
    def is_student(self):
        return self.role == self.Role.STUDENT

    @property
    def is_counselor(self):
        return self.role == self.Role.COUNSELOR

    @property
    def is_admin(self):
        return self.role == self.Role.ADMIN

    @property
    def is_teacher(self):
        return self.role == self.Role.TEACHER

    @property
    def is_dpo(self):
        return self.role == self.Role.DPO


class AttemptCounter(models.Model):
    """How often something happened within a window: failed passwords, bookings, alerts.

    Counted by one atomic statement (`counseling.accounts.counters`), never by reading
    and then writing, so parallel requests cannot all slip under a limit. Keys hold
    hashes, ids and addresses only: never a typed name.
    """

    key = models.CharField(max_length=200, primary_key=True)
    count = models.PositiveIntegerField(default=0)
    window_started_at = models.DateTimeField(db_index=True)

    def __str__(self):
        return self.key


class EnrolmentLinkQuerySet(models.QuerySet["EnrolmentLink"]):
    def valid(self) -> "EnrolmentLinkQuerySet":
        """Approved, not used, not replaced, not expired."""
        return self.open().filter(approved_at__isnull=False)

    def open(self) -> "EnrolmentLinkQuerySet":
        """Not used, not replaced, not expired: valid, or waiting for a second admin."""
        return self.filter(
            used_at__isnull=True, revoked_at__isnull=True, expires_at__gt=timezone.now()
        )


class EnrolmentLink(models.Model):
    """A one-time link with which a counselor or admin enrols a second factor.

    It is e-mailed to the person's own address; the token exists only in that e-mail,
    and only its hash is kept here. A new link replaces every earlier one of the person.
    """

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="enrolment_links")
    issued_by = models.ForeignKey(
        User, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    token_hash = models.CharField(max_length=64, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField()
    # A link that would replace a second factor already enrolled needs a second admin:
    # whoever controls a staff member's e-mail address and password (an admin can set
    # both) must not be able to put a device of his own in the place of hers.
    approved_at = models.DateTimeField(null=True, blank=True)
    approved_by = models.ForeignKey(
        User, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    used_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    objects = EnrolmentLinkQuerySet.as_manager()

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["token_hash"],
                condition=~models.Q(token_hash=""),
                name="enrolment_link_token_unique",
            )
        ]

    def __str__(self):
        return f"#{self.pk}"

    @staticmethod
    def hash_of(token: str) -> str:
        return hashlib.sha256(token.encode()).hexdigest()

    @staticmethod
    def path_for(token: str) -> str:
        return reverse("two-factor-enrol", kwargs={"token": token})

    def mint(self) -> str:
        """Draw the link's token and store its hash; the token itself is returned only here.

        Each draw replaces the token before it: of two e-mails, only the newer one works.
        """
        token = secrets.token_urlsafe(32)
        self.token_hash = self.hash_of(token)
        self.save(update_fields=["token_hash"])
        return token


# Second-factor devices live in their own module; imported here so that Django sees them.
from counseling.accounts.second_factor import (  # noqa: E402
    AuthenticatorDevice,
    RecoveryCode,
    RecoveryCodeDevice,
)

__all__ = [
    "AttemptCounter",
    "AuthenticatorDevice",
    "EnrolmentLink",
    "RecoveryCode",
    "RecoveryCodeDevice",
    "User",
]

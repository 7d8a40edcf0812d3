from django.contrib.auth.models import AbstractUser
from django.db import models
from django.utils.translation import gettext_lazy as _


class User(AbstractUser):
    """A person who signs in: a student, a counselor or an admin. One role each."""

    class Role(models.TextChoices):
        STUDENT = "student", _("Siswa")
        COUNSELOR = "counselor", _("Konselor")
        ADMIN = "admin", _("Admin")

    # One name field: Indonesian names do not split into first and last.
    first_name = None
    last_name = None
    full_name = models.CharField(_("nama lengkap"), max_length=150)
    role = models.CharField(_("peran"), max_length=16, choices=Role.choices, db_index=True)

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


class LoginFailure(models.Model):
    """A failed login, kept for the lockout count. The typed name is stored only as a
    keyed hash: people type their password into the name field by mistake."""

    username_hash = models.CharField(max_length=64, db_index=True)
    ip_address = models.GenericIPAddressField(null=True)
    failed_at = models.DateTimeField(auto_now_add=True, db_index=True)

    class Meta:
        indexes = [models.Index(fields=["ip_address", "failed_at"])]

    def __str__(self):
        return f"#{self.pk}"


# Second-factor devices live in their own module; imported here so that Django sees them.
from counseling.accounts.second_factor import (  # noqa: E402
    AuthenticatorDevice,
    RecoveryCode,
    RecoveryCodeDevice,
)

__all__ = ["AuthenticatorDevice", "LoginFailure", "RecoveryCode", "RecoveryCodeDevice", "User"]

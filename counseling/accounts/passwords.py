"""Passwords an admin sets are temporary; the account then chooses its own.

An admin who sets a student's password could otherwise sign in as her and read what she
wrote, and the log would call those reads hers. So a password an admin sets (the admin
site's user forms) marks the account: signing in with it leads only to "choose your own
password" (`security.TemporaryPasswordMiddleware`), and the setting, each sign-in with it
and the choice are logged about the account's owner, who sees them on her own page.
"""

from django.core.exceptions import PermissionDenied
from django.db import transaction

from counseling import policy
from counseling.audit import log


def _counselee_of(user):
    from counseling.records.models import Counselee

    return Counselee.objects.filter(user=user).first()


def set_by_admin(user, raw_password: str | None, *, commit=True):
    """Give `user` a password chosen by an admin: temporary. None disables the password.

    The admin site's forms call this from `save()`, which has no request; the admin site
    then calls `record_set_by_admin` with the acting admin, in the same transaction.
    """
    if raw_password is None:
        user.set_unusable_password()
        user.password_is_temporary = False
    else:
        user.set_password(raw_password)
        user.password_is_temporary = True
    # Read by UserAdmin: this save came from a password form.
    user.password_set_by_admin = True
    if commit:
        user.save()
    return user


def record_set_by_admin(user, *, by) -> None:
    """Log that admin `by` set `user`'s temporary password (about the student, if one)."""
    if not policy.may_manage_accounts(by):
        raise PermissionDenied
    log.record(
        log.Action.TEMPORARY_PASSWORD_SET,
        actor=by,
        obj=user,
        counselee=_counselee_of(user),
        purpose=log.Purpose.ADMINISTRATION,
    )


@transaction.atomic
def choose_own(user, raw_password: str) -> None:
    """The account replaces its temporary password with one of its own."""
    user.set_password(raw_password)
    user.password_is_temporary = False
    user.save(update_fields=["password", "password_is_temporary"])
    log.record(
        log.Action.PASSWORD_CHANGED,
        actor=user,
        obj=user,
        counselee=_counselee_of(user),
        purpose=log.Purpose.OWN,
    )

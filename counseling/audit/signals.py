"""Logins, failed logins and logouts go into the access log."""

from django.contrib.auth import get_user_model, signals
from django.dispatch import receiver

from counseling.audit import log


@receiver(signals.user_logged_in)
def record_login(sender, request, user, **kwargs):
    if not getattr(user, "password_is_temporary", False):
        log.record(log.Action.LOGIN, actor=user, obj=user)
        return
    # Whoever knows the password an admin set could be signing in: the student sees it.
    from counseling.records.models import Counselee

    log.record(
        log.Action.LOGIN_TEMPORARY_PASSWORD,
        actor=user,
        obj=user,
        counselee=Counselee.objects.filter(user=user).first(),
    )


@receiver(signals.user_logged_out)
def record_logout(sender, request, user, **kwargs):
    if user is not None:
        log.record(log.Action.LOGOUT, actor=user, obj=user)


@receiver(signals.user_login_failed)
def record_login_failed(sender, credentials, request=None, **kwargs):
    # The account aimed at, if it exists; never the typed name, which may be a password.
    User = get_user_model()
    account = User.objects.filter(username=credentials.get("username", "")).first()
    log.record(
        log.Action.LOGIN_FAILED,
        object_type="accounts.user" if account else "",
        object_id=str(account.pk) if account else "",
    )

"""Nightly housekeeping: rows nobody needs any more.

- Django sessions past their expiry (a signed-out or abandoned browser);
- failed-login counters older than any lockout window reads
  (`counseling.accounts.lockout`); the access log keeps every failed login anyway;
- outbox messages sent or withdrawn longer ago than `AMANAH_OUTBOX_RETENTION`.

Each returns how many rows it removed.
"""

from importlib import import_module

from django.conf import settings
from django.db.models import Q
from django.utils import timezone


def clear_expired_sessions() -> int:
    from django.contrib.sessions.models import Session

    expired = Session.objects.filter(expire_date__lt=timezone.now()).count()
    # The engine's own way, so that another SESSION_ENGINE cleans up after itself too.
    import_module(settings.SESSION_ENGINE).SessionStore.clear_expired()
    return expired


def delete_old_login_failures() -> int:
    from counseling.accounts.models import LoginFailure

    cutoff = timezone.now() - settings.AMANAH_LOGIN_FAILURE_RETENTION
    deleted, _ = LoginFailure.objects.filter(failed_at__lt=cutoff).delete()
    return deleted


def delete_delivered_outbox() -> int:
    from sessions.models import OutboxMessage

    cutoff = timezone.now() - settings.AMANAH_OUTBOX_RETENTION
    done = OutboxMessage.objects.filter(Q(sent_at__lt=cutoff) | Q(cancelled_at__lt=cutoff))
    deleted, _ = done.delete()
    return deleted

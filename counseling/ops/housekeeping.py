"""Nightly housekeeping: rows nobody needs any more.

- Django sessions past their expiry (a signed-out or abandoned browser);
- notices read (or withdrawn) and done with by e-mail longer ago than
  `AMANAH_OUTBOX_RETENTION`; an unread one stays in its inbox, however old.

(Failed-login and rate-limit counters are purged hourly by `counseling.accounts`.)

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


def delete_delivered_outbox() -> int:
    from counseling.notices.models import Notice

    cutoff = timezone.now() - settings.AMANAH_OUTBOX_RETENTION
    seen = Q(read_at__lt=cutoff) | Q(cancelled_at__lt=cutoff)
    done = Notice.objects.filter(seen, created_at__lt=cutoff).exclude(
        email_status=Notice.EmailStatus.PENDING
    )
    deleted, _ = done.delete()
    return deleted

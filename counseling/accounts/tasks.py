"""Background work for accounts. Tasks take ids and are safe to run twice."""

from celery import shared_task
from django.conf import settings

from counseling.accounts import counters


@shared_task
def purge_expired_counters() -> int:
    """Hourly: forget attempt counters whose longest window has long run out."""
    windows = [settings.AMANAH_LOCKOUT_WINDOW]
    windows += [window for _limit, window in settings.AMANAH_RATE_LIMITS.values()]
    return counters.purge(older_than=2 * max(windows))

"""Background work for accounts. Tasks take ids and are safe to run twice.

`send_enrolment_link` is defined in `counseling.accounts.enrolment`, which queues it.
"""

from celery import shared_task
from django.conf import settings

from counseling.accounts import counters, enrolment
from counseling.accounts.enrolment import send_enrolment_link


@shared_task
def send_unsent_enrolment_links() -> int:
    """Every few minutes: links the broker missed (it was down when they were issued)."""
    return sum(send_enrolment_link(pk) for pk in enrolment.unsent_link_ids())


@shared_task
def purge_expired_counters() -> int:
    """Hourly: forget attempt counters whose longest window has long run out."""
    windows = [settings.AMANAH_LOCKOUT_WINDOW]
    windows += [window for _limit, window in settings.AMANAH_RATE_LIMITS.values()]
    return counters.purge(older_than=2 * max(windows))

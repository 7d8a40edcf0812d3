"""Background work for accounts. Tasks take ids and are safe to run twice."""

from celery import shared_task
from django.conf import settings

from counseling.accounts import counters, enrolment


@shared_task
def send_enrolment_link(link_id: int) -> bool:
    """E-mail an enrolment link to its owner (the token is drawn here, never passed in)."""
    return enrolment.deliver(link_id)


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

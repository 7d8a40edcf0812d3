"""The 3 x 24-hour clock of an open breach: the DPO and the admins are reminded.

A breach is open until every one of its letters is marked sent (its exposure computed
first: an uncomputed breach has letters still to draft). While it is open, its handlers
are reminded once when 24 hours are left, once when 6 hours are left, and once a day
(the school's day) when the deadline has passed. Each reminder has its own dedupe key,
so beat may run this as often as it likes: a reminder goes once.
"""

import datetime

from django.utils import timezone

from counseling import notices, policy
from counseling.breaches.models import Breach
from counseling.notices.models import Notice

STAGES = (("6h", datetime.timedelta(hours=6)), ("24h", datetime.timedelta(hours=24)))


def stage(breach: Breach, now: datetime.datetime) -> str | None:
    """Which reminder is due for the breach at `now`: the most urgent one, or None."""
    left = breach.deadline - now
    if left <= datetime.timedelta(0):
        return f"overdue:{timezone.localdate(now).isoformat()}"
    for name, before in STAGES:
        if left <= before:
            return name
    return None


def remind(now: datetime.datetime | None = None) -> int:
    """Write the reminders due; returns how many notices were written."""
    now = now or timezone.now()
    handlers = list(policy.breach_handlers())
    written = 0
    for breach in Breach.objects.open().filter(deadline__lte=now + STAGES[-1][1]):
        due = stage(breach, now)
        if due is None:
            continue
        written += len(
            notices.notify_all(
                handlers,
                Notice.Kind.BREACH_NOTICE_DUE,
                about=breach,
                dedupe_key=f"breach-due:{breach.public_id}:{due}",
            )
        )
    return written

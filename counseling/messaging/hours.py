"""When a counselor answers messages: during the hours she publishes for sessions."""

import datetime
from dataclasses import dataclass

from django.utils import timezone

from counseling.accounts.models import User
from sessions.models import AvailabilityRule, DayOff

LOOK_AHEAD_DAYS = 14


@dataclass(frozen=True)
class OfficeHours:
    """`now_open`: she is within her hours; else `next_start`, when they begin next (None
    when she publishes none in the next two weeks)."""

    now_open: bool
    next_start: datetime.datetime | None = None


def office_hours(counselor: User, now: datetime.datetime | None = None) -> OfficeHours:
    """Whether `counselor` is within her hours, and if not when a reply can be expected.

    Two queries: her rules and her days off in the window.
    """
    now = now or timezone.now()
    today = timezone.localdate(now)
    until = today + datetime.timedelta(days=LOOK_AHEAD_DAYS)
    rules = list(AvailabilityRule.objects.filter(counselor=counselor))
    days_off = set(
        DayOff.objects.filter(counselor=counselor, date__gte=today, date__lte=until).values_list(
            "date", flat=True
        )
    )
    for offset in range(LOOK_AHEAD_DAYS + 1):
        day = today + datetime.timedelta(days=offset)
        if day in days_off:
            continue
        for rule in sorted((r for r in rules if r.applies_on(day)), key=lambda r: r.start_time):
            start = timezone.make_aware(datetime.datetime.combine(day, rule.start_time))
            end = timezone.make_aware(datetime.datetime.combine(day, rule.end_time))
            if start <= now < end:
                return OfficeHours(True)
            if start > now:
                return OfficeHours(False, start)
    return OfficeHours(False, None)

"""Free times: a counselor's availability, cut into slots, minus what is already taken.

Students see free times only, never who else booked: a taken slot simply is not offered.
"""

import datetime
from dataclasses import dataclass

from django.conf import settings
from django.utils import timezone

from sessions.models import AvailabilityRule, Booking, CounselingSession, DayOff

# Sessions that hold the counselor's time even without a booking (walk-ins).
BUSY_SESSION_STATUSES = (CounselingSession.Status.SCHEDULED, CounselingSession.Status.IN_PROGRESS)


@dataclass(frozen=True)
class Slot:
    start: datetime.datetime
    end: datetime.datetime
    mode: str
    place: str

    @property
    def key(self) -> str:
        """The slot's start in the URL: local time, minute precision."""
        return timezone.localtime(self.start).strftime("%Y-%m-%dT%H%M")


def parse_key(key: str) -> datetime.datetime | None:
    try:
        naive = datetime.datetime.strptime(key, "%Y-%m-%dT%H%M")
    except ValueError:
        return None
    return timezone.make_aware(naive)


def booking_window(now=None) -> tuple[datetime.datetime, datetime.datetime]:
    """The earliest and latest times a student may book, from now."""
    now = now or timezone.now()
    return now + settings.AMANAH_BOOKING_MIN_NOTICE, now + settings.AMANAH_BOOKING_WINDOW


def _slots_of(rule: AvailabilityRule, day: datetime.date):
    length = datetime.timedelta(minutes=rule.slot_minutes)
    step = length + datetime.timedelta(minutes=rule.buffer_minutes)
    start = timezone.make_aware(datetime.datetime.combine(day, rule.start_time))
    close = timezone.make_aware(datetime.datetime.combine(day, rule.end_time))
    while start + length <= close:
        yield Slot(start, start + length, rule.mode, rule.place)
        start += step


def _busy_ranges(counselor, start, end):
    bookings = Booking.objects.filter(
        counselor=counselor, status__in=Booking.ACTIVE, start__lt=end, end__gt=start
    ).values_list("start", "end")
    sessions = CounselingSession.objects.filter(
        counselor=counselor,
        status__in=BUSY_SESSION_STATUSES,
        booking__isnull=True,
        scheduled_start__lt=end,
        scheduled_end__gt=start,
    ).values_list("scheduled_start", "scheduled_end")
    return [*bookings, *sessions]


def _midnight(day: datetime.date) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time.min))


def free_slots(counselor, *, now=None, day=None) -> list[Slot]:
    """The counselor's bookable slots inside the booking window, in time order.

    With `day`, only that day's: what a booking computes while it holds the counselor's
    lock, so the lock is held for one day's work instead of the whole window's.
    """
    earliest, latest = booking_window(now)
    first_day = timezone.localtime(earliest).date()
    last_day = timezone.localtime(latest).date()
    if day is not None:
        first_day, last_day = max(first_day, day), min(last_day, day)
        if first_day > last_day:
            return []
        earliest = max(earliest, _midnight(first_day))
        latest = min(latest, _midnight(last_day + datetime.timedelta(days=1)))
    rules = list(AvailabilityRule.objects.filter(counselor=counselor))
    days_off = set(
        DayOff.objects.filter(counselor=counselor, date__range=(first_day, last_day)).values_list(
            "date", flat=True
        )
    )
    busy = _busy_ranges(counselor, earliest, latest)

    slots = set()
    day = first_day
    while day <= last_day:
        if day not in days_off:
            for rule in rules:
                if rule.applies_on(day):
                    slots.update(_slots_of(rule, day))
        day += datetime.timedelta(days=1)
    return sorted(
        (
            slot
            for slot in slots
            if earliest <= slot.start
            and slot.end <= latest
            and not any(s < slot.end and slot.start < e for s, e in busy)
        ),
        key=lambda slot: slot.start,
    )


def find_free_slot(counselor, start, **kwargs) -> Slot | None:
    day = timezone.localtime(start).date()
    return next((s for s in free_slots(counselor, day=day, **kwargs) if s.start == start), None)


def is_busy(counselor, start, end) -> bool:
    """Whether the counselor holds an active booking or a session between start and end."""
    return bool(_busy_ranges(counselor, start, end))

"""Availability and slot times shared by the booking tests."""

import datetime

from django.utils import timezone

from sessions.models import AvailabilityRule


def tomorrow():
    return timezone.localdate() + datetime.timedelta(days=1)


def at(day, hour, minute=0):
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(hour, minute)))


def open_hours(counselor, day=None, start=8, end=14, minutes=45, buffer=15, place="Ruang BK 1"):
    """Hours on `day` (tomorrow by default): 45-minute slots at 08:00, 09:00, ... 13:00."""
    return AvailabilityRule.objects.create(
        counselor=counselor,
        date=day or tomorrow(),
        start_time=datetime.time(start),
        end_time=datetime.time(end),
        slot_minutes=minutes,
        buffer_minutes=buffer,
        place=place,
    )

"""The demo school's counseling hours and bookings, one in each state.

Everything goes through the services, as a student and a counselor would, so the
demo's access log and notices look like the real thing. Konselor1's slots tomorrow stay
free, so the demo can begin with "siswa1 books konselor1 for tomorrow 10:00".
"""

import datetime

from django.utils import timezone

from sessions import availability, bookings, hours
from sessions.models import AvailabilityRule, Booking

PLACES = {"konselor1": "Ruang BK 1", "konselor2": "Ruang BK 2"}
WEEKDAYS = range(5)  # Monday to Friday
OPENS, CLOSES = datetime.time(8), datetime.time(14)
SLOT = {"start_time": OPENS, "end_time": CLOSES, "slot_minutes": 45, "buffer_minutes": 15}


def seed(counselors, counselees, log=print):
    for username, place in PLACES.items():
        _hours(counselors[username], place)
    log("Jam layanan: Senin-Jumat 08.00-14.00 (45 menit, jeda 15), dan besok untuk konselor1-2")

    if Booking.objects.exists():
        return
    _bookings(counselors, counselees)
    log("Pemesanan: diminta (satu mendesak), dikonfirmasi, ditolak, dibatalkan, dipindah")


def _hours(counselor, place):
    if not AvailabilityRule.objects.filter(counselor=counselor, weekday__isnull=False).exists():
        for weekday in WEEKDAYS:
            hours.add_hours(by=counselor, weekday=weekday, place=place, **SLOT)
    # Tomorrow, whatever the weekday, so that the demo always has a morning to book (on a
    # weekday the weekly hours already give it; hours may not overlap).
    tomorrow = timezone.localdate() + datetime.timedelta(days=1)
    if tomorrow.weekday() in WEEKDAYS:
        return
    if not AvailabilityRule.objects.filter(counselor=counselor, date=tomorrow).exists():
        hours.add_hours(by=counselor, date=tomorrow, place=place, **SLOT)


def _slot(counselor, days_ahead, hour):
    """The first free slot at `hour` at least `days_ahead` days from today."""
    first_day = timezone.localdate() + datetime.timedelta(days=days_ahead)
    for slot in availability.free_slots(counselor):
        start = timezone.localtime(slot.start)
        if start.date() >= first_day and start.hour == hour:
            return slot.start
    raise LookupError(f"no free {hour}:00 slot for {counselor} from {first_day}")


def _book(counselees, counselors, student, counselor, days_ahead, hour, **extra):
    counselee, counselor = counselees[student], counselors[counselor]
    start = _slot(counselor, days_ahead, hour)
    return bookings.book(counselee, counselor, start, by=counselee.user, **extra)


def _bookings(counselors, counselees):
    konselor1, konselor2 = counselors["konselor1"], counselors["konselor2"]

    # Waiting for konselor1: an urgent request first, and an ordinary one.
    _book(
        counselees,
        counselors,
        "siswa2",
        "konselor1",
        2,
        9,
        urgent=True,
        topic="Ada masalah dengan teman satu tim futsal; aku tidak mau masuk sekolah besok lusa.",
    )
    _book(counselees, counselors, "siswa3", "konselor1", 3, 11)

    # Confirmed: each becomes a session; siswa6 has not given consent, so hers cannot start yet.
    confirmed = _book(
        counselees,
        counselors,
        "siswa3",
        "konselor1",
        4,
        13,
        topic="Ingin membahas pilihan ekskul.",
    )
    bookings.confirm(confirmed, by=konselor1)
    nabila = _book(
        counselees,
        counselors,
        "siswa6",
        "konselor2",
        2,
        10,
        topic="Bingung memilih jurusan kuliah.",
    )
    bookings.confirm(nabila, by=konselor2)

    # Declined by the counselor, with a reason from the list.
    declined = _book(counselees, counselors, "siswa4", "konselor2", 3, 8)
    bookings.decline(declined, Booking.DeclineReason.SCHOOL_EVENT, by=konselor2)

    # Cancelled by the student, well before the cut-off.
    cancelled = _book(counselees, counselors, "siswa5", "konselor2", 5, 12)
    bookings.cancel(cancelled, by=counselees["siswa5"].user)

    # Moved by the student to a later day.
    moved = _book(counselees, counselors, "siswa1", "konselor1", 5, 9)
    bookings.reschedule(moved, _slot(konselor1, 6, 11), by=counselees["siswa1"].user)

"""An iCalendar (.ics) file for a booking: when and where, nothing else.

RFC 5545 with the RFC 5546 methods: CRLF line ends, lines folded at 75 octets, times in
UTC. A rescheduled booking is a new row, but to the student's calendar it is the same
appointment moved: every booking in a chain of reschedules shares the first one's UID, and
SEQUENCE grows along the chain, so a calendar client updates (or, for a cancellation,
removes) the event it already has instead of adding a second one.
"""

import datetime
from email.utils import parseaddr

from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext as _


def _escape(text: str) -> str:
    return text.replace("\\", "\\\\").replace(";", "\\;").replace(",", "\\,").replace("\n", "\\n")


def _utc(moment) -> str:
    return moment.astimezone(datetime.UTC).strftime("%Y%m%dT%H%M%SZ")


def _fold(line: str) -> str:
    """Split a content line into chunks of at most 75 octets, never inside a character."""
    chunks, current, size = [], "", 0
    for char in line:
        width = len(char.encode())
        # The first chunk may take 75 octets; the rest start with a space, so 74.
        if size + width > (75 if not chunks else 74):
            chunks.append(current)
            current, size = "", 0
        current += char
        size += width
    chunks.append(current)
    return "\r\n ".join(chunks)


def _series(booking):
    """The first booking of a chain of reschedules, and how many times it was moved."""
    first, moves = booking, 0
    while first.rescheduled_from_id is not None:
        first, moves = first.rescheduled_from, moves + 1
    return first, moves


def _organizer() -> str:
    # RFC 5546 wants an organizer for PUBLISH and CANCEL: the counseling office's address,
    # the one these e-mails come from, and no person.
    name, address = parseaddr(settings.DEFAULT_FROM_EMAIL)
    name = name.replace('"', "")
    return f'ORGANIZER;CN="{name}":mailto:{address}' if name else f"ORGANIZER:mailto:{address}"


def _status(booking, cancelled) -> str:
    if cancelled:
        return "CANCELLED"
    return "CONFIRMED" if booking.status == booking.Status.CONFIRMED else "TENTATIVE"


def calendar(booking, *, cancelled=False) -> str:
    """A one-event calendar; the UID is the appointment's, so a client updates the event."""
    first, moves = _series(booking)
    lines = [
        "BEGIN:VCALENDAR",
        "VERSION:2.0",
        "PRODID:-//Amanah//Ruang BK//ID",
        "CALSCALE:GREGORIAN",
        "METHOD:CANCEL" if cancelled else "METHOD:PUBLISH",
        "BEGIN:VEVENT",
        f"UID:{first.public_id}@amanah",
        # A cancellation outranks the version of the booking it cancels.
        f"SEQUENCE:{moves + 1 if cancelled else moves}",
        f"DTSTAMP:{_utc(timezone.now())}",
        f"DTSTART:{_utc(booking.start)}",
        f"DTEND:{_utc(booking.end)}",
        f"SUMMARY:{_escape(_('Sesi konseling'))}",
        f"LOCATION:{_escape(booking.place or str(booking.get_mode_display()))}",
        _organizer(),
        f"STATUS:{_status(booking, cancelled)}",
        "END:VEVENT",
        "END:VCALENDAR",
    ]
    return "".join(_fold(line) + "\r\n" for line in lines)

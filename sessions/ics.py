"""An iCalendar (.ics) file for a booking: when and where, nothing else."""

from django.utils import timezone
from django.utils.translation import gettext as _


def _escape(text: str) -> str:
    return text.replace("\\", "\\\\").replace(";", "\\;").replace(",", "\\,").replace("\n", "\\n")


def _utc(moment) -> str:
    return moment.astimezone(timezone.UTC).strftime("%Y%m%dT%H%M%SZ")


def calendar(booking, *, cancelled=False) -> str:
    """A one-event calendar; the UID stays the booking's, so a client updates the event."""
    lines = [
        "BEGIN:VCALENDAR",
        "VERSION:2.0",
        "PRODID:-//Amanah//Ruang BK//ID",
        "METHOD:CANCEL" if cancelled else "METHOD:PUBLISH",
        "BEGIN:VEVENT",
        f"UID:{booking.public_id}@amanah",
        f"DTSTAMP:{_utc(timezone.now())}",
        f"DTSTART:{_utc(booking.start)}",
        f"DTEND:{_utc(booking.end)}",
        f"SUMMARY:{_escape(_('Sesi konseling'))}",
        f"LOCATION:{_escape(booking.place or booking.get_mode_display())}",
        f"STATUS:{'CANCELLED' if cancelled else 'CONFIRMED'}",
        "END:VEVENT",
        "END:VCALENDAR",
    ]
    return "\r\n".join(lines) + "\r\n"

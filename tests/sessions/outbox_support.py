"""Helpers for the notification stories: open hours, addresses, and reading the e-mails."""

import datetime

from django.utils import timezone

from sessions import availability
from sessions.models import AvailabilityRule

# What a student might type as the reason for a booking; no e-mail may ever carry it.
TOPIC = "Zebrafinch: aku takut pulang karena ayah tiriku"
PLACE = "Ruang BK 2, lantai dua"


def give_addresses(*users):
    for user in users:
        user.email = f"{user.username}@sekolah.example"
        user.save(update_fields=["email"])


def open_hours(counselor, days_ahead=3):
    """One morning of 45-minute slots, `days_ahead` days from now, in Ruang BK 2."""
    day = timezone.localdate() + datetime.timedelta(days=days_ahead)
    return AvailabilityRule.objects.create(
        counselor=counselor,
        date=day,
        start_time=datetime.time(9, 0),
        end_time=datetime.time(13, 0),
        slot_minutes=45,
        buffer_minutes=15,
        place=PLACE,
    )


def free_starts(counselor):
    return [slot.start for slot in availability.free_slots(counselor)]


def ics_of(mail) -> str | None:
    """The text of the e-mail's calendar attachment, or None."""
    found = [a for a in mail.attachments if a[2].startswith("text/calendar")]
    assert len(found) <= 1
    return found[0][1] if found else None


def everything_in(mail) -> str:
    """All a recipient can read in the e-mail: headers, body and attachments, decoded."""
    parts = [mail.message().as_string(), mail.subject, mail.body]
    parts += [str(content) for _name, content, _type in mail.attachments]
    return "\n".join(parts)

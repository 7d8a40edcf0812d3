"""The models of the sessions app: sessions and notes, availability and bookings.
Their notifications are notices (`counseling.notices`)."""

from sessions.models.booking import AvailabilityRule, Booking, DayOff, Mode, SlotLength
from sessions.models.notes import (
    CounselingSession,
    FinalisedNoteError,
    NoteAddendum,
    SessionNote,
)

__all__ = [
    "AvailabilityRule",
    "Booking",
    "CounselingSession",
    "DayOff",
    "FinalisedNoteError",
    "Mode",
    "NoteAddendum",
    "SessionNote",
    "SlotLength",
]

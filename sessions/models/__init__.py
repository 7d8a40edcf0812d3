"""The models of the sessions app: sessions and notes, availability and bookings, and
the outbox that carries their notifications."""

from sessions.models.booking import AvailabilityRule, Booking, DayOff, Mode, SlotLength
from sessions.models.notes import (
    CounselingSession,
    FinalisedNoteError,
    NoteAddendum,
    SessionNote,
)
from sessions.models.outbox import OutboxMessage

__all__ = [
    "AvailabilityRule",
    "Booking",
    "CounselingSession",
    "DayOff",
    "FinalisedNoteError",
    "Mode",
    "NoteAddendum",
    "OutboxMessage",
    "SessionNote",
    "SlotLength",
]

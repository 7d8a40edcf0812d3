"""Booking notices, written inside the booking's transaction: a thin layer over
`counseling.notices`, which delivers them (inbox and e-mail) like every other notice."""

from django.conf import settings
from django.utils import timezone

from counseling import notices
from counseling.notices.kinds import REMINDERS
from counseling.notices.models import Notice

Kind = Notice.Kind


def queue(booking, kind, recipient, *, send_after=None) -> Notice:
    """Promise one notice about `booking` to `recipient`; e-mailed once committed."""
    return notices.notify(recipient, kind, booking=booking, send_after=send_after)


def cancel_pending(booking) -> int:
    """Withdraw the reminders of a booking that will not take place."""
    return notices.withdraw(booking=booking, kinds=REMINDERS)


def urgent_window_key(counselee, now=None) -> str:
    """The dedupe key of urgent alerts about one student in the current time window.

    Windows are aligned (for 30 minutes: hh:00 to hh:30 and hh:30 to the next hour), so
    a counselor gets at most one urgent alert per student per window, at most two in any
    span of that length, however many urgent requests the student sends.
    """
    now = now or timezone.now()
    minutes = settings.AMANAH_URGENT_ALERT_MINUTES
    window = int(now.timestamp() // (minutes * 60))
    return f"urgent:{counselee.public_id}:{minutes}m:{window}"


def alert_urgent(booking, counselors) -> list[Notice]:
    """Tell `counselors` of an urgent request, unless this window already did."""
    return notices.notify_all(
        counselors,
        Kind.URGENT_REQUEST,
        booking=booking,
        dedupe_key=urgent_window_key(booking.counselee),
    )

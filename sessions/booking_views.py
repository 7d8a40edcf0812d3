"""The student's booking pages, phone first, and the booking page both parties share.

Three screens from the entry to a request: choose a counselor (skipped when there is
only one), choose a free slot, confirm. Changes go through `sessions.bookings`; a refusal
is shown as the service's own message, never as an error page.
"""

import itertools
from urllib.parse import urlencode

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db import OperationalError, connection
from django.db.models import Exists, OuterRef
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_GET, require_http_methods

from consent import services as consent_services
from consent.views import CONSENT_LATER_KEY
from counseling import policy
from counseling.accounts import ratelimit
from counseling.audit.decorators import shows_confidential
from counseling.policy import Role
from sessions import availability, bookings
from sessions.forms import BookingForm, DeclineForm
from sessions.models import Booking, Mode

PAST_SHOWN = 20


def _consent_first(request):
    """Send a student who never accepted the document to it once, then back here.

    A student who accepted an earlier version books as before: the new version is asked
    for before her next session starts, not before she may book.
    """
    if request.session.get(CONSENT_LATER_KEY) or consent_services.has_ever_acknowledged(
        request.user
    ):
        return None
    return redirect(f"{reverse('consent')}?{urlencode({'next': request.get_full_path()})}")


def _sqlite_busy(error: OperationalError) -> bool:
    """SQLite's "database is locked", and nothing else.

    PostgreSQL's errors are real faults to report, not a queue to wait in: a deadlock
    says "blocked by process", which a test for the word "locked" would have hidden.
    """
    return connection.vendor == "sqlite" and str(error).startswith("database is locked")


def attempt(request, change, *limits):
    """Run a booking change within the user's rate `limits`; its result, or None with the
    reason shown as a message.

    SQLite answers "database is locked" when many students book at once even with
    immediate transactions; the change was rolled back, so the student may simply retry.
    """
    try:
        with ratelimit.limited(request.user, *limits):
            return change()
    except ValidationError as error:  # BookingRefused and RateLimited among them
        messages.error(request, " ".join(error.messages))
    except OperationalError as error:
        if not _sqlite_busy(error):
            raise
        messages.error(request, _("Banyak yang sedang memesan saat ini. Coba lagi sebentar."))
    return None


def _by_day(slots):
    return [
        (day, list(group))
        for day, group in itertools.groupby(slots, key=lambda s: timezone.localtime(s.start).date())
    ]


def _own_counselee(request):
    # A booking needs the record's id, not the guardian or background it would decrypt.
    counselee = policy.own_counselee(request.user, decrypt=False)
    if counselee is None:
        raise Http404
    return counselee


@require_GET
@policy.role_required(Role.STUDENT)
def choose_counselor(request):
    """Screen 1: the counselors this student may book."""
    if gate := _consent_first(request):
        return gate
    counselee = policy.own_counselee(request.user, decrypt=False)
    if counselee is not None and policy.is_restricted(counselee):
        messages.info(request, bookings.RESTRICTED)
        return redirect("my-data")
    counselors = list(policy.bookable_counselors_for(request.user))
    if len(counselors) == 1:
        return redirect("book-slots", username=counselors[0].username)
    return render(request, "sessions/book_counselor.html", {"counselors": counselors})


@require_GET
@policy.role_required(Role.STUDENT)
def choose_slot(request, username):
    """Screen 2: the counselor's free slots, by day. Taken slots are simply not there."""
    if gate := _consent_first(request):
        return gate
    counselor = policy.get_bookable_counselor_for(request.user, username)
    return render(
        request,
        "sessions/book_slots.html",
        {
            "counselor": counselor,
            "days": _by_day(availability.free_slots(counselor)),
            "several_counselors": policy.bookable_counselors_for(request.user).count() > 1,
        },
    )


@sensitive_post_parameters("topic")
@require_http_methods(["GET", "POST"])
@policy.role_required(Role.STUDENT)
def confirm_slot(request, username, slot_key):
    """Screen 3: an optional topic and the urgent flag, then the request is sent."""
    if gate := _consent_first(request):
        return gate
    counselor = policy.get_bookable_counselor_for(request.user, username)
    start = availability.parse_key(slot_key)
    if start is None:
        raise Http404
    slot = availability.find_free_slot(counselor, start)
    if slot is None:
        messages.error(request, _("Waktu ini sudah tidak tersedia. Pilih waktu lain."))
        return redirect("book-slots", username=counselor.username)
    form = BookingForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        limits = ("booking", "urgent") if form.cleaned_data["urgent"] else ("booking",)
        booking = attempt(
            request,
            lambda: bookings.book(
                _own_counselee(request), counselor, slot.start, by=request.user, **form.cleaned_data
            ),
            *limits,
        )
        if booking is not None:
            messages.success(
                request,
                _("Permintaanmu terkirim. Kamu akan diberi tahu setelah guru BK mengonfirmasi."),
            )
            return redirect("booking-detail", public_id=booking.public_id)
    return render(
        request,
        "sessions/book_confirm.html",
        {"counselor": counselor, "slot": slot, "mode_label": Mode(slot.mode).label, "form": form},
    )


@require_GET
@policy.role_required(Role.STUDENT)
def my_bookings(request):
    now = timezone.now()
    rows = policy.bookings_for(request.user).annotate(
        moved=Exists(Booking.objects.filter(rescheduled_from=OuterRef("pk")))
    )
    upcoming = rows.filter(status__in=Booking.ACTIVE, end__gt=now).order_by("start")
    past = rows.exclude(pk__in=upcoming.values("pk")).order_by("-start")[:PAST_SHOWN]
    return render(request, "sessions/my_bookings.html", {"upcoming": upcoming, "past": past})


@require_GET
@shows_confidential(policy.get_booking_for)
def booking_detail(request, booking, access):
    """The booking with its topic: for the student who made it and the counselor booked."""
    is_counselor = access.purpose != policy.Purpose.OWN
    requested = booking.status == Booking.Status.REQUESTED
    may_decline = requested and policy.may_decline(request.user, booking)
    offered = None
    if not is_counselor and booking.offered_start and booking.status == Booking.Status.DECLINED:
        offered = availability.find_free_slot(booking.counselor, booking.offered_start)
    return render(
        request,
        "sessions/booking_detail.html",
        {
            "booking": booking,
            "is_counselor": is_counselor,
            "may_change": policy.may_reschedule(request.user, booking)
            and booking.is_active
            and booking.start > timezone.now(),
            "may_confirm": requested and policy.may_confirm(request.user, booking),
            "decline_form": DeclineForm(slots=availability.free_slots(booking.counselor))
            if may_decline
            else None,
            "offered_slot": offered,
        },
    )


@require_http_methods(["GET", "POST"])
@policy.role_required(Role.STUDENT)
def cancel_booking(request, public_id):
    """Ask first, then cancel; after the cut-off the service refuses with its reason."""
    booking = policy.get_booking_for(request.user, public_id)
    if request.method == "POST":
        cancelled = attempt(request, lambda: bookings.cancel(booking, by=request.user), "cancel")
        if cancelled is not None:
            messages.success(request, _("Jadwal dibatalkan."))
            return redirect("my-bookings")
        return redirect("booking-detail", public_id=booking.public_id)
    return render(request, "sessions/booking_cancel.html", {"booking": booking})


@require_http_methods(["GET", "POST"])
@policy.role_required(Role.STUDENT)
def reschedule_booking(request, public_id):
    """The counselor's other free slots; choosing one asks to confirm the move first.

    The move itself is the POST from that confirmation: the old time is given up and the
    new one goes to the counselor as a request, even if the old one was confirmed.
    """
    booking = policy.get_booking_for(request.user, public_id)
    if not booking.is_active:
        messages.error(request, _("Pemesanan ini sudah tidak aktif."))
        return redirect("booking-detail", public_id=booking.public_id)
    chosen = request.POST.get("slot") if request.method == "POST" else request.GET.get("slot")
    if chosen is not None:
        start = availability.parse_key(chosen)
        slot = availability.find_free_slot(booking.counselor, start) if start else None
        if slot is None:
            messages.error(
                request, _("Waktu ini sudah tidak tersedia. Pilih waktu lain yang masih kosong.")
            )
            return redirect("booking-reschedule", public_id=booking.public_id)
        if request.method == "GET":
            return render(
                request,
                "sessions/booking_reschedule_confirm.html",
                {"booking": booking, "slot": slot},
            )
        # Moving a booking is a new request to the counselor, and an urgent one alerts
        # every counselor again.
        limits = ("booking", "urgent") if booking.urgent else ("booking",)
        move = lambda: bookings.reschedule(booking, slot.start, by=request.user)  # noqa: E731
        new = attempt(request, move, *limits)
        if new is not None:
            messages.success(
                request, _("Jadwal dipindahkan. Guru BK akan mengonfirmasi waktu yang baru.")
            )
            return redirect("booking-detail", public_id=new.public_id)
        return redirect("booking-reschedule", public_id=booking.public_id)
    if request.method == "POST":
        messages.error(request, _("Pilih salah satu waktu yang masih kosong."))
        return redirect("booking-reschedule", public_id=booking.public_id)
    return render(
        request,
        "sessions/booking_reschedule.html",
        {"booking": booking, "days": _by_day(availability.free_slots(booking.counselor))},
    )

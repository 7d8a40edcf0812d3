"""The counselor's side of booking: the request queue, confirm and decline, and the
page where they publish their hours and days off."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from counseling import policy
from counseling.audit.decorators import shows_confidential
from counseling.policy import Role
from sessions import availability, bookings, hours
from sessions.booking_views import attempt
from sessions.forms import DatedHoursForm, DayOffForm, DeclineForm, WeeklyHoursForm
from sessions.models import Booking


@require_GET
@policy.role_required(Role.COUNSELOR)
def booking_queue(request):
    """Requests waiting for an answer, urgent first, and the confirmed bookings to come.

    Whether a topic was given is shown, never the topic: that is on the booking page,
    where each look is logged.
    """
    requests = [
        {"booking": booking, "has_topic": bool(booking.topic)}
        for booking in policy.booking_requests_for(request.user)
    ]
    upcoming = (
        policy.bookings_for(request.user)
        .filter(status=Booking.Status.CONFIRMED, end__gt=timezone.now())
        .order_by("start")
        .defer("topic")
    )
    return render(
        request,
        "sessions/booking_queue.html",
        {
            "requests": requests,
            "urgent_elsewhere": policy.urgent_requests_for(request.user),
            "upcoming": upcoming,
        },
    )


@require_GET
@shows_confidential(policy.get_urgent_request_for)
def urgent_request(request, booking, _access):
    """An urgent request booked with someone else: when, which class, how long it has
    waited, and "Saya tangani"; the topic is read on the booking page once it is hers."""
    return render(
        request,
        "sessions/urgent_request.html",
        {
            "booking": booking,
            "waiting": timezone.now() - booking.created_at,
            "may_take": policy.may_take_urgent_request(request.user, booking),
        },
    )


@require_POST
@policy.role_required(Role.COUNSELOR)
def take_urgent_request(request, public_id):
    booking = policy.get_urgent_request_for(request.user, public_id)
    taken = attempt(request, lambda: bookings.take_urgent(booking, by=request.user))
    if taken is None:
        return redirect("urgent-request", public_id=booking.public_id)
    messages.success(request, _("Permintaan ini sekarang Anda tangani. Sesinya sudah terjadwal."))
    return redirect("booking-detail", public_id=taken.public_id)


@require_POST
@policy.role_required(Role.COUNSELOR)
def confirm_booking(request, public_id):
    booking = policy.get_booking_for(request.user, public_id)
    if attempt(request, lambda: bookings.confirm(booking, by=request.user)) is not None:
        messages.success(request, _("Dikonfirmasi. Sesinya sudah terjadwal."))
        return redirect("booking-queue")
    return redirect("booking-detail", public_id=booking.public_id)


@require_POST
@policy.role_required(Role.COUNSELOR)
def decline_booking(request, public_id):
    booking = policy.get_booking_for(request.user, public_id)
    form = DeclineForm(request.POST, slots=availability.free_slots(booking.counselor))
    if not form.is_valid():
        for errors in form.errors.values():
            messages.error(request, " ".join(errors))
        return redirect("booking-detail", public_id=booking.public_id)
    declined = attempt(
        request,
        lambda: bookings.decline(
            booking,
            form.cleaned_data["reason"],
            by=request.user,
            offered_start=form.cleaned_data["offer"],
        ),
    )
    if declined is not None:
        messages.success(request, _("Permintaan ditolak. Siswa diberi tahu alasannya."))
        return redirect("booking-queue")
    return redirect("booking-detail", public_id=booking.public_id)


def _hours_page(request, **forms):
    today = timezone.localdate()
    rules = policy.availability_rules_for(request.user)
    days_off = list(policy.days_off_for(request.user).filter(date__gte=today).order_by("date"))
    booked_days = _booked_days(request.user, [day_off.date for day_off in days_off])
    for day_off in days_off:
        day_off.booking_count = booked_days.get(day_off.date, 0)
    context = {
        "weekly": rules.filter(weekday__isnull=False).order_by("weekday", "start_time"),
        "dated": rules.filter(date__gte=today).order_by("date", "start_time"),
        "days_off": days_off,
        "weekly_form": WeeklyHoursForm(prefix="weekly"),
        "dated_form": DatedHoursForm(prefix="dated"),
        "day_off_form": DayOffForm(prefix="off"),
        **forms,
    }
    return render(request, "sessions/availability.html", context)


def _booked_days(counselor, days):
    """How many active bookings the counselor has on each of `days`, in one query."""
    if not days:
        return {}
    counts = {}
    starts = (
        policy.bookings_for(counselor)
        .filter(status__in=Booking.ACTIVE, start__date__in=days)
        .values_list("start", flat=True)
    )
    for start in starts:
        day = timezone.localtime(start).date()
        counts[day] = counts.get(day, 0) + 1
    return counts


@require_GET
@policy.role_required(Role.COUNSELOR)
def availability_page(request):
    return _hours_page(request)


def _add(request, form, form_name, change, done):
    if not form.is_valid():
        return _hours_page(request, **{form_name: form})
    try:
        change(form.cleaned_data)
    except ValidationError as error:
        form.add_error(None, error)
        return _hours_page(request, **{form_name: form})
    messages.success(request, done)
    return redirect("availability")


@require_POST
@policy.role_required(Role.COUNSELOR)
def add_weekly_hours(request):
    form = WeeklyHoursForm(request.POST, prefix="weekly")
    return _add(
        request,
        form,
        "weekly_form",
        lambda data: hours.add_hours(by=request.user, **data),
        _("Jam mingguan disimpan."),
    )


@require_POST
@policy.role_required(Role.COUNSELOR)
def add_dated_hours(request):
    form = DatedHoursForm(request.POST, prefix="dated")
    return _add(
        request,
        form,
        "dated_form",
        lambda data: hours.add_hours(by=request.user, **data),
        _("Jam tambahan disimpan."),
    )


@require_POST
@policy.role_required(Role.COUNSELOR)
def delete_hours(request, pk):
    hours.remove_hours(policy.get_availability_rule_for(request.user, pk), by=request.user)
    messages.success(request, _("Jam layanan dihapus. Jadwal yang sudah dipesan tetap berlaku."))
    return redirect("availability")


@require_POST
@policy.role_required(Role.COUNSELOR)
def add_day_off(request):
    """Block a day; if bookings were already made on it, list them and offer to cancel."""
    form = DayOffForm(request.POST, prefix="off")
    added = []
    response = _add(
        request,
        form,
        "day_off_form",
        lambda data: added.append(hours.add_day_off(data["date"], by=request.user)),
        _("Hari libur disimpan."),
    )
    if added and bookings.on_day(request.user, added[0].date).exists():
        return redirect("day-off-bookings", pk=added[0].pk)
    return response


@require_http_methods(["GET", "POST"])
@policy.role_required(Role.COUNSELOR)
def day_off_bookings(request, pk):
    """The bookings already made on a day off, and one button to cancel them all."""
    day_off = policy.get_day_off_for(request.user, pk)
    if request.method == "POST":
        count = bookings.cancel_on_day_off(day_off, by=request.user)
        messages.success(
            request,
            ngettext(
                "%(count)d jadwal dibatalkan. Siswanya diberi tahu.",
                "%(count)d jadwal dibatalkan. Setiap siswa diberi tahu.",
                count,
            )
            % {"count": count},
        )
        return redirect("availability")
    return render(
        request,
        "sessions/day_off_bookings.html",
        {
            "day_off": day_off,
            "bookings": bookings.on_day(request.user, day_off.date).defer("topic"),
        },
    )


@require_POST
@policy.role_required(Role.COUNSELOR)
def delete_day_off(request, pk):
    hours.remove_day_off(policy.get_day_off_for(request.user, pk), by=request.user)
    messages.success(request, _("Hari libur dihapus."))
    return redirect("availability")

"""A counselor's working hours: availability rules and days off.

Availability is about the counselor, not about any student, so these changes write no
access-log entry. Bookings already made keep their time when hours change or a day off
is added; the counselor cancels those one by one, so each student is told.
"""

import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import formats, timezone
from django.utils.translation import gettext as _

from counseling import policy
from counseling.accounts.models import User
from sessions.models import AvailabilityRule, DayOff, Mode, SlotLength

MAX_BUFFER_MINUTES = 60


@transaction.atomic
def add_hours(
    *,
    by: User,
    start_time: datetime.time,
    end_time: datetime.time,
    weekday: int | None = None,
    date: datetime.date | None = None,
    slot_minutes: int = SlotLength.MINUTES_45,
    buffer_minutes: int = 15,
    mode: str = Mode.FACE_TO_FACE,
    place: str = "",
) -> AvailabilityRule:
    """Publish hours of `by`: every week on `weekday`, or once on `date`.

    Hours that overlap hours she already has are refused with a message naming them.
    """
    # Her row first, as bookings lock it: two overlapping hours added at once queue here.
    User.objects.select_for_update().get(pk=by.pk)
    policy.require(policy.may_manage_hours(by))
    if (weekday is None) == (date is None):
        raise ValidationError(_("Pilih hari dalam seminggu atau satu tanggal, bukan keduanya."))
    if end_time <= start_time:
        raise ValidationError(_("Jam selesai harus setelah jam mulai."))
    if slot_minutes not in SlotLength.values:
        raise ValidationError(_("Lama sesi harus 30, 45 atau 60 menit."))
    if not 0 <= buffer_minutes <= MAX_BUFFER_MINUTES:
        raise ValidationError(
            _("Jeda antar sesi antara 0 dan %(max)d menit.") % {"max": MAX_BUFFER_MINUTES}
        )
    day = date or datetime.date(2000, 1, 3)  # any date: only the length of the hours matters
    length = datetime.datetime.combine(day, end_time) - datetime.datetime.combine(day, start_time)
    if length < datetime.timedelta(minutes=slot_minutes):
        raise ValidationError(_("Jam layanan ini lebih pendek dari satu sesi."))
    clash = overlapping_hours(by, start_time, end_time, weekday=weekday, date=date)
    if clash is not None:
        raise ValidationError(
            _(
                "Jam ini bertumpuk dengan jam layanan yang sudah ada: %(clash)s. Ubah jamnya, "
                "atau hapus jam yang lama dulu."
            )
            % {"clash": describe(clash)}
        )
    return AvailabilityRule.objects.create(
        counselor=by,
        weekday=weekday,
        date=date,
        start_time=start_time,
        end_time=end_time,
        slot_minutes=slot_minutes,
        buffer_minutes=buffer_minutes,
        mode=mode,
        place=place.strip(),
    )


def describe(rule: AvailabilityRule) -> str:
    """'Senin, 08:00-12:00' (with an en dash) or the date and times, in the current language."""
    times = f"{rule.start_time:%H:%M}\u2013{rule.end_time:%H:%M}"
    if rule.date is None:
        return f"{AvailabilityRule.Weekday(int(rule.weekday or 0)).label}, {times}"
    return f"{formats.date_format(rule.date, 'l, j F Y')}, {times}"


def overlapping_hours(
    counselor: User,
    start_time: datetime.time,
    end_time: datetime.time,
    *,
    weekday: int | None = None,
    date: datetime.date | None = None,
) -> AvailabilityRule | None:
    """The first of the counselor's hours that overlaps the given ones, if any.

    Weekly hours on a weekday and hours on a date that falls on it overlap too: both
    would offer their slots that day, and students would see each time twice.
    Back-to-back hours (one ends at 10:00, the next starts at 10:00) do not overlap.
    """
    rules = AvailabilityRule.objects.filter(
        counselor=counselor, start_time__lt=end_time, end_time__gt=start_time
    )
    if date is not None:
        same_day = Q(date=date) | Q(weekday=date.weekday())
    else:
        same_day = Q(weekday=weekday)
        for rule in rules.filter(date__gte=timezone.localdate()):
            if rule.date is not None and rule.date.weekday() == weekday:
                return rule
    return rules.filter(same_day).order_by("date", "weekday", "start_time").first()


@transaction.atomic
def remove_hours(rule: AvailabilityRule, *, by: User) -> None:
    policy.require(policy.may_change_hours(by, rule), rule)
    rule.delete()


@transaction.atomic
def add_day_off(date: datetime.date, *, by: User) -> DayOff:
    """Block a whole day; a day already blocked is refused with a message."""
    policy.require(policy.may_manage_hours(by))
    day_off, created = DayOff.objects.get_or_create(counselor=by, date=date)
    if not created:
        raise ValidationError(_("Tanggal ini sudah menjadi hari libur."))
    return day_off


@transaction.atomic
def remove_day_off(day_off: DayOff, *, by: User) -> None:
    policy.require(policy.may_change_hours(by, day_off), day_off)
    day_off.delete()

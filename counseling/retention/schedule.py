"""When a counselee's records fall due for erasure: `AMANAH_RETENTION_YEARS` after she
graduated, moved or left, unless a legal hold pauses it."""

import datetime

from django.conf import settings
from django.db.models import Exists, OuterRef, Q, QuerySet
from django.utils import timezone

from counseling.records.models import Counselee
from counseling.retention.models import Erasure, LegalHold, SchoolStatus


def add_years(day: datetime.date, years: int) -> datetime.date:
    try:
        return day.replace(year=day.year + years)
    except ValueError:  # 29 February in a year without one
        return day.replace(year=day.year + years, day=28)


def due_on(left_on: datetime.date) -> datetime.date:
    """The day records of a student who left on `left_on` are erased."""
    return add_years(left_on, settings.AMANAH_RETENTION_YEARS)


def pausing_holds(now: datetime.datetime | None = None) -> QuerySet[LegalHold]:
    """Holds that stop erasure now: confirmed and not released, or asked for recently
    enough that the second person may still confirm them."""
    now = now or timezone.now()
    recent = now - datetime.timedelta(days=settings.AMANAH_LEGAL_HOLD_CONFIRM_DAYS)
    return LegalHold.objects.filter(released_at__isnull=True).filter(
        Q(confirmed_at__isnull=False) | Q(requested_at__gte=recent)
    )


def _on_hold(now: datetime.datetime | None = None) -> Exists:
    return Exists(pausing_holds(now).filter(counselee=OuterRef("pk")))


def due_by(day: datetime.date, now: datetime.datetime | None = None) -> QuerySet[Counselee]:
    """Counselees whose erasure date is on or before `day`, not erased and not on hold.

    The erasure date is `due_on(since)`, but never sooner than the notice period after
    the status was set.

    Directory data only: their encrypted fields are deferred.
    """
    latest_left_on = add_years(day, -settings.AMANAH_RETENTION_YEARS)
    # A status set late, with a date long past, still gives her the notice period first.
    notice = datetime.timedelta(days=settings.AMANAH_RETENTION_NOTICE_DAYS)
    left = SchoolStatus.objects.exclude(status=SchoolStatus.Status.ACTIVE).filter(
        since__lte=latest_left_on, set_at__date__lte=day - notice
    )
    return (
        Counselee.objects.select_related("user", "school_status")
        .defer("guardian_name", "guardian_phone", "background_notes")
        .filter(pk__in=left.values("counselee_id"))
        .exclude(Exists(Erasure.objects.filter(counselee=OuterRef("pk"))))
        .exclude(_on_hold(now))
    )


def due_soon(today: datetime.date | None = None) -> QuerySet[Counselee]:
    """Counselees to be erased within `AMANAH_RETENTION_NOTICE_DAYS`: the list that
    her counselor and the admin see, and the students told to ask for a copy."""
    today = today or timezone.localdate()
    return due_by(today + datetime.timedelta(days=settings.AMANAH_RETENTION_NOTICE_DAYS))


def is_erased(counselee: Counselee) -> bool:
    return Erasure.objects.filter(counselee=counselee).exists()

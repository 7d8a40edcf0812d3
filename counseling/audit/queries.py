"""Filtering and summarising the access log for the admin pages."""

import datetime

from django.db.models import Count, Q
from django.db.models.functions import TruncDate
from django.utils import timezone

from counseling.accounts.models import User
from counseling.audit import describe
from counseling.audit.models import FLAGGED_ACTIONS, AccessEvent
from counseling.records.models import Counselee

PAGE_SIZE = 50
CHART_DAYS = 30

FLAG_FILTERS = {
    "flagged": Q(emergency_access__isnull=False)
    | Q(after_hours=True)
    | Q(action__in=FLAGGED_ACTIONS),
    "emergency": Q(emergency_access__isnull=False),
    "denied": Q(action=AccessEvent.Action.DENIED),
    "disclose": Q(action=AccessEvent.Action.DISCLOSE),
    "after_hours": Q(after_hours=True),
}


def _local_midnight(day: datetime.date) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time.min))


def named_counselee(filters: dict) -> Counselee | None:
    """The counselee a NIS filter names, by her id alone: nothing of her record is read,
    so nothing is decrypted inside an admin's request."""
    nis = (filters.get("nis") or "").strip()
    return Counselee.objects.only("pk").filter(nis=nis).order_by("pk").first() if nis else None


_LOOK_UP = object()


def filter_events(events, filters: dict, counselee=_LOOK_UP):
    """Narrow `events` by the cleaned AuditFilterForm data.

    A counselee or an actor is looked up first and the log filtered by their id: with the
    id known, PostgreSQL walks the (counselee, id) or (actor, id) index backwards and stops
    after one page. Filtered through a join, it cannot know how many entries one person
    has, and at millions of entries it sorted all of a counselor's entries for each page.
    A caller that looked the NIS up already (`named_counselee`) passes its `counselee`.
    """
    if filters.get("nis"):
        if counselee is _LOOK_UP:
            counselee = named_counselee(filters)
        events = events.filter(counselee_id=counselee.pk) if counselee else events.none()
    if filters.get("actor"):
        actors = matching_actors(filters["actor"])
        events = events.filter(actor_id__in=actors) if actors else events.none()
    if filters.get("action"):
        events = events.filter(action=filters["action"])
    if filters.get("flag"):
        events = events.filter(FLAG_FILTERS[filters["flag"]])
    start = _local_midnight(filters["date_from"]) if filters.get("date_from") else None
    end = None
    if filters.get("date_to"):
        end = _local_midnight(filters["date_to"] + datetime.timedelta(days=1))
    return within(events, start, end)


ACTORS_MATCHED = 20


def matching_actors(text: str) -> list[int]:
    """The ids of the people an actor filter names: the one whose username it is, else
    up to ACTORS_MATCHED whose full name contains it (names are plain directory data)."""
    text = " ".join(text.split())
    exact = User.objects.filter(username=text).values_list("pk", flat=True).first()
    if exact is not None:
        return [exact]
    return list(
        User.objects.filter(full_name__icontains=text)
        .order_by("pk")
        .values_list("pk", flat=True)[:ACTORS_MATCHED]
    )


def within(events, start, end):
    """`events` with `start <= occurred_at < end` (either may be None).

    The time bounds are also turned into id bounds: entries' times never decrease with
    their ids (`log.record` sees to it), so the entries of a period are one run of ids,
    found at both ends through the occurred_at index. Without the id bounds PostgreSQL
    walks the primary key back from the newest entry to reach an old day, which at
    millions of entries took seconds.
    """
    ids = AccessEvent.objects.values_list("id", flat=True)
    if start is not None:
        events = events.filter(occurred_at__gte=start)
        first = ids.filter(occurred_at__gte=start).order_by("occurred_at", "id").first()
        events = events.filter(id__gte=first) if first is not None else events.none()
    if end is not None:
        events = events.filter(occurred_at__lt=end)
        last = ids.filter(occurred_at__lt=end).order_by("-occurred_at", "-id").first()
        events = events.filter(id__lte=last) if last is not None else events.none()
    return events


def keyset_page(events, before: int | None):
    """One page of events, newest first, and the id to continue from (or None).

    Keyset pagination: the page after never counts or skips rows, so it stays fast
    however deep it goes.
    """
    if before is not None:
        events = events.filter(id__lt=before)
    # The page's ids first, in a subquery without the joins of select_related: otherwise
    # PostgreSQL, misjudging how many entries a filter keeps, may join every matching
    # entry (a whole day's, tens of thousands) before it sorts and keeps fifty.
    page_ids = events.order_by("-id").values("id")[: PAGE_SIZE + 1]
    rows = list(events.filter(id__in=page_ids).order_by("-id"))
    more = len(rows) > PAGE_SIZE
    rows = rows[:PAGE_SIZE]
    return rows, rows[-1].id if more else None


def with_labels(events: list) -> list:
    """Set `action_label`, `purpose_label`, `role_label` and `object_label` on each event.

    The labels are translated once per page: `get_action_display()` rebuilds the choices
    and translates again for every row, a fifth of the page's time at fifty rows.
    """
    actions = {value: str(label) for value, label in AccessEvent.Action.choices}
    purposes = {value: str(label) for value, label in AccessEvent.Purpose.choices}
    roles = {value: str(label) for value, label in User.Role.choices}
    objects = {}
    for event in events:
        event.action_label = actions.get(event.action, event.action)
        event.purpose_label = purposes.get(event.purpose, event.purpose)
        event.role_label = roles.get(event.actor_role, event.actor_role)
        if event.object_type not in objects:
            objects[event.object_type] = describe.object_label(event.object_type)
        event.object_label = objects[event.object_type]
    return events


def daily_counts(events, filters: dict) -> list[dict]:
    """Events per local day over the filtered range (the last CHART_DAYS days by default),
    with bar geometry for a server-rendered SVG chart."""
    today = timezone.localdate()
    last = min(filters.get("date_to") or today, today)
    first = filters.get("date_from") or last - datetime.timedelta(days=CHART_DAYS - 1)
    first = max(first, last - datetime.timedelta(days=CHART_DAYS * 3))
    if first > last:
        return []  # a range wholly in the future
    counts = dict(
        within(events, _local_midnight(first), _local_midnight(last + datetime.timedelta(days=1)))
        .annotate(day=TruncDate("occurred_at", tzinfo=timezone.get_current_timezone()))
        .values("day")
        .annotate(n=Count("id"))
        .values_list("day", "n")
    )
    days = [first + datetime.timedelta(days=i) for i in range((last - first).days + 1)]
    peak = max(counts.values(), default=0) or 1
    width = 100 / len(days)
    return [
        {
            "day": day,
            "count": counts.get(day, 0),
            "x": round(i * width, 3),
            "width": round(width * 0.8, 3),
            "height": round(counts.get(day, 0) / peak * 100, 3),
            "y": round(100 - counts.get(day, 0) / peak * 100, 3),
        }
        for i, day in enumerate(days)
    ]

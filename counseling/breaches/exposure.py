"""Which students a breach exposed, computed from the access log.

An access-log entry exposes a student's data when it records that her data was shown or
handed to someone, and names her (`counselee`). Those actions are `EXPOSING_ACTIONS`:

- `view`: a page with her data was shown (her record, a session, a note, her log...);
- `export`: her data left Amanah as a file (a letter, the access log as CSV);
- `disclose`: her counselor shared what she said outside the counseling relationship;
- `emergency_access`: a counselor not on her case broke the glass to her record;
- `copy_downloaded`: her own copy of her records was downloaded.

Not counted: denied attempts (nothing was shown), logins, logouts and other account
events (no student's data), and changes (`create`, `update`, `finalise`, ...), which
record what was written, not to whom it was shown; the views around a change are logged
as views. An entry without a counselee exposes nobody it could name.

The breach's scope selects the entries: those by one account (`Scope.ACCOUNT`), all of
them (`Scope.WINDOW`), or those about one record (`Scope.RECORD`: a student, or an
`object_type`/`object_id` pair as the log writes it); always within the window from
`occurred_from` to `occurred_to`, both included.
"""

from dataclasses import dataclass
from datetime import datetime

from django.db.models import Count, Max, Min, QuerySet

from counseling.audit.models import AccessEvent
from counseling.breaches.models import Breach

Action = AccessEvent.Action

EXPOSING_ACTIONS = frozenset(
    {
        Action.VIEW,
        Action.EXPORT,
        Action.DISCLOSE,
        Action.EMERGENCY_ACCESS,
        Action.COPY_DOWNLOADED,
    }
)


@dataclass(frozen=True)
class Exposed:
    counselee_id: int
    events: int
    first_seen: datetime
    last_seen: datetime
    object_types: tuple[str, ...]


def _id_range(start: datetime, end: datetime) -> tuple[int, int] | None:
    """The first and last entry ids within [start, end], or None when there is none.

    The log's ids follow its times (`log.record` never writes an entry earlier than the
    one before), so a window of time is a range of ids: two lookups on the time index,
    then the (actor, id), (counselee, id) or (action, id) index walks only that range,
    whatever the size of the log.
    """
    events = AccessEvent.objects.filter(occurred_at__gte=start, occurred_at__lte=end)
    first = events.order_by("occurred_at", "id").values_list("id", flat=True).first()
    if first is None:
        return None
    last = events.order_by("-occurred_at", "-id").values_list("id", flat=True).first()
    assert last is not None
    return first, last


def exposing_events(breach: Breach) -> QuerySet[AccessEvent]:
    """The access-log entries that exposed a student's data within the breach's scope."""
    ids = _id_range(breach.occurred_from, breach.occurred_to)
    if ids is None:
        return AccessEvent.objects.none()
    events = AccessEvent.objects.filter(
        id__gte=ids[0],
        id__lte=ids[1],
        action__in=sorted(EXPOSING_ACTIONS),
        counselee__isnull=False,
    )
    if breach.scope == Breach.Scope.ACCOUNT:
        return events.filter(actor_id=breach.scope_account_id)
    if breach.scope == Breach.Scope.RECORD:
        if breach.scope_counselee_id is not None:
            return events.filter(counselee_id=breach.scope_counselee_id)
        return events.filter(object_type=breach.scope_object_type, object_id=breach.scope_object_id)
    return events


def compute(breach: Breach) -> list[Exposed]:
    """One row per exposed student: how many entries, the first and last, and the kinds
    of record they named; in the order of her first exposure."""
    events = exposing_events(breach)
    per_student = (
        events.values("counselee_id")
        .annotate(n=Count("id"), first=Min("occurred_at"), last=Max("occurred_at"))
        .order_by("first", "counselee_id")
    )
    kinds: dict[int, set[str]] = {}
    for counselee_id, object_type in events.values_list("counselee_id", "object_type").distinct():
        kinds.setdefault(counselee_id, set()).add(object_type)
    return [
        Exposed(
            counselee_id=row["counselee_id"],
            events=row["n"],
            first_seen=row["first"],
            last_seen=row["last"],
            object_types=tuple(sorted(kinds.get(row["counselee_id"], ()))),
        )
        for row in per_student
    ]

"""The 3 x 24-hour clock of every open request: reminders to whoever must answer.

Run by beat every quarter of an hour. A request due within `REMIND_BEFORE` reminds its
handlers once; a request past its deadline reminds them once a day until it is closed.
The dedupe keys make a second run in the same window write nothing.
"""

import datetime

from django.db import transaction
from django.utils import timezone

from counseling import notices
from counseling.notices.models import Notice
from counseling.rights import services
from counseling.rights.models import DataRequest

REMIND_BEFORE = datetime.timedelta(hours=24)


@transaction.atomic
def remind(now: datetime.datetime | None = None) -> int:
    """Write the reminders that are due; return how many notices were written."""
    now = now or timezone.now()
    written = 0
    open_requests = (
        DataRequest.objects.open()
        .filter(due_at__lte=now + REMIND_BEFORE)
        .select_related("counselee")
        .defer("details", "proposed", "answer")
    )
    for data_request in open_requests:
        if data_request.due_at > now:
            key = f"data-request-due:{data_request.public_id}"
        else:
            key = f"data-request-overdue:{data_request.public_id}:{timezone.localdate(now)}"
        written += len(
            notices.notify_all(
                services.handlers_of(data_request),
                Notice.Kind.DATA_REQUEST_DUE,
                about=data_request,
                dedupe_key=key,
            )
        )
    return written

"""Before her records are erased, a counselee is offered a copy and her counselor is told.

Run nightly with the erasure: every counselee due within `AMANAH_RETENTION_NOTICE_DAYS`
gets one notice (in-app inbox, and e-mail if she has an address), her active counselors
another. The dedupe key carries the due date, so each is sent once per date.
"""

from django.db import transaction

from counseling import notices
from counseling.notices.models import Notice
from counseling.records.models import CaseAssignment
from counseling.retention import schedule


@transaction.atomic
def notify_due_soon() -> int:
    """Write the notices for counselees due soon; return how many were written."""
    written = 0
    for counselee in schedule.due_soon():
        due_on = schedule.due_on(counselee.school_status.since)
        key = f"retention-due:{counselee.public_id}:{due_on.isoformat()}"
        if counselee.user.is_active and notices.notify(
            counselee.user, Notice.Kind.RETENTION_DUE, about=counselee, dedupe_key=key
        ):
            written += 1
        counselors = [
            a.counselor
            for a in CaseAssignment.objects.active()
            .filter(counselee=counselee)
            .select_related("counselor")
        ]
        for counselor in counselors:
            if notices.notify(
                counselor,
                Notice.Kind.RETENTION_DUE_STAFF,
                about=counselee,
                dedupe_key=f"{key}:{counselor.pk}",
            ):
                written += 1
    return written

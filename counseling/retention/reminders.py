"""Before her records are erased, a counselee is offered a copy and her counselor is told;
a legal hold a year old is put before the admins for its review.

Run nightly with the erasure: every counselee due within `AMANAH_RETENTION_NOTICE_DAYS`
gets one notice (in-app inbox, and e-mail if she has an address), her active counselors
another. The dedupe key carries the due date, so each is sent once per date.
"""

import datetime

from django.db import transaction

from counseling import notices
from counseling.notices.models import Notice
from counseling.records.models import CaseAssignment
from counseling.retention import schedule, services


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


@transaction.atomic
def remind_hold_reviews(today: datetime.date | None = None) -> int:
    """A confirmed hold a year old: every admin is told once per review date, until one
    of them reviews it (another year) or releases it. No name, no reason."""
    written = 0
    admins = list(notices.admins())
    for hold in services.holds_due_for_review(today).only("pk", "public_id", "review_due"):
        written += len(
            notices.notify_all(
                admins,
                Notice.Kind.LEGAL_HOLD_REVIEW,
                about=hold,
                dedupe_key=f"legal-hold-review:{hold.public_id}:{hold.review_due}",
            )
        )
    return written

"""Amanah's one way to tell a person something: a notice.

Every message to a person (booking e-mails and reminders, alerts to admins and
counselors, and whatever comes later) is one `Notice` row, written by `notify` inside
the transaction of its cause: the change and its notices commit or roll back together.
Each notice reaches its recipient on every channel she has: the in-app inbox always
(the unread count is in the header of every page), and e-mail when she has an address,
rendered in her language. Both say only that something happened and where to look:
a notice stores a kind, a booking, the public id of what it is about, never text.

Writing a notice::

    from counseling import notices
    from counseling.notices.models import Notice

    notices.notify(counselor, Notice.Kind.CASE_ENDED, dedupe_key=f"case-ended:{pk}")
    notices.notify_all(notices.admins(), Notice.Kind.EMERGENCY_ACCESS, about=access)

A new kind needs: a `Notice.Kind` value, a headline, a link and an e-mail template in
`counseling/notices/kinds.py`, and its context in `counseling/notices/delivery.py`.

Delivery is at least once and normally exactly once (see `delivery` and `publishing`):
an e-mail is sent within seconds of the commit, retried with a back-off when the mail
server fails, and re-offered within a minute when a worker dies in the middle.

These functions import the models lazily, so that `counseling.notices` can be named in
INSTALLED_APPS and imported anywhere.
"""

import datetime
import uuid
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from django.db.models import QuerySet

    from counseling.accounts.models import User


def _about_id(about) -> str:
    if about is None:
        return ""
    return str(getattr(about, "public_id", about))


def _rows(recipients, kind, about, booking, send_after, dedupe_key):
    from django.utils import timezone

    from counseling.notices.models import Notice

    now = timezone.now()
    send_after = send_after or now
    return [
        Notice(
            public_id=uuid.uuid4(),
            recipient=recipient,
            kind=kind,
            booking=booking,
            about=_about_id(about),
            dedupe_key=dedupe_key or "",
            send_after=send_after,
            next_attempt_at=send_after,
            created_at=now,
        )
        for recipient in recipients
    ]


def notify_all(
    recipients,
    kind,
    *,
    about=None,
    booking=None,
    send_after: datetime.datetime | None = None,
    dedupe_key: str | None = None,
) -> list:
    """Write one notice of `kind` to each of `recipients`, in the caller's transaction.

    - `about`: what the notice is about, an object with a `public_id` (a disclosure, an
      emergency access) or a public id itself; the inbox and e-mail link to it.
    - `booking`: the booking a booking notice is about (for the .ics file and the
      reminder checks).
    - `send_after`: not before this moment (a reminder); it appears in the inbox then too.
    - `dedupe_key`: at most one notice per recipient and key, ever. A recipient who
      already has one gets nothing new (a reminder sent once; an alert held back for a
      while by putting the time window in the key).

    Returns the notices written (those held back by the key are not). E-mail goes out
    after the transaction commits; nothing is sent if it rolls back.
    """
    from django.utils import timezone

    from counseling.notices import publishing
    from counseling.notices.models import Notice

    rows = _rows(recipients, kind, about, booking, send_after, dedupe_key)
    if not rows:
        return []
    if not dedupe_key:
        written = Notice.objects.bulk_create(rows)
    else:
        # One INSERT that skips recipients who already hold the key, on both databases;
        # the public ids tell which rows it wrote.
        Notice.objects.bulk_create(rows, ignore_conflicts=True)
        written = list(Notice.objects.filter(public_id__in=[row.public_id for row in rows]))
    due_now = [notice.pk for notice in written if notice.send_after <= timezone.now()]
    publishing.publish_after_commit(due_now)
    return written


def notify(
    recipient,
    kind,
    *,
    about=None,
    booking=None,
    send_after: datetime.datetime | None = None,
    dedupe_key: str | None = None,
):
    """Write one notice to `recipient` (see `notify_all`). Returns it, or None when the
    recipient already has a notice with `dedupe_key`."""
    written = notify_all(
        [recipient],
        kind,
        about=about,
        booking=booking,
        send_after=send_after,
        dedupe_key=dedupe_key,
    )
    return written[0] if written else None


def withdraw(*, booking, kinds) -> int:
    """Withdraw the notices of `kinds` about `booking` not yet delivered (the reminders
    of a session that will not take place). Returns how many."""
    from django.utils import timezone

    from counseling.notices.models import Notice

    return Notice.objects.filter(
        booking=booking,
        kind__in=list(kinds),
        email_status=Notice.EmailStatus.PENDING,
        cancelled_at__isnull=True,
    ).update(cancelled_at=timezone.now(), email_status=Notice.EmailStatus.CANCELLED)


def admins() -> "QuerySet[User]":
    """Who receives the alerts meant for the school's admins: every active admin."""
    from counseling import policy

    return policy.alerted_admins()


def unread_count(user) -> int:
    """How many of `user`'s notices she has not read yet: one indexed COUNT."""
    from counseling import policy

    return policy.notices_for(user).filter(read_at__isnull=True).count()


def mark_read(notice) -> None:
    from django.utils import timezone

    from counseling.notices.models import Notice

    Notice.objects.filter(pk=notice.pk, read_at__isnull=True).update(read_at=timezone.now())


def mark_all_read(user) -> int:
    from django.utils import timezone

    from counseling import policy

    return policy.notices_for(user).filter(read_at__isnull=True).update(read_at=timezone.now())

"""The e-mail channel: claim a notice, send it once, and back off when sending fails.

`deliver(notice_id)` is the body of the delivery task. It claims the row with one
conditional UPDATE, so of any number of copies of the task (a retry, a redelivery, the
re-queue) exactly one sends. A claim is held for `CLAIM_TIMEOUT`; the task's time limits
end a send well before that, so a claim older than the timeout belongs to a worker that
died, and the re-queue offers the notice again. A send that fails releases the claim at
once and sets the next attempt after an exponential back-off; the failure's class (and
SMTP code) is kept in `last_error`, never what the message said.
"""

import datetime
import logging
import smtplib

from celery import shared_task
from django.conf import settings
from django.core.mail import EmailMessage
from django.db.models import F, Q
from django.template.loader import render_to_string
from django.utils import timezone, translation

from counseling.notices import kinds
from counseling.notices.models import Notice

logger = logging.getLogger("amanah.notices")

Status = Notice.EmailStatus

# One SMTP conversation is a handful of socket operations, each bounded by EMAIL_TIMEOUT.
# The soft limit interrupts a send that still drags on (the failure is then recorded);
# the hard limit kills the process if even that does not return. A claim outlives both,
# so a notice is never offered again while its first send may still be running.
SOFT_TIME_LIMIT = 2 * settings.EMAIL_TIMEOUT
TIME_LIMIT = SOFT_TIME_LIMIT + 5
CLAIM_TIMEOUT = datetime.timedelta(seconds=TIME_LIMIT + 5)

# Back-off after the n-th failed attempt: 30 s, 1, 2, 4 ... minutes, at most an hour;
# after MAX_ATTEMPTS the e-mail is given up (the notice stays in the inbox).
FIRST_BACKOFF = datetime.timedelta(seconds=30)
MAX_BACKOFF = datetime.timedelta(hours=1)
MAX_ATTEMPTS = 12


def backoff(attempts: int) -> datetime.timedelta:
    """How long to wait after the `attempts`-th failed attempt."""
    return min(FIRST_BACKOFF * 2 ** max(attempts - 1, 0), MAX_BACKOFF)


def claimable(now):
    """Notices whose e-mail is due and that no living worker holds."""
    return Notice.objects.filter(
        Q(claimed_at__isnull=True) | Q(claimed_at__lt=now - CLAIM_TIMEOUT),
        email_status=Status.PENDING,
        next_attempt_at__lte=now,
    )


def error_summary(error: BaseException) -> str:
    """The class of a failure and its SMTP code: enough to act on, nothing of the text.

    SMTP replies can quote the recipient's address or the message back; they are not kept.
    """
    summary = type(error).__name__
    code = getattr(error, "smtp_code", None)
    if isinstance(error, smtplib.SMTPRecipientsRefused):
        codes = sorted({str(reply[0]) for reply in error.recipients.values()})
        code = ",".join(codes) or None
    return f"{summary} {code}" if code else summary


def _outdated(notice, now) -> bool:
    """A reminder for a session that will not take place, or has already begun; an
    enrolment link that was used or replaced, or has expired."""
    if notice.kind == Notice.Kind.ENROLMENT_LINK:
        from counseling.accounts.models import EnrolmentLink

        return not EnrolmentLink.objects.valid().filter(pk=notice.about).exists()
    if notice.kind not in kinds.REMINDERS:
        return False
    booking = notice.booking
    return booking.status != booking.Status.CONFIRMED or booking.start <= now


def deliver(notice_id: int) -> bool:
    """Send the e-mail of one notice if it is due and unclaimed. True if it was sent."""
    now = timezone.now()
    claimed = claimable(now).filter(pk=notice_id).update(claimed_at=now, attempts=F("attempts") + 1)
    if not claimed:
        return False
    notice = Notice.objects.with_booking().select_related("recipient").get(pk=notice_id)
    mine = Notice.objects.filter(pk=notice_id, email_status=Status.PENDING, claimed_at=now)
    if _outdated(notice, now):
        # Normally withdrawn when the booking changed; this catches a reminder that came
        # due while the worker or beat was down, so nobody is reminded of a past session.
        mine.update(email_status=Status.CANCELLED, cancelled_at=now, claimed_at=None)
        return False
    if not notice.recipient.email:
        # The inbox has it; the e-mail went nowhere and is never called sent.
        mine.update(email_status=Status.NO_ADDRESS, claimed_at=None)
        logger.info("notice %s: recipient has no e-mail address; inbox only", notice_id)
        return False
    try:
        send(notice)
    except Exception as error:  # any failure of rendering or SMTP: record, back off
        _failed(notice, mine, error)
        return False
    mine.update(email_status=Status.SENT, sent_at=timezone.now(), claimed_at=None)
    return True


def _failed(notice, mine, error) -> None:
    summary = error_summary(error)
    if notice.attempts >= MAX_ATTEMPTS:
        mine.update(email_status=Status.FAILED, last_error=summary, claimed_at=None)
        logger.error(
            "notice %s: e-mail given up after %s attempts: %s",
            notice.pk,
            notice.attempts,
            summary,
        )
        return
    retry_at = timezone.now() + backoff(notice.attempts)
    mine.update(last_error=summary, claimed_at=None, next_attempt_at=retry_at, queued_at=None)
    logger.warning(
        "notice %s: e-mail attempt %s failed (%s); next at %s",
        notice.pk,
        notice.attempts,
        summary,
        retry_at.isoformat(timespec="seconds"),
    )


def _context(notice) -> dict:
    context = {
        "site_url": settings.AMANAH_SITE_URL,
        "headline": kinds.headline(notice),
        "kind": notice.kind,
        "link": kinds.link(notice),
        "notice": notice,
    }
    if notice.kind in kinds.BOOKING_KINDS:
        context["booking"] = notice.booking
        context["for_counselor"] = kinds.for_counselor(notice)
    elif notice.kind in (Notice.Kind.DISCLOSURE_RECORDED, Notice.Kind.DISCLOSURE_REMINDER):
        from consent.models import Disclosure

        # Only what the e-mail shows: the encrypted fields are never read here.
        context["disclosure"] = (
            Disclosure.objects.select_related("counselor")
            .only("public_id", "reason", "disclosed_at", "counselor__full_name")
            .get(public_id=notice.about)
        )
    elif notice.kind == Notice.Kind.EMERGENCY_ACCESS:
        from counseling.audit.models import EmergencyAccess

        context["access"] = (
            EmergencyAccess.objects.select_related("counselor")
            .only("public_id", "granted_at", "counselor__full_name")
            .get(public_id=notice.about)
        )
    elif notice.kind == Notice.Kind.AUDIT_CHAIN_BROKEN:
        context["entry_id"] = notice.about
    elif notice.kind == Notice.Kind.AUDIT_CHECKPOINT:
        from counseling.audit.models import AuditCheckpoint

        # The outside copy of the log's head: hashes and counts, never an entry's content.
        context["checkpoint"] = AuditCheckpoint.objects.get(pk=notice.about)
    elif notice.kind == Notice.Kind.ENROLMENT_LINK:
        from counseling.accounts.models import EnrolmentLink

        enrolment_link = EnrolmentLink.objects.get(pk=notice.about)
        context["enrolment_link"] = enrolment_link
        # The token is drawn now, for this e-mail alone; nothing else ever holds it.
        context["url"] = settings.AMANAH_SITE_URL + enrolment_link.path_for(enrolment_link.mint())
    return context


def _attachments(notice) -> list:
    from sessions import ics

    if notice.kind not in kinds.WITH_CALENDAR:
        return []
    cancelled = notice.kind in kinds.CALENDAR_CANCELS
    calendar = ics.calendar(notice.booking, cancelled=cancelled)
    return [("sesi-konseling.ics", calendar, "text/calendar")]


def render(notice) -> EmailMessage:
    """The e-mail of a notice, in its recipient's language."""
    template = kinds.EMAIL_TEMPLATES[notice.kind]
    with translation.override(notice.recipient.language or settings.LANGUAGE_CODE):
        context = _context(notice)
        subject = render_to_string(f"emails/{template}-subject.txt", context).strip()
        body = render_to_string(f"emails/{template}-body.txt", context)
        attachments = _attachments(notice)
    message = EmailMessage(" ".join(subject.split()), body, to=[notice.recipient.email])
    for attachment in attachments:
        message.attach(*attachment)
    return message


def send(notice) -> None:
    render(notice).send()


@shared_task(
    name="counseling.notices.tasks.deliver_notice",
    # Acknowledged when done, and given back if the process running it dies: a killed
    # worker leaves nothing unacknowledged behind. The claim makes a second run harmless.
    acks_late=True,
    reject_on_worker_lost=True,
    soft_time_limit=SOFT_TIME_LIMIT,
    time_limit=TIME_LIMIT,
)
def deliver_notice(notice_id: int) -> bool:
    """Send one notice's e-mail if it is still due and unclaimed. True if sent."""
    return deliver(notice_id)

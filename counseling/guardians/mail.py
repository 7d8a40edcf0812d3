"""The guardian's e-mail: an outbox of its own, because a guardian is not a user.

The link row is the outbox: it is written in the transaction that issues it, its e-mail
is sent after the commit (in-process when tasks run eagerly) and every 15 s by beat
otherwise, each send claimed with one conditional UPDATE so that two workers send once.
A failing mail server backs off exactly as notices do (`counseling.notices.delivery`);
the failure's class is kept, never the message. The token is drawn when the e-mail is
rendered: it exists in that e-mail and nowhere else. Nothing about the student's
counseling is in it: the student's name, the school, and the link.
"""

import logging

from celery import current_app
from django.conf import settings
from django.core.mail import EmailMessage
from django.db import transaction
from django.db.models import F, Q
from django.template.loader import render_to_string
from django.utils import timezone, translation

from counseling.guardians.models import GuardianLink
from counseling.notices import delivery as notice_delivery

logger = logging.getLogger("amanah.guardians")

Status = GuardianLink.EmailStatus
BATCH = 100


def send_after_commit(link_id: int) -> None:
    """With eager tasks (the embedded default) send right after the commit; with a broker,
    beat's `send_guardian_mail` sends within 15 s, off the request's path."""
    if current_app.conf.task_always_eager:
        transaction.on_commit(lambda: deliver(link_id))


def claimable(now):
    return GuardianLink.objects.filter(
        Q(claimed_at__isnull=True) | Q(claimed_at__lt=now - notice_delivery.CLAIM_TIMEOUT),
        email_status=Status.PENDING,
        next_attempt_at__lte=now,
    )


def render(link: GuardianLink, token: str) -> EmailMessage:
    guardian = link.guardian
    context = {
        "student_name": guardian.counselee.user.full_name,
        "url": settings.AMANAH_SITE_URL + link.path_for(token),
        "expires_at": link.expires_at,
    }
    with translation.override(settings.LANGUAGE_CODE):
        subject = render_to_string("emails/guardian_link-subject.txt", context).strip()
        body = render_to_string("emails/guardian_link-body.txt", context)
    return EmailMessage(" ".join(subject.split()), body, to=[guardian.email])


def deliver(link_id: int) -> bool:
    """Send one link's e-mail if it is due and unclaimed. True if it was sent."""
    now = timezone.now()
    claimed = claimable(now).filter(pk=link_id).update(claimed_at=now, attempts=F("attempts") + 1)
    if not claimed:
        return False
    link = GuardianLink.objects.select_related("guardian__counselee__user").get(pk=link_id)
    mine = GuardianLink.objects.filter(pk=link_id, email_status=Status.PENDING, claimed_at=now)
    if not GuardianLink.objects.open().filter(pk=link_id).exists():
        mine.update(email_status=Status.CANCELLED, claimed_at=None)
        return False
    try:
        render(link, link.mint()).send()
    except Exception as error:  # any failure of rendering or SMTP: record, back off
        summary = notice_delivery.error_summary(error)
        if link.attempts >= notice_delivery.MAX_ATTEMPTS:
            mine.update(email_status=Status.FAILED, last_error=summary, claimed_at=None)
            logger.error("guardian link %s: e-mail given up: %s", link_id, summary)
            return False
        retry_at = timezone.now() + notice_delivery.backoff(link.attempts)
        mine.update(last_error=summary, claimed_at=None, next_attempt_at=retry_at)
        logger.warning("guardian link %s: e-mail attempt failed (%s)", link_id, summary)
        return False
    mine.update(email_status=Status.SENT, sent_at=timezone.now(), claimed_at=None)
    return True


def deliver_due() -> int:
    """Every due, unclaimed link e-mail (beat). Returns how many were sent."""
    ids = list(claimable(timezone.now()).order_by("pk").values_list("pk", flat=True)[:BATCH])
    return sum(deliver(link_id) for link_id in ids)

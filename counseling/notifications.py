"""E-mail from Amanah. Messages say that something happened and where to look, never what
a student said: no topic, no note, no justification, no name of a student."""

import logging

from django.conf import settings
from django.core.mail import EmailMessage
from django.db import transaction
from django.template.loader import render_to_string
from django.utils import translation

from counseling.accounts.models import User


def send(template: str, recipients: list[str], context: dict, attachments=()) -> None:
    """Render templates/emails/<template>-subject.txt and -body.txt and send them."""
    if not recipients:
        return
    with translation.override(settings.LANGUAGE_CODE):
        context = {"site_url": settings.AMANAH_SITE_URL, **context}
        subject = render_to_string(f"emails/{template}-subject.txt", context).strip()
        body = render_to_string(f"emails/{template}-body.txt", context)
    message = EmailMessage(subject, body, to=recipients)
    for attachment in attachments:
        message.attach(*attachment)
    message.send()


def admin_addresses() -> list[str]:
    admins = User.objects.filter(role=User.Role.ADMIN, is_active=True).exclude(email="")
    return list(admins.values_list("email", flat=True))


logger = logging.getLogger("amanah.notifications")


def enqueue_on_commit(task, *args) -> None:
    """Queue `task(*args)` once the transaction commits, never failing the caller.

    With the broker down the change stands and the task is not queued now; each such
    task has a sweep on the beat schedule that finds what was left unsent.
    """

    def publish():
        try:
            task.delay(*args)
        except Exception:  # any broker failure: the sweep will send it
            logger.warning("%s%r not queued now; the periodic sweep will", task.name, args)

    transaction.on_commit(publish)


def send_once(queryset, pk, sent_field, send) -> bool:
    """Call `send(obj)` unless `obj.<sent_field>` is set, then set it; True if sent.

    The row stays locked while sending, so a retried or duplicated task, or the sweep
    running at the same moment, waits and then finds the message already sent.
    """
    from django.utils import timezone

    with transaction.atomic():
        obj = queryset.select_for_update(of=("self",)).filter(pk=pk).first()
        if obj is None or getattr(obj, sent_field) is not None:
            return False
        send(obj)
        setattr(obj, sent_field, timezone.now())
        obj.save(update_fields=[sent_field])
    return True

"""E-mail from Amanah. Messages say that something happened and where to look, never what
a student said: no topic, no note, no justification, no name of a student."""

from django.conf import settings
from django.core.mail import EmailMessage
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

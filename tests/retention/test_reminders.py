"""30 days before, she is offered a copy and her counselor is told; no name in either."""

import datetime

from django.core import mail

from counseling.notices.models import Notice
from counseling.retention import reminders

from .conftest import graduate


def test_she_and_her_counselor_are_told_once(settings, admin, bu_rina, siti, dimas):
    settings.AMANAH_RETENTION_YEARS = 3
    today = datetime.date.today()
    graduate(siti.counselee, admin, years_ago=3, today=today + datetime.timedelta(days=20))
    graduate(dimas.counselee, admin, years_ago=3, today=today + datetime.timedelta(days=40))
    assert reminders.notify_due_soon() == 2
    assert reminders.notify_due_soon() == 0
    kinds = dict(Notice.objects.values_list("recipient__username", "kind"))
    assert kinds == {"siti": Notice.Kind.RETENTION_DUE, "bu_rina": Notice.Kind.RETENTION_DUE_STAFF}
    assert all(n.about == str(siti.counselee.public_id) for n in Notice.objects.all())


def test_the_email_names_no_one(settings, admin, siti, django_capture_on_commit_callbacks):
    from counseling.notices import delivery

    siti.email = "siti@example.org"
    siti.save(update_fields=["email"])
    graduate(siti.counselee, admin, years_ago=3, today=datetime.date.today())
    reminders.notify_due_soon()
    notice = Notice.objects.get(recipient=siti)
    message = delivery.render(notice)
    assert "salinan" in message.body
    assert "Siti" not in message.body and "Siti" not in message.subject
    assert mail.outbox == [] or all("Siti" not in m.body for m in mail.outbox)

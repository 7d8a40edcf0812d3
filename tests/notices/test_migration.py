"""Upgrading a school that used the outbox: nothing sent twice, nothing unsent lost."""

import datetime

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.utils import timezone

from consent import services as consent_services
from consent import tasks as consent_tasks
from counseling.notices.models import Notice
from sessions import bookings, cases
from tests.sessions.outbox_support import free_starts, give_addresses, open_hours

pytestmark = pytest.mark.django_db(transaction=True)

Status = Notice.EmailStatus
BEFORE = [("notices", None)]


def migrate(targets):
    executor = MigrationExecutor(connection)
    executor.migrate(targets)
    return MigrationExecutor(connection)._create_project_state(with_applied_migrations=True).apps


def disclose(siti, bu_rina, **fields):
    return consent_services.record_disclosure(
        siti.counselee,
        by=bu_rina,
        reason="danger_to_self",
        recipient_name="Ibu Suryani",
        recipient_role="parent",
        what_was_shared="x",
        **fields,
    )


def test_the_outbox_and_the_alert_columns_become_notices(siti, bu_rina, admin):
    give_addresses(bu_rina, admin)
    open_hours(bu_rina)
    booking = bookings.book(siti.counselee, bu_rina, free_starts(bu_rina)[0], by=siti)
    unalerted = disclose(siti, bu_rina, student_informed=True)
    reminded = disclose(siti, bu_rina, student_informed=False, not_informed_reason="Menunggu.")
    cases.end_counseling(siti.counselee, by=siti)
    now = timezone.now()

    old = migrate(BEFORE)
    OutboxMessage = old.get_model("counseling_sessions", "OutboxMessage")
    OutboxMessage.objects.all().delete()
    rows = {
        "sent": (bu_rina.pk, "booking_requested", {"sent_at": now}),
        "nowhere": (siti.pk, "booking_made", {"sent_at": now}),
        "pending": (siti.pk, "reminder_1h", {}),
        "cancelled": (siti.pk, "reminder_24h", {"cancelled_at": now}),
    }
    for recipient, kind, fields in rows.values():
        OutboxMessage.objects.create(
            booking_id=booking.pk, recipient_id=recipient, kind=kind, send_after=now, **fields
        )
    old.get_model("consent", "Disclosure").objects.filter(pk=reminded.pk).update(
        admins_alerted_at=now, reminder_sent_at=now
    )
    old.get_model("records", "CaseAssignment").objects.update(counselor_told_at=None)

    migrate(MigrationExecutor(connection).loader.graph.leaf_nodes())

    by_kind = {n.kind: n for n in Notice.objects.filter(booking=booking)}
    assert by_kind["booking_requested"].email_status == Status.SENT
    assert by_kind["booking_requested"].read_at is not None
    # "Sent" to a student without an address: it went nowhere, and now reaches her inbox.
    assert by_kind["booking_made"].email_status == Status.NO_ADDRESS
    assert by_kind["booking_made"].read_at is None
    assert by_kind["reminder_1h"].email_status == Status.PENDING
    assert by_kind["reminder_24h"].email_status == Status.CANCELLED
    alerts = Notice.objects.filter(kind=Notice.Kind.DISCLOSURE_RECORDED)
    assert list(alerts.values_list("about", "recipient", "email_status")) == [
        (str(unalerted.public_id), admin.pk, Status.PENDING)
    ]
    ended = Notice.objects.get(kind=Notice.Kind.CASE_ENDED)
    assert (ended.recipient, ended.email_status) == (bu_rina, Status.PENDING)

    # The reminder already sent is never sent again.
    from consent.models import Disclosure

    Disclosure.objects.filter(pk=reminded.pk).update(
        disclosed_at=now - consent_tasks.REMIND_AFTER - datetime.timedelta(days=1)
    )
    assert consent_tasks.remind_counselors_to_inform_students() == 0
    reminder = Notice.objects.get(kind=Notice.Kind.DISCLOSURE_REMINDER)
    assert (reminder.about, reminder.email_status) == (str(reminded.public_id), Status.SENT)

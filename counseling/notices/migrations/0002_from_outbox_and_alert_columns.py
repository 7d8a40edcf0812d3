"""Carry the old delivery state over to notices, before the old columns go.

- Every outbox message becomes a notice of the same kind. One already e-mailed counts as
  read; one "sent" to somebody without an address never went anywhere, so it is kept
  unread (it now reaches her inbox) with the e-mail state "no address".
- Alerts not yet sent (a disclosure or emergency access no admin was told of, a case
  ended that its counselor was not told of) become pending notices, so they go out.
- A disclosure reminder already sent becomes a sent notice with the reminder's dedupe
  key, so the daily task never sends it again.
"""

from django.db import migrations

SENT, PENDING, NO_ADDRESS, CANCELLED = "sent", "pending", "no_address", "cancelled"


def _notice(Notice, **fields):
    fields.setdefault("next_attempt_at", fields.get("send_after") or fields["created_at"])
    fields.setdefault("send_after", fields["created_at"])
    return Notice(**fields)


def forwards(apps, schema_editor):
    from django.utils import timezone

    Notice = apps.get_model("notices", "Notice")
    OutboxMessage = apps.get_model("counseling_sessions", "OutboxMessage")
    User = apps.get_model("accounts", "User")
    Disclosure = apps.get_model("consent", "Disclosure")
    EmergencyAccess = apps.get_model("audit", "EmergencyAccess")
    CaseAssignment = apps.get_model("records", "CaseAssignment")
    now = timezone.now()
    admins = list(User.objects.filter(role="admin", is_active=True))
    rows = []

    messages = OutboxMessage.objects.select_related("recipient").order_by("pk")
    for message in messages.iterator(chunk_size=2000):
        fields = {
            "recipient_id": message.recipient_id,
            "kind": message.kind,
            "booking_id": message.booking_id,
            "send_after": message.send_after,
            "created_at": message.created_at,
            "attempts": message.attempts,
            "claimed_at": None,
        }
        if message.cancelled_at is not None:
            fields.update(email_status=CANCELLED, cancelled_at=message.cancelled_at)
        elif message.sent_at is not None and not message.recipient.email:
            fields.update(email_status=NO_ADDRESS)
        elif message.sent_at is not None:
            fields.update(email_status=SENT, sent_at=message.sent_at, read_at=message.sent_at)
        else:
            fields.update(email_status=PENDING)
        rows.append(_notice(Notice, **fields))

    for disclosure in Disclosure.objects.only("public_id", "created_at", "admins_alerted_at"):
        if disclosure.admins_alerted_at is None:
            rows += [
                _notice(
                    Notice,
                    recipient_id=admin.pk,
                    kind="disclosure_recorded",
                    about=str(disclosure.public_id),
                    created_at=now,
                )
                for admin in admins
            ]
    reminded = Disclosure.objects.filter(reminder_sent_at__isnull=False)
    for disclosure in reminded.only("public_id", "counselor_id", "reminder_sent_at"):
        rows.append(
            _notice(
                Notice,
                recipient_id=disclosure.counselor_id,
                kind="disclosure_reminder",
                about=str(disclosure.public_id),
                dedupe_key=f"disclosure-reminder:{disclosure.public_id}",
                created_at=disclosure.reminder_sent_at,
                email_status=SENT,
                sent_at=disclosure.reminder_sent_at,
                read_at=disclosure.reminder_sent_at,
            )
        )
    unalerted = EmergencyAccess.objects.filter(admins_alerted_at__isnull=True)
    for access in unalerted.only("public_id"):
        rows += [
            _notice(
                Notice,
                recipient_id=admin.pk,
                kind="emergency_access",
                about=str(access.public_id),
                created_at=now,
            )
            for admin in admins
        ]
    untold = CaseAssignment.objects.filter(end_reason="student_ended", counselor_told_at=None)
    for assignment in untold.only("pk", "counselor_id"):
        rows.append(
            _notice(
                Notice,
                recipient_id=assignment.counselor_id,
                kind="case_ended",
                dedupe_key=f"case-ended:{assignment.pk}",
                created_at=now,
            )
        )
    Notice.objects.bulk_create(rows, batch_size=2000)


class Migration(migrations.Migration):
    dependencies = [
        ("notices", "0001_initial"),
        ("accounts", "0004_user_language"),
        ("counseling_sessions", "0005_session_counselor_busy_index"),
        ("consent", "0004_withdrawal_immutable"),
        ("audit", "0006_access_event_hash_not_indexed"),
        ("records", "0005_caseassignment_counselor_told_at"),
    ]

    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]

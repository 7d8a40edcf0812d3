"""Move each counselee's guardian name and phone (records.Counselee.guardian_name and
guardian_phone, which no screen could write) into a guardian record of its own, and
empty the old columns, which nothing reads any more.

The values are decrypted and encrypted again by the fields themselves. Backwards, the
first guardian of each counselee is written back, so the columns can be restored.
"""

from django.db import migrations


def forward(apps, schema_editor):
    Counselee = apps.get_model("records", "Counselee")
    Guardian = apps.get_model("guardians", "Guardian")
    for counselee in Counselee.objects.only("pk", "guardian_name", "guardian_phone").iterator():
        name = (counselee.guardian_name or "").strip()
        phone = (counselee.guardian_phone or "").strip()
        if not name and not phone:
            continue
        Guardian.objects.create(
            counselee_id=counselee.pk, name=name or "-", phone=phone, relation="guardian"
        )
        # One copy only: the old columns stay (for the merge to drop) but hold nothing.
        counselee.guardian_name = ""
        counselee.guardian_phone = ""
        counselee.save(update_fields=["guardian_name", "guardian_phone"])


def backward(apps, schema_editor):
    Counselee = apps.get_model("records", "Counselee")
    Guardian = apps.get_model("guardians", "Guardian")
    for guardian in Guardian.objects.order_by("counselee_id", "pk").iterator():
        counselee = Counselee.objects.get(pk=guardian.counselee_id)
        if not counselee.guardian_name:
            counselee.guardian_name = guardian.name
            counselee.guardian_phone = guardian.phone
            counselee.save(update_fields=["guardian_name", "guardian_phone"])


class Migration(migrations.Migration):
    dependencies = [
        ("guardians", "0002_immutable_triggers"),
        ("records", "0007_delivery_state_on_notices"),
    ]

    operations = [migrations.RunPython(forward, backward)]

import uuid

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


def public_ids_and_approvals(apps, schema_editor):
    # Links issued before the two-person rule stay as they were: approved when issued.
    EnrolmentLink = apps.get_model("accounts", "EnrolmentLink")
    for link in EnrolmentLink.objects.all():
        link.public_id = uuid.uuid4()
        link.approved_at = link.created_at
        link.save(update_fields=["public_id", "approved_at"])


class Migration(migrations.Migration):
    dependencies = [("accounts", "0008_move_second_factors")]

    operations = [
        migrations.AddField(
            model_name="enrolmentlink",
            name="public_id",
            field=models.UUIDField(editable=False, null=True),
        ),
        migrations.AddField(
            model_name="enrolmentlink",
            name="approved_at",
            field=models.DateTimeField(blank=True, null=True),
        ),
        migrations.AddField(
            model_name="enrolmentlink",
            name="approved_by",
            field=models.ForeignKey(
                blank=True,
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="+",
                to=settings.AUTH_USER_MODEL,
            ),
        ),
        migrations.RunPython(public_ids_and_approvals, migrations.RunPython.noop),
        migrations.AlterField(
            model_name="enrolmentlink",
            name="public_id",
            field=models.UUIDField(default=uuid.uuid4, editable=False, unique=True),
        ),
    ]

import uuid

from django.db import migrations, models


def give_public_ids(apps, schema_editor):
    CaseAssignment = apps.get_model("records", "CaseAssignment")
    for assignment in CaseAssignment.objects.filter(public_id__isnull=True).only("pk"):
        assignment.public_id = uuid.uuid4()
        assignment.save(update_fields=["public_id"])


def mark_existing_as_answered(apps, schema_editor):
    # Assignments made before students could answer them are not put to them now.
    CaseAssignment = apps.get_model("records", "CaseAssignment")
    CaseAssignment.objects.filter(student_answered_at__isnull=True).update(
        student_answered_at=models.F("started_at")
    )


class Migration(migrations.Migration):
    dependencies = [("records", "0005_caseassignment_counselor_told_at")]

    operations = [
        migrations.AddField(
            model_name="caseassignment",
            name="public_id",
            field=models.UUIDField(editable=False, null=True),
        ),
        migrations.RunPython(give_public_ids, migrations.RunPython.noop),
        migrations.AlterField(
            model_name="caseassignment",
            name="public_id",
            field=models.UUIDField(default=uuid.uuid4, editable=False, unique=True),
        ),
        migrations.AddField(
            model_name="caseassignment",
            name="opened_by",
            field=models.CharField(
                choices=[
                    ("admin", "Ditugaskan admin"),
                    ("student_booking", "Permintaan siswa sendiri"),
                    ("urgent_request", "Permintaan mendesak yang diambil konselor"),
                ],
                default="admin",
                max_length=20,
                verbose_name="dibuka oleh",
            ),
        ),
        migrations.AddField(
            model_name="caseassignment",
            name="student_answered_at",
            field=models.DateTimeField(blank=True, editable=False, null=True),
        ),
        migrations.RunPython(mark_existing_as_answered, migrations.RunPython.noop),
        migrations.AlterField(
            model_name='caseassignment',
            name='end_reason',
            field=models.CharField(blank=True, choices=[('administration', 'Diakhiri admin'), ('student_ended', 'Siswa mengakhiri konseling'), ('counselor_closed', 'Ditutup konselor: tidak lagi bermanfaat'), ('conflict', 'Konflik kepentingan'), ('student_declined', 'Siswa tidak meminta penugasan ini')], max_length=20, verbose_name='alasan berakhir'),
        ),
    
    ]

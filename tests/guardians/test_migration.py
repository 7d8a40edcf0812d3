"""The guardian name and phone that lived on the counselee move into a guardian record."""

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

BEFORE = [("guardians", "0002_immutable_triggers")]
AFTER = [("guardians", "0003_from_counselee_fields")]


def migrate(target):
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(target)
    return executor.loader.project_state(target).apps


@pytest.fixture(autouse=True)
def newest_schema_after():
    """Back to the newest migrations once the test is done, for the tests that follow."""
    yield
    executor = MigrationExecutor(connection)
    executor.migrate(executor.loader.graph.leaf_nodes())


@pytest.mark.django_db(transaction=True)
def test_the_old_columns_become_a_guardian_record_and_are_emptied():
    # The accounts and records tables are at their newest; only the guardians app goes back.
    from counseling.accounts.models import User
    from counseling.records.models import Counselee

    migrate(BEFORE)
    student = User.objects.create(username="lama", full_name="Siswa Lama", role="student")
    Counselee.objects.create(
        user=student, nis="9001", class_name="X-1", guardian_name="Ibu Lama", guardian_phone="0812"
    )
    Counselee.objects.create(
        user=User.objects.create(username="tanpa", full_name="Tanpa Wali", role="student"),
        nis="9002",
        class_name="X-1",
    )
    apps = migrate(AFTER)
    Guardian = apps.get_model("guardians", "Guardian")
    guardian = Guardian.objects.get()
    assert (guardian.name, guardian.phone, guardian.relation) == ("Ibu Lama", "0812", "guardian")
    moved = Counselee.objects.get(nis="9001")
    assert (moved.guardian_name, moved.guardian_phone) == ("", "")
    # Backwards, the columns are written again from the guardian record.
    migrate(BEFORE)
    restored = Counselee.objects.get(nis="9001")
    assert restored.guardian_name == "Ibu Lama"
    migrate(AFTER)

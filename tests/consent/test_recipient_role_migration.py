"""The migration that made Disclosure.recipient_role a closed list keeps what was typed.

The database is migrated back to before it, a disclosure is written as the old schema
had it (free text in plaintext), and migrated forward again.
"""

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from consent.models import Disclosure

pytestmark = pytest.mark.django_db(transaction=True)

BEFORE = [("consent", "0005_delivery_state_on_notices")]
AFTER = [("consent", "0006_disclosure_recipient_role_closed_list")]


def migrate(targets):
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(targets)
    return executor.loader.project_state(targets).apps


@pytest.fixture
def old_schema(siti, bu_rina):
    old_apps = migrate(BEFORE)
    yield old_apps
    migrate(executor_leaf_nodes())


def executor_leaf_nodes():
    return MigrationExecutor(connection).loader.graph.leaf_nodes()


TYPED = {
    "Polisi PPA: dugaan kekerasan oleh ayah tiri": "police",
    "orang tua": "parent",
    "Wali kelas XI-2": "homeroom_teacher",
    "Kepala Sekolah": "principal",
    "Puskesmas Kecamatan": "health",
    "psikolog sekolah": "psychologist",
    "UPTD PPA kabupaten": "child_protection",
    "kakak kelas": "other",
}


def test_the_typed_text_moves_encrypted_and_the_role_becomes_the_closest(old_schema, siti, bu_rina):
    OldDisclosure = old_schema.get_model("consent", "Disclosure")
    ids = {
        typed: OldDisclosure.objects.create(
            counselee_id=siti.counselee.pk,
            counselor_id=bu_rina.pk,
            reason="legal_duty",
            recipient_name="Pak Polisi",
            recipient_role=typed,
            what_was_shared="x",
            student_informed=True,
        ).pk
        for typed in TYPED
    }

    migrate(AFTER)

    for typed, role in TYPED.items():
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT recipient_role, recipient_role_detail FROM consent_disclosure "
                "WHERE id = %s",
                [ids[typed]],
            )
            stored_role, stored_detail = cursor.fetchone()
        assert stored_role == role, typed
        assert stored_detail.startswith("gAAAA") and typed not in stored_detail
        migrated = Disclosure.objects.get(pk=ids[typed])
        assert migrated.recipient_role_detail == typed
        assert migrated.what_was_shared == "x"

"""What only PostgreSQL can prove: triggers on the table, and one chain under concurrency."""

import threading

import pytest
from django.core.management import call_command
from django.db import DatabaseError, connection, connections, transaction

from counseling.audit import checkpoints, log, verification
from counseling.audit.models import AccessEvent, AuditCheckpoint

pytestmark = pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="triggers and advisory locks are PostgreSQL features; CI runs this on PostgreSQL",
)


@pytest.mark.parametrize(
    "statement",
    [
        "UPDATE audit_accessevent SET action = 'export'",
        "DELETE FROM audit_accessevent",
    ],
)
def test_the_database_refuses_changes_to_the_access_log(siti, statement):
    with (
        pytest.raises(DatabaseError, match="append-only"),
        transaction.atomic(),
        connection.cursor() as cursor,
    ):
        cursor.execute(statement)
    assert AccessEvent.objects.exists()


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("table", ["audit_accessevent", "audit_auditcheckpoint"])
def test_the_database_refuses_to_truncate_the_access_log_and_its_checkpoints(table):
    # Row triggers do not fire on TRUNCATE; a statement-level trigger does. Run outside
    # a test transaction, where PostgreSQL would refuse for pending FK checks instead.
    log.record(log.Action.LOGIN_FAILED)
    checkpoints.write(verification.verify()[0])
    with pytest.raises(DatabaseError, match="append-only"), connection.cursor() as cursor:
        cursor.execute(f"TRUNCATE {table} CASCADE")
    assert AccessEvent.objects.exists()
    assert AuditCheckpoint.objects.exists()


@pytest.mark.django_db(transaction=True)
def test_many_concurrent_writers_build_one_valid_chain():
    writers, per_writer = 8, 25
    start = threading.Barrier(writers)
    errors = []

    def write():
        try:
            start.wait()
            for _ in range(per_writer):
                log.record(log.Action.LOGIN_FAILED)
        except Exception as error:  # reported below
            errors.append(error)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=write) for _ in range(writers)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert errors == []
    ids = list(AccessEvent.objects.order_by("id").values_list("id", flat=True))
    assert ids == list(range(1, writers * per_writer + 1))
    call_command("verify_audit", verbosity=0)

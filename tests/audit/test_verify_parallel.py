"""On PostgreSQL, verify_audit checks id ranges in parallel and stitches them together."""

import pytest
from django.db import connection

from counseling.audit import log, verification
from counseling.audit.models import AccessEvent

pytestmark = [
    pytest.mark.skipif(
        connection.vendor != "postgresql", reason="the parallel walk is PostgreSQL's"
    ),
    pytest.mark.django_db(transaction=True),
]


@pytest.fixture
def long_log(siti, bu_rina, monkeypatch):
    monkeypatch.setattr(verification, "PARALLEL_FROM", 0)
    for _ in range(40):
        log.record(log.Action.VIEW, actor=bu_rina, obj=siti.counselee, counselee=siti.counselee)
    return list(AccessEvent.objects.order_by("id").values_list("id", flat=True))


def tamper(sql, params):
    with connection.cursor() as cursor:
        cursor.execute("SET session_replication_role = replica")
        cursor.execute(sql, params)
        cursor.execute("SET session_replication_role = DEFAULT")


def test_an_intact_log_passes_in_parallel(long_log):
    head, broken = verification.verify(workers=2)
    assert broken is None
    assert (head.count, head.last_id) == (len(long_log), long_log[-1])


def test_an_edit_is_named_in_parallel(long_log):
    target = long_log[30]
    tamper("UPDATE audit_accessevent SET action = 'export' WHERE id = %s", [target])
    _head, broken = verification.verify(workers=2)
    assert broken.id == target and broken.reason == "has been altered"


@pytest.mark.parametrize("position", [0, 5, 6, 20])
def test_a_deletion_is_named_in_parallel_even_at_a_range_boundary(long_log, position):
    target = long_log[position]
    tamper("DELETE FROM audit_accessevent WHERE id = %s", [target])
    _head, broken = verification.verify(workers=2)
    assert broken.reason == f"entry #{target} is missing"

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


def test_the_database_writes_the_canonical_json_as_python_does(siti, bu_rina):
    from counseling.audit import chain, context

    awkward = 'Mozilla "5.0" \\ tab\there\nnew line \x01 ünïcödé \u2013 日本 \u2028 /slash'
    token = context._current.set(
        context.RequestContext(ip_address="2001:db8::1", user_agent=awkward, request_id="r")
    )
    try:
        event = log.record(log.Action.VIEW, actor=bu_rina, obj=siti.counselee)
    finally:
        context._current.reset(token)
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT {verification._CANONICAL_PREFIX_SQL} FROM audit_accessevent WHERE id = %s",
            [event.id],
        )
        prefix = cursor.fetchone()[0]
    event.refresh_from_db()
    values = log.chained_values(event)
    expected = chain._CANONICAL.encode(
        [values[0], chain.canonical_time(values[1]), *values[2:], event.prev_hash]
    )
    assert f'{prefix}"{event.prev_hash}"]' == expected


def test_a_daemonic_process_walks_the_chain_alone(long_log):
    # The nightly check runs in a Celery prefork child, which is daemonic: a process pool
    # there raises "daemonic processes are not allowed to have children".
    import multiprocessing

    process = multiprocessing.current_process()
    before = process._config.get("daemon")
    process._config["daemon"] = True
    try:
        head, broken = verification.verify(workers=2)
    finally:
        process._config["daemon"] = before
    assert broken is None
    assert (head.count, head.last_id) == (len(long_log), long_log[-1])

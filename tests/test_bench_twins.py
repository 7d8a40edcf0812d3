"""The benchmark's bare twins do exactly their page's work, minus the confidentiality layer.

`bench/bare_views.py` is the floor every page's overhead is measured against: a twin that
reads more (or fewer) rows or columns than its page would make the ratio a lie. So each
page and its twin are loaded by the same user on the same data, and their query lists
are compared, in order, once the layer's own queries are taken out of the page's: the
policy's probes, the access-log append (its lock, head and insert, in a savepoint) and
nothing else. Queries are compared by their shape (statement, table, columns read, order
and limit), not their WHERE clause or filtering joins: the policy's filters live there. An
encrypted column the twin reads raw (`CAST(col AS text)`) counts as that column.
"""

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from counseling.audit import log
from tests.conftest import login
from tests.test_page_query_counts import add_session_with_notes

pytestmark = pytest.mark.urls("bench.urls")

COLUMN = r'"\w+"\."\w+"'
RAW_TOKEN = re.compile(rf'CAST\(({COLUMN}) AS text\) AS "token_\w+"')
LITERAL = re.compile(r"'(?:[^']|'')*'|\b\d+(?:\.\d+)?\b")
SAVEPOINT_NAME = re.compile(r'"s\d+_x\d+"')


def is_confidentiality_layer(sql: str) -> bool:
    """The queries only the confidentiality layer makes: policy probes and the log append."""
    return (
        sql.startswith(("SAVEPOINT", "RELEASE SAVEPOINT", "ROLLBACK TO SAVEPOINT"))
        or "pg_advisory_xact_lock" in sql
        or sql.startswith("INSERT INTO audit_accessevent")
        or sql.startswith("SELECT id, hash, occurred_at, key_version FROM audit_accessevent")
        # `policy.record_access`: one row of EXISTS probes (assignment, conflict, ...).
        or sql.startswith("SELECT EXISTS(")
    )


def _top_level_from(sql: str) -> int:
    depth = 0
    for i, char in enumerate(sql):
        if char == "(":
            depth += 1
        elif char == ")":
            depth -= 1
        elif depth == 0 and sql.startswith(" FROM ", i):
            return i
    return -1


def shape(sql: str) -> tuple:
    """What a query reads, whatever its filter: statement, tables, columns, order, limit."""
    sql = RAW_TOKEN.sub(r"\1", sql)
    if not sql.startswith("SELECT"):
        return (SAVEPOINT_NAME.sub('"s"', LITERAL.sub("?", sql)),)
    at = _top_level_from(sql)
    columns = frozenset(re.findall(COLUMN, sql[:at]))
    rest = sql[at:]
    # The first table; joins only filtering (the policy's) are not compared, those
    # reading rows are, through their columns.
    table = re.match(r' FROM "(\w+)"', rest)[1]
    tail = rest.rsplit(" ORDER BY ", 1)[1] if " ORDER BY " in rest else ""
    order = LITERAL.sub("?", tail)
    return ("SELECT", table, columns, order, "COUNT(" in sql[:at])


def queries_of(client, url) -> list[str]:
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200
    return [q["sql"] for q in captured.captured_queries]


def assert_twins(client, page, twin):
    client.get(page)
    client.get(twin)
    page_queries = queries_of(client, page)
    twin_queries = queries_of(client, twin)
    layer = [q for q in page_queries if is_confidentiality_layer(q)]
    assert layer, "the page was expected to ask the policy and write to the access log"
    assert not any(is_confidentiality_layer(q) for q in twin_queries)
    assert [shape(q) for q in page_queries if not is_confidentiality_layer(q)] == [
        shape(q) for q in twin_queries
    ]


def test_the_record_page_and_its_twin_read_the_same_rows(client, bu_rina, siti):
    for notes in (1, 2, 3):
        add_session_with_notes(siti.counselee, bu_rina, notes)
    login(client, bu_rina)
    public_id = siti.counselee.public_id
    assert_twins(
        client,
        reverse("counselee-detail", args=[public_id]),
        f"/bench-bare/records/{public_id}/",
    )


def test_the_session_page_and_its_twin_read_the_same_rows(client, bu_rina, siti):
    session = add_session_with_notes(siti.counselee, bu_rina, 4)
    login(client, bu_rina)
    assert_twins(
        client,
        reverse("session-detail", args=[session.public_id]),
        f"/bench-bare/sessions/{session.public_id}/",
    )


@pytest.mark.parametrize("filter_by", ["nis", "actor", "date"])
def test_the_access_log_and_its_twin_read_the_same_rows(client, admin, bu_rina, siti, filter_by):
    for _ in range(3):
        log.record(log.Action.VIEW, actor=bu_rina, obj=siti.counselee, counselee=siti.counselee)
    today = timezone.localdate()
    query = {
        "nis": f"nis={siti.counselee.nis}",
        "actor": f"actor={bu_rina.username}",
        "date": f"date_from={today}&date_to={today}",
    }[filter_by]
    login(client, admin)
    assert_twins(client, f"{reverse('audit-log')}?{query}", f"/bench-bare/audit/?{query}")


def test_a_twin_that_reads_more_is_caught():
    page = 'SELECT "a"."id" FROM "a" WHERE "a"."id" = 1'
    more = 'SELECT "a"."id", "b"."id" FROM "a" INNER JOIN "b" ON ("a"."b_id" = "b"."id")'
    assert shape(page) != shape(more)
    raw = 'SELECT "a"."id", CAST("a"."body" AS text) AS "token_body" FROM "a"'
    assert shape(raw) == shape('SELECT "a"."id", "a"."body" FROM "a" WHERE "a"."x" = 2')

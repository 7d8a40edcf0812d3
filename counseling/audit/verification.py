"""Walking the whole access log in constant memory; on PostgreSQL, in parallel.

Each entry's HMAC depends only on the entry and the hash stored before it, so the log can
be checked in id ranges by several processes; the ranges are then stitched together by
checking that each one starts where the previous one ended. Every process reads through a
server-side cursor, so memory stays flat however long the log is.
"""

import dataclasses
import datetime
import hmac
import multiprocessing
import os

from django.db import connection, connections, transaction
from django.db.models import Max, Min

from counseling.audit import chain, checkpoints, keys
from counseling.audit.models import AccessEvent

CHUNK_SIZE = 5000
FETCH_SIZE = 10_000
# Below this many entries one process is quicker than starting others.
PARALLEL_FROM = 200_000
RANGES_PER_WORKER = 4

# `occurred_at` as `chain.canonical_time` writes it, formatted by PostgreSQL: parsing
# millions of timestamps in Python only to print them again would double the work.
_CANONICAL_TIME_SQL = (
    "to_char(occurred_at AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS.US\"+00:00\"')"
)


def _json(column, kind):
    if kind == "text":
        return f"to_json({column})"
    if kind == "inet":
        return f"coalesce(to_json(host({column}))::text, 'null')"
    if kind == "bool":
        return f"CASE WHEN {column} THEN 'true' ELSE 'false' END"
    return f"coalesce({column}::text, 'null')"  # integers, possibly null


# The canonical JSON of chain.entry_hash written by PostgreSQL, up to the previous hash.
# Python then only appends that hash and computes the HMAC: at millions of entries the
# JSON encoding was the larger half of the work. to_json escapes strings as Python's
# json module does; any entry where they would differ is rechecked in Python.
_KINDS = {
    "id": "int",
    "occurred_at": "text",
    "actor_id": "int",
    "counselee_id": "int",
    "emergency_access_id": "int",
    "after_hours": "bool",
    "ip_address": "inet",
}
_CANONICAL_PREFIX_SQL = (
    "concat('[', "
    + ", ',', ".join(
        _json(_CANONICAL_TIME_SQL if name == "occurred_at" else name, _KINDS.get(name, "text"))
        for name in chain.CHAINED_FIELDS
    )
    + ", ',')"
)


def verify(progress=None, workers=None) -> tuple[chain.Head, chain.Break | None]:
    """Check every entry in id order, then the chain against every signed checkpoint.

    `progress(count)` reports entries checked so far. The checkpoints catch what the chain
    alone cannot: entries cut off the end, or all of them.
    """
    head, broken = _walk(progress, workers)
    if broken is None:
        broken = checkpoints.compare(head)
    return head, broken


def _walk(progress, workers):
    if connection.vendor != "postgresql":
        return _verify_in_one_process(progress)
    bounds = AccessEvent.objects.aggregate(first=Min("id"), last=Max("id"))
    first, last = bounds["first"], bounds["last"]
    workers = workers or os.cpu_count() or 1
    if first is None or workers < 2 or last - first < PARALLEL_FROM or _may_not_fork():
        return _verify_in_one_process(progress)
    return _verify_in_parallel(first, last, workers, progress)


def _may_not_fork() -> bool:
    """A daemonic process (a Celery prefork worker's child, running the nightly check)
    may not start children of its own: it walks the chain alone."""
    return bool(multiprocessing.current_process().daemon)


def _verify_in_one_process(progress):
    if connection.vendor != "postgresql":
        rows = (
            AccessEvent.objects.order_by("id")
            .values_list(*chain.CHAINED_FIELDS, "key_version", "prev_hash", "hash")
            .iterator(chunk_size=CHUNK_SIZE)
        )
        if progress is not None:
            rows = _counting(rows, progress)
        return chain.walk(rows)
    with transaction.atomic():  # a server-side cursor lives inside a transaction
        rows = _pg_rows(None, None)
        if progress is not None:
            rows = _counting(rows, progress)
        head, broken = chain.walk_canonical(rows, recheck=_recheck)
    return head, _with_datetime(broken)


def _recheck(id_) -> bool:
    """Whether entry `id_` is intact when hashed in Python, as `log.record` hashed it."""
    row = (
        AccessEvent.objects.filter(id=id_)
        .values_list(*chain.CHAINED_FIELDS, "key_version", "prev_hash", "hash")
        .first()
    )
    if row is None:
        return False
    key = keys.keyring().key_for(row[-3])
    return key is not None and chain.entry_hash(row[:-3], row[-2], key) == row[-1]


def _pg_rows(low, high):
    """Rows of (id, time text, canonical prefix, key_version, prev_hash, hash) with
    `low <= id < high`."""
    where, params = "", []
    if low is not None:
        where, params = "WHERE id >= %s AND id < %s", [low, high]
    connection.ensure_connection()
    # Only the fixed expressions above are interpolated.
    sql = (
        f"SELECT id, {_CANONICAL_TIME_SQL}, {_CANONICAL_PREFIX_SQL}, key_version, prev_hash, hash "  # noqa: S608
        f"FROM audit_accessevent {where} ORDER BY id"
    )
    with connection.connection.cursor(name="amanah_verify_audit") as cursor:
        cursor.itersize = FETCH_SIZE
        cursor.execute(sql, params)
        yield from cursor


def _counting(rows, progress):
    for n, row in enumerate(rows, start=1):
        if n % CHUNK_SIZE == 0:
            progress(n)
        yield row


def _with_datetime(broken):
    if broken is not None and isinstance(broken.occurred_at, str):
        return dataclasses.replace(
            broken, occurred_at=datetime.datetime.fromisoformat(broken.occurred_at)
        )
    return broken


def _walk_range(bounds):
    """In a worker: walk one id range from its own first entry.

    Returns ((first id, its prev_hash, its time) or None when the range is empty, the head
    reached, the first break). Whether the range follows the previous one is checked by
    the caller.
    """
    low, high = bounds
    with transaction.atomic():
        rows = _pg_rows(low, high)
        first = next(rows, None)
        if first is None:
            return None, None, None
        start = (first[0], first[-2])

        def all_rows():
            yield first
            yield from rows

        head, broken = chain.walk_canonical(all_rows(), start=start, recheck=_recheck)
    connection.close()
    return (first[0], first[-2], first[1]), head, broken


def _verify_in_parallel(first, last, workers, progress):
    parts = workers * RANGES_PER_WORKER
    step = (last - first) // parts + 1
    ranges = [(low, low + step) for low in range(first, last + 1, step)]
    # Forked workers open their own connections; they must not inherit this one.
    connections.close_all()
    head = chain.Head(0, 0, chain.GENESIS)
    with multiprocessing.get_context("fork").Pool(workers) as pool:
        for start, part_head, broken in pool.imap(_walk_range, ranges):
            if start is None:
                continue
            first_id, first_prev, first_time = start
            expected_id = head.last_id + 1
            if first_id != expected_id:
                return head, _with_datetime(chain._order_break(first_id, expected_id, first_time))
            if first_prev != head.last_hash:
                return head, _with_datetime(
                    chain.Break(first_id, first_time, "does not follow the previous entry")
                )
            if broken is not None and broken.reason == chain.LEGACY_KEY_FAILS and head.count:
                # Legacy entries come first: the ranges before verified some of them, so
                # the key is right and this one was altered.
                broken = dataclasses.replace(broken, reason="has been altered", kind=chain.ALTERED)
            head = chain.Head(head.count + part_head.count, part_head.last_id, part_head.last_hash)
            if broken is not None:
                return head, _with_datetime(broken)
            if progress is not None:
                progress(head.count)
    return head, None


def head_problem(using: str = "default") -> tuple[str, str] | None:
    """(kind, message) when the configured keys cannot verify the newest entry, or None.

    What the start-up check asks: one row and one HMAC. `kind` is `chain.WRONG_KEY` when
    the key is wrong (no listed key has the entry's version, or a legacy entry fails) and
    `chain.ALTERED` when the entry fails under the very key that chained it.
    """
    connection = connections[using]
    with connection.cursor() as cursor:
        if AccessEvent._meta.db_table not in connection.introspection.table_names(cursor):
            return None
    row = (
        AccessEvent.objects.using(using)
        .order_by("-id")
        .values_list(*chain.CHAINED_FIELDS, "key_version", "prev_hash", "hash")
        .first()
    )
    ring = keys.keyring()
    if row is None or not ring.keys:
        return None
    id_, version = row[0], row[-3]
    key = ring.key_for(version)
    if key is None:
        return chain.WRONG_KEY, (
            f"AUDIT_HMAC_KEY lacks the key that chained the access log's newest entry "
            f"#{id_} (key version {version}): it is not the key this log was written with."
        )
    if hmac.compare_digest(chain.entry_hash(row[:-3], row[-2], key), row[-1]):
        return None
    if version == keys.LEGACY:
        return chain.WRONG_KEY, (
            f"AUDIT_HMAC_KEY cannot verify the access log's newest entry #{id_}: it is not "
            "the key this log was written with, or the entry was altered."
        )
    return chain.ALTERED, (
        f"The access log's newest entry #{id_} does not verify under the key that chained "
        "it: the entry was altered."
    )

"""Re-encrypt stored values under the newest FIELD_ENCRYPTION_KEY, in batches.

What the master key encrypts directly is small: each counselee's wrapped data key
(`retention.DataKey.wrapped`), the canary and a few secrets that belong to no counselee.
Content sealed under a data key is left alone (its key is re-wrapped instead), so a
rotation at district scale rewraps 20,000 short keys rather than 500,000 notes; values
still in the older form, under the master key itself, are rotated like the rest.

Tokens are read raw (never through the fields' `from_db_value`) and rewritten with
`MultiFernet.rotate`, which keeps each token's timestamp. A value the newest key alone
can already read is skipped, so a run is idempotent and an interrupted run is resumed by
running it again. Each batch commits on its own, keeping memory and locks small.
"""

import multiprocessing
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from django.apps import apps
from django.db import connection, connections, transaction

from counseling import encryption, fernet, keys

# Batches smaller than this are re-encrypted in this process: starting workers costs more.
PARALLEL_FROM_ROWS = 200


class UnknownKeyError(Exception):
    """A stored value cannot be decrypted with any key in FIELD_ENCRYPTION_KEY."""


@dataclass
class Tally:
    rows: int = 0
    rotated: int = 0  # values re-encrypted under the newest key
    current: int = 0  # values that already were


def encrypted_models() -> list[tuple[type, list[str]]]:
    """Every model with encrypted fields and their names; the encryption canary last.

    The canary goes last so that, once it is under the newest key, everything is.
    """
    canary = apps.get_model("records", "EncryptionCanary")
    found = [
        (m, names) for m in apps.get_models() if (names := encryption.encrypted_field_names(m))
    ]
    # The data keys are wrapped by the master key: rotated like any other value of it.
    found.append((apps.get_model("retention", "DataKey"), ["wrapped"]))
    return sorted(found, key=lambda pair: pair[0] is canary)


def is_sealed(token: str) -> bool:
    """Under a counselee's data key (or erased): nothing for the master key to rotate."""
    return token == keys.ERASED_TOKEN or keys.split(token)[0] is not None


class Rotation:
    """Re-encrypts values; with `workers` > 1 the cryptography runs in that many processes.

    Reading and writing stay in this process, batch by batch, so the order, the
    conditional writes and the stop at an unreadable value are the same either way.
    Call `close()` when done.
    """

    def __init__(self, keys: list[str], batch_size: int, workers: int = 1):
        self.keys = keys
        self.newest = Fernet(keys[0])
        self.every_key = MultiFernet([Fernet(k) for k in keys])
        self.batch_size = batch_size
        self.workers = workers
        self._pool = None

    def _processes(self):
        if self._pool is None:
            # Forked workers must not inherit a database connection; none of them uses one.
            connections.close_all()
            self._pool = multiprocessing.get_context("fork").Pool(
                self.workers, initializer=_start_worker, initargs=(self.keys,)
            )
        return self._pool

    def close(self):
        if self._pool is not None:
            self._pool.close()
            self._pool.join()
            self._pool = None

    def _new_tokens(self, batch) -> list[tuple]:
        """(new tokens or None per column, values already current, failing column or None)."""
        if self.workers < 2 or len(batch) < PARALLEL_FROM_ROWS:
            return [_rotate_tokens(self, stored) for _pk, *stored in batch]
        size = -(-len(batch) // self.workers)
        parts = [
            [stored for _pk, *stored in batch[i : i + size]] for i in range(0, len(batch), size)
        ]
        return [row for part in self._processes().map(_rotate_in_worker, parts) for row in part]

    def _is_current(self, token: str) -> bool:
        try:
            self.newest.decrypt(token.encode())
        except InvalidToken:
            return False
        return True

    def rotate_model(
        self, model, names: list[str], tally: Tally, on_batch: Callable[[Tally], None]
    ) -> None:
        """Rotate one model's encrypted columns, batch by batch in primary-key order."""
        tokens = {f"token_{name}": fernet.raw(name) for name in names}
        rows = model._base_manager.order_by("pk").annotate(**tokens).values_list("pk", *tokens)
        last_pk = None
        while True:
            batch = rows if last_pk is None else rows.filter(pk__gt=last_pk)
            batch = list(batch[: self.batch_size])
            if not batch:
                return
            changes = []
            for (pk, *stored), (new, current, failed) in zip(
                batch, self._new_tokens(batch), strict=True
            ):
                if failed is not None:
                    # Keep what this batch already rotated; the bad row stays untouched.
                    tally.rotated += _write(model, changes)
                    raise UnknownKeyError(
                        f"{model._meta.label}.{names[failed]} of the row with primary key {pk} "
                        "cannot be decrypted with any key in FIELD_ENCRYPTION_KEY."
                    )
                tally.current += current
                row_changes = {
                    name: (old, token)
                    for name, old, token in zip(names, stored, new, strict=True)
                    if token is not None
                }
                if row_changes:
                    changes.append((pk, row_changes))
            tally.rotated += _write(model, changes)
            tally.rows += len(batch)
            last_pk = batch[-1][0]
            on_batch(tally)


def _rotate_tokens(rotation, stored) -> tuple[list, int, int | None]:
    new, current = [], 0
    for index, token in enumerate(stored):
        # None and "": nothing stored (a destroyed data key holds "").
        if not token or is_sealed(token):
            new.append(None)
        elif rotation._is_current(token):
            current += 1
            new.append(None)
        else:
            try:
                new.append(rotation.every_key.rotate(token.encode()).decode())
            except InvalidToken:
                return new, current, index
    return new, current, None


_worker_rotation = None


def _start_worker(keys):
    global _worker_rotation
    _worker_rotation = Rotation(keys, batch_size=0)


def _rotate_in_worker(rows):
    return [_rotate_tokens(_worker_rotation, stored) for stored in rows]


def _write(model, changes: list[tuple[object, dict[str, tuple[str, str]]]]) -> int:
    """Store the new tokens; return how many values were written.

    Each UPDATE is conditional on the old token, so a value the application changed
    meanwhile (already under the newest key) is not overwritten with a stale one.
    """
    by_columns = defaultdict(list)
    for pk, row_changes in changes:
        columns = tuple(model._meta.get_field(name).column for name in row_changes)
        old = [old for old, _ in row_changes.values()]
        new = [new for _, new in row_changes.values()]
        by_columns[columns].append([*new, pk, *old])
    quote = connection.ops.quote_name
    written = 0
    with transaction.atomic(), connection.cursor() as cursor:
        for columns, params in by_columns.items():
            if connection.vendor == "postgresql":
                written += _write_in_one_statement(cursor, model, columns, params)
                continue
            assignments = ", ".join(f"{quote(c)} = %s" for c in columns)
            unchanged = " AND ".join(f"{quote(c)} = %s" for c in columns)
            # Only quoted table and column names from the models are interpolated.
            sql = (
                f"UPDATE {quote(model._meta.db_table)} SET {assignments} "  # noqa: S608
                f"WHERE {quote(model._meta.pk.column)} = %s AND {unchanged}"
            )
            cursor.executemany(sql, params)
            written += max(cursor.rowcount, 0) * len(columns)
    return written


def _write_in_one_statement(cursor, model, columns, params) -> int:
    """The batch as one UPDATE ... FROM (VALUES ...): one statement instead of one per row.

    At hundreds of thousands of rows the per-row statements, not the cryptography, were
    most of the time. Each row is still updated only if it holds the old tokens.
    """
    quote = connection.ops.quote_name
    table, pk = quote(model._meta.db_table), quote(model._meta.pk.column)
    n = len(columns)
    new = [f"new{i}" for i in range(n)]
    old = [f"old{i}" for i in range(n)]
    row = "(" + ", ".join(["%s::text"] * n + ["%s"] + ["%s::text"] * n) + ")"
    assignments = ", ".join(f"{quote(c)} = v.{new[i]}" for i, c in enumerate(columns))
    unchanged = " AND ".join(f"t.{quote(c)} = v.{old[i]}" for i, c in enumerate(columns))
    # Only quoted table and column names from the models are interpolated.
    sql = (
        f"UPDATE {table} AS t SET {assignments} "  # noqa: S608
        f"FROM (VALUES {', '.join([row] * len(params))}) "
        f"AS v({', '.join(new)}, pk, {', '.join(old)}) "
        f"WHERE t.{pk} = v.pk AND {unchanged}"
    )
    cursor.execute(sql, [value for values in params for value in values])
    return max(cursor.rowcount, 0) * n

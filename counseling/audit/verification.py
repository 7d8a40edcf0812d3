"""Walking the whole access log in constant memory."""

from counseling.audit import chain
from counseling.audit.models import AccessEvent

CHUNK_SIZE = 5000


def verify(progress=None) -> tuple[chain.Head, chain.Break | None]:
    """Check every entry in id order; `progress(count)` is called every CHUNK_SIZE rows.

    On PostgreSQL `iterator()` reads through a server-side cursor, so memory stays flat
    however long the log is.
    """
    rows = (
        AccessEvent.objects.order_by("id")
        .values_list(*chain.CHAINED_FIELDS, "prev_hash", "hash")
        .iterator(chunk_size=CHUNK_SIZE)
    )
    if progress is not None:
        rows = _counting(rows, progress)
    return chain.walk(rows)


def _counting(rows, progress):
    for n, row in enumerate(rows, start=1):
        if n % CHUNK_SIZE == 0:
            progress(n)
        yield row

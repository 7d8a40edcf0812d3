"""Every file Amanah exports is written here, so that no cell can run as a formula.

A cell of an export can hold what a person typed: a denied URL, a user agent, and, in
exports yet to come, more. A spreadsheet opening a CSV cell that begins with `=`, `+`,
`-`, `@`, a tab or a carriage return treats it as a formula, which can fetch a URL or run
a command on the admin's computer. OWASP's rule (CSV Injection) is followed: such a cell
is prefixed with a single quote, which spreadsheets show as text. Build every export with
`csv_response`; tests/test_exports.py refuses any other use of the `csv` module.
"""

import csv
from collections.abc import Iterable

from django.http import StreamingHttpResponse

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def safe_cell(value) -> str:
    """`value` as the text of a CSV cell that no spreadsheet reads as a formula."""
    text = "" if value is None else str(value)
    if text.startswith(FORMULA_STARTS):
        return "'" + text
    return text


class _Echo:
    """A file-like object whose `write` hands the line back, for streaming."""

    def write(self, value):
        return value


def csv_lines(header: list[str], rows: Iterable[Iterable]) -> Iterable[str]:
    """The CSV text of `header` and `rows`, line by line, every cell made safe."""
    writer = csv.writer(_Echo())
    yield writer.writerow([safe_cell(name) for name in header])
    for row in rows:
        yield writer.writerow([safe_cell(value) for value in row])


def csv_response(filename: str, header: list[str], rows: Iterable[Iterable]):
    """A streamed CSV download: its size does not matter, rows are read as they go."""
    response = StreamingHttpResponse(
        csv_lines(header, rows), content_type="text/csv; charset=utf-8"
    )
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response

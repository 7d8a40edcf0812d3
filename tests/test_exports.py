"""No exported cell runs as a formula in a spreadsheet (OWASP, CSV Injection)."""

import csv
import io
import re
from pathlib import Path
from urllib.parse import quote

import pytest
from django.urls import reverse

from counseling import exports
from counseling.audit.models import AccessEvent
from tests.subprocesses import ROOT

# What a student might type into the address bar, hoping an admin opens the export.
TYPED = '=HYPERLINK("evil.example";"Klik di sini")'


@pytest.mark.parametrize("start", ["=", "+", "-", "@", "\t", "\r"])
def test_a_cell_beginning_like_a_formula_is_made_text(start):
    assert exports.safe_cell(f"{start}1+1") == f"'{start}1+1"


@pytest.mark.parametrize("value", ["siti", "1001", 42, "", None, "a=b", "10.0.0.1"])
def test_other_cells_are_left_as_they_are(value):
    assert exports.safe_cell(value) == ("" if value is None else str(value))


def exported(response):
    text = b"".join(response.streaming_content).decode()
    return list(csv.reader(io.StringIO(text)))


def test_a_denied_url_a_student_typed_is_exported_as_text(client_for, siti, admin):
    student = client_for(siti)
    assert student.get(f"/book/{quote(TYPED)}/").status_code == 404
    denial = AccessEvent.objects.filter(action="denied").latest("id")
    assert denial.object_id == TYPED  # the log keeps exactly what was typed

    rows = exported(client_for(admin).get(reverse("audit-export")))
    header, *entries = rows
    [row] = [r for r in entries if r[header.index("id")] == str(denial.id)]
    assert row[header.index("object_id")] == "'" + TYPED
    for cell in (cell for r in rows for cell in r):
        assert not cell.startswith(exports.FORMULA_STARTS), cell


def test_every_export_is_written_through_the_one_helper():
    # A new export that builds its CSV by hand would skip the rule above.
    writers = re.compile(r"\bcsv\.(writer|DictWriter)\b")
    offenders = [
        str(path.relative_to(ROOT))
        for folder in ("counseling", "sessions", "consent")
        for path in Path(ROOT, folder).rglob("*.py")
        if writers.search(path.read_text()) and path != Path(ROOT, "counseling", "exports.py")
    ]
    assert offenders == []

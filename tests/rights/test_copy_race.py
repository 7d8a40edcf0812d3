"""A double click on her download link, on PostgreSQL: exactly one file goes out."""

import threading

import pytest
from django.db import connection

from counseling.rights import copies

pytestmark = [
    pytest.mark.skipif(
        connection.vendor != "postgresql",
        reason="SQLite serialises the two clicks itself; the race is PostgreSQL's, CI runs it",
    ),
    pytest.mark.xdist_group("races"),
]


@pytest.mark.django_db(transaction=True)
def test_a_double_click_downloads_exactly_once(released, siti):
    token = copies.issue_link(released, by=siti, format="pdf")
    outcomes = []
    start = threading.Barrier(2)

    def click():
        start.wait()
        try:
            copies.download(token, by=siti)
            outcomes.append("file")
        except copies.LinkUsed:
            outcomes.append("used")
        finally:
            connection.close()

    threads = [threading.Thread(target=click) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert sorted(outcomes) == ["file", "used"]

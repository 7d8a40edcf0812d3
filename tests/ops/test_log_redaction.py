"""A one-time link's token never reaches a log line, whoever writes it."""

import json
import logging

from counseling.ops.logs import JsonFormatter, redact

TOKEN = "Zq3vPgL0b2cF9xKs1NfTjW8mYe5RuH4a"


def test_the_token_of_a_one_time_link_is_left_out_of_a_line():
    record = logging.LogRecord(
        "django.request", logging.WARNING, __file__, 1, "Not Found: %s", (f"/wali/{TOKEN}/",), None
    )
    record.path = f"/accounts/2fa/enrol/{TOKEN}/"
    line = json.loads(JsonFormatter().format(record))
    assert TOKEN not in json.dumps(line)
    assert line["message"] == "Not Found: /wali/[token]/"
    assert line["path"] == "/accounts/2fa/enrol/[token]/"


def test_other_paths_are_left_as_they_are():
    assert redact("/records/5b1c/ and /accounts/2fa/setup/") == (
        "/records/5b1c/ and /accounts/2fa/setup/"
    )

"""Logs: one JSON object per line, in UTC, with the request id on every line of a request
and of the tasks it queued, and no content, not even in an exception's text."""

import io
import json
import logging
from contextlib import contextmanager

import pytest
from django.db import OperationalError, connection
from django.urls import reverse

from counseling.ops.logs import JsonFormatter
from tests.conftest import BOOKING_TOPIC, slot_at
from tests.ops.celery_support import celery_app, celery_includes, own_redis  # noqa: F401
from tests.ops.stack import wait_for

SECRET = "RAHASIA-LOG-5521: aku takut pulang"


class Lines(list):
    """The lines written so far; `now()` while still writing (from the worker's thread)."""

    def __init__(self, stream):
        super().__init__()
        self.stream = stream

    def now(self):
        return [json.loads(line) for line in self.stream.getvalue().splitlines()]


@contextmanager
def json_lines(logger_name=""):
    """Every line logged (to `logger_name` and below) meanwhile, as Amanah writes it."""
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.setFormatter(JsonFormatter())
    logger = logging.getLogger(logger_name)
    logger.addHandler(handler)
    lines = Lines(stream)
    try:
        yield lines
    finally:
        logger.removeHandler(handler)
        lines.extend(lines.now())


def test_a_line_is_json_in_utc_with_its_fields():
    with json_lines("amanah.test") as lines:
        logging.getLogger("amanah.test").warning("outbox message %s not queued", 42)
    [line] = lines
    assert line["message"] == "outbox message 42 not queued"
    assert (line["level"], line["logger"]) == ("WARNING", "amanah.test")
    assert line["time"].endswith("Z") and "T" in line["time"]
    assert "request_id" not in line  # outside a request and a task there is none


def test_an_exception_is_written_without_its_text():
    with json_lines("amanah.test") as lines:
        try:
            int(SECRET)
        except ValueError:
            logging.getLogger("amanah.test").exception("could not parse")
    [line] = lines
    [error] = line["exception"]
    assert error["type"] == "ValueError"
    assert error["message"] is None
    assert any("in test_an_exception_is_written_without_its_text" in f for f in error["frames"])
    assert "RAHASIA" not in json.dumps(line)


def test_the_machinerys_errors_keep_their_text():
    with json_lines("amanah.test") as lines:
        try:
            try:
                raise ConnectionRefusedError(111, "Connection refused")
            except OSError as error:
                raise OperationalError("connection to server at 127.0.0.1 failed") from error
        except OperationalError:
            logging.getLogger("amanah.test").exception("database down")
    cause, error = lines[0]["exception"]
    assert cause["type"] == "ConnectionRefusedError"
    assert "Connection refused" in cause["message"]
    assert error["type"] == "django.db.utils.OperationalError"
    assert "127.0.0.1" in error["message"]


@pytest.mark.django_db
def test_every_line_of_a_request_carries_its_id(client_for, siti):
    client = client_for(siti)
    with json_lines() as lines:
        response = client.get(f"/bookings/{'0' * 8}-0000-4000-8000-{'0' * 12}/")
    assert response.status_code == 404
    assert lines, "the 404 writes at least Django's 'Not Found' line"
    assert {line.get("request_id") for line in lines} == {response["X-Request-ID"]}


@pytest.mark.skipif(
    connection.vendor == "sqlite",
    reason="the notices' publishing thread cannot share pytest-django's in-memory SQLite "
    "database with the request; CI runs this on PostgreSQL",
)
@pytest.mark.django_db(transaction=True)
def test_the_tasks_a_request_queued_log_with_its_id(
    celery_worker, client_for, siti, bu_rina, rina_hours
):
    slot = slot_at(bu_rina)
    client = client_for(siti)
    with json_lines() as lines:
        response = client.post(
            reverse("book-confirm", args=[bu_rina.username, slot.key]), {"topic": BOOKING_TOPIC}
        )
        assert response.status_code == 302
        # Nobody here has an e-mail address: each delivery logs that it sent nothing. (The
        # test waits on the log, not the database, which the worker is writing.)

        def delivered():
            return [line for line in lines.now() if "has no e-mail address" in line["message"]]

        assert wait_for(lambda: len(delivered()) == 2, timeout=60)
        assert wait_for(lambda: len([x for x in lines.now() if "succeeded" in x["message"]]) == 2)
    request_id = response["X-Request-ID"]
    delivered = delivered()
    assert len(delivered) == 2
    assert {line["request_id"] for line in delivered} == {request_id}
    assert all(line["task_id"] != request_id for line in delivered)
    succeeded = [line for line in lines if "succeeded" in line["message"]]
    assert succeeded and {line["request_id"] for line in succeeded} == {request_id}
    assert BOOKING_TOPIC not in json.dumps(lines)


@pytest.mark.django_db(transaction=True)
def test_a_task_from_beat_logs_with_its_own_id(celery_worker):
    from counseling.notices import tasks

    with json_lines("celery.app.trace") as lines:
        result = tasks.requeue_due_notices.delay()
        assert result.get(timeout=20) == 0
        assert wait_for(lambda: result.state == "SUCCESS")
    [line] = [line for line in lines if result.id in line["message"]]
    assert line["request_id"] == result.id

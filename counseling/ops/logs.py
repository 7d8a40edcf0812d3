"""Amanah's logs: one JSON object per line, in UTC, with the request id, never content.

Every process writes the same shape (gunicorn through `GunicornLogger`, Django and Celery
through `LOGGING` in settings):

    {"time": "2025-07-01T02:00:00.123Z", "level": "INFO", "logger": "amanah.audit",
     "message": "...", "request_id": "3f2a...", "process": 4121}

The request id is the one in the `X-Request-ID` response header and in the access log's
entries, so `jq 'select(.request_id == "3f2a...")'` gathers one request from the web
server and every task it queued (see README, "Monitoring").

Amanah's own messages carry ids, never content. What could carry content is an
exception's text (a `ValueError` quoting the value it could not parse, say): a traceback
is written as its exception type and frames only (file, line, function, source line),
with the text kept only for exceptions about the machinery (`describe_exception`).
"""

import datetime
import json
import logging
import re
import socket
import traceback

from counseling.audit import context

# Exceptions whose text is about the machine (a refused connection, a timeout), never
# about a person: their message is kept in logs and error reports.
_MACHINERY = (ConnectionError, TimeoutError, socket.gaierror)
_MACHINERY_NAMES = {
    "django.db.utils.OperationalError",
    "django.db.utils.InterfaceError",
    "psycopg.OperationalError",
    "redis.exceptions.ConnectionError",
    "redis.exceptions.TimeoutError",
    "kombu.exceptions.OperationalError",
    "django.core.exceptions.ImproperlyConfigured",
}

# Attributes a log call may add with `extra=`; anything else stays out of the line.
EXTRA_FIELDS = ("method", "path", "status", "duration_ms", "bytes", "remote", "forwarded_for")


def _qualified_name(exc_type) -> str:
    module = exc_type.__module__
    return exc_type.__qualname__ if module == "builtins" else f"{module}.{exc_type.__qualname__}"


def _machinery(exc) -> bool:
    return isinstance(exc, _MACHINERY) or any(
        _qualified_name(cls) in _MACHINERY_NAMES for cls in type(exc).__mro__
    )


def describe_exception(exc_info) -> list[dict]:
    """The exception and what caused it, outermost last, as Python prints them:
    `[{"type", "message" or None, "frames": ["file:line in function: source"]}]`.

    Frames carry no local variables, and the message only for machinery exceptions.
    """
    _type, exc, tb = exc_info
    chain = []
    seen = set()
    while exc is not None and id(exc) not in seen:
        seen.add(id(exc))
        chain.append((exc, tb))
        cause = exc.__cause__ or (None if exc.__suppress_context__ else exc.__context__)
        exc, tb = cause, getattr(cause, "__traceback__", None)
    described = []
    for exc, tb in reversed(chain):
        frames = [
            f"{frame.filename}:{frame.lineno} in {frame.name}: {(frame.line or '').strip()}"
            for frame in traceback.extract_tb(tb)
        ]
        described.append(
            {
                "type": _qualified_name(type(exc)),
                "message": str(exc)[:500] if _machinery(exc) else None,
                "frames": frames,
            }
        )
    return described


def _current_task_id():
    import sys

    if "celery" not in sys.modules:
        return None
    from celery import current_task

    request = getattr(current_task, "request", None) if current_task else None
    return getattr(request, "id", None)


def request_id_of(record: logging.LogRecord) -> str:
    """The id of the request (or task) a line belongs to, or ''.

    Django writes its line about a 4xx or 5xx after the middleware has returned, so the
    request it passes along says which one it was.
    """
    return (
        getattr(record, "request_id", None)
        or getattr(getattr(record, "request", None), "request_id", None)
        or context.current().request_id
    )


# Paths whose next segment is a secret: the token of a one-time link (a staff member's
# second-factor enrolment, a guardian's consent). A log line keeps the path, never the
# token: whoever reads the logs must not be able to open the link.
SECRET_PATH_PREFIXES = ("/accounts/2fa/enrol/", "/wali/")
_SECRET_SEGMENT = re.compile(
    "(" + "|".join(re.escape(prefix) for prefix in SECRET_PATH_PREFIXES) + r")[^/\s\"'?]+"
)


def redact(text: str) -> str:
    """`text` with the token of every one-time link replaced by "[token]"."""
    return _SECRET_SEGMENT.sub(r"\1[token]", text)


class JsonFormatter(logging.Formatter):
    def format(self, record):
        line = {
            "time": datetime.datetime.fromtimestamp(record.created, datetime.UTC)
            .isoformat(timespec="milliseconds")
            .replace("+00:00", "Z"),
            "level": record.levelname,
            "logger": record.name,
            "message": redact(record.getMessage()),
            "request_id": request_id_of(record),
            "process": record.process,
        }
        task_id = _current_task_id()
        if task_id:
            line["task_id"] = task_id
        for name in EXTRA_FIELDS:
            if hasattr(record, name):
                value = getattr(record, name)
                line[name] = redact(value) if isinstance(value, str) else value
        if record.exc_info and record.exc_info[1] is not None:
            line["exception"] = describe_exception(record.exc_info)
        if not line["request_id"]:
            del line["request_id"]
        return json.dumps(line, ensure_ascii=False, default=str)


class WithholdTaskErrors(logging.Filter):
    """Celery writes a failed or retried task's exception text into the message itself
    ("Task x[id] raised unexpected: ValueError('...')"); keep its type only."""

    def filter(self, record):
        args = record.args
        if isinstance(args, dict) and "exc" in args:
            exc_info = record.exc_info
            kind = _qualified_name(exc_info[0]) if exc_info and exc_info[0] else "an error"
            withheld = {**args, "exc": kind, "traceback": "", "args": "", "kwargs": ""}
            record.args = withheld
            if isinstance(getattr(record, "data", None), dict):
                record.data = withheld
        return True

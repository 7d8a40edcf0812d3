"""Error reports to the people in `ADMINS`, without any content.

With `ADMINS` set and `DEBUG` off, a 500 (logger `django`) and a failed task (logger
`celery.app.trace`) are e-mailed to the admins. Django's own report would hold the
traceback's local variables, the POST data and the cookies: a note being saved, a
booking's topic, a session key. This one holds where it happened (method, path without
its query, request id, user id and role, task name and id), the exception's type and its
frames (file, line, function, source line), and nothing a person typed.
"""

import datetime
import logging
import socket

from django.core import mail
from django.views.debug import SafeExceptionReporterFilter

from counseling.ops.logs import describe_exception, redact, request_id_of

WITHHELD = "(withheld: it could quote what someone typed)"


class ContentFreeReporterFilter(SafeExceptionReporterFilter):
    """Django's technical error page and reports, with no variable and no form field.

    Active whatever `DEBUG` says: a developer's error page on real data must not show a
    decrypted note either.
    """

    def is_active(self, request):
        return True

    def get_post_parameters(self, request):
        if request is None:
            return {}
        return {name: self.cleansed_substitute for name in request.POST}

    def get_traceback_frame_variables(self, request, tb_frame):
        return []


def _user(request) -> str | None:
    try:
        user = request.user
    except Exception:  # the error may be in authentication itself
        return None
    if not getattr(user, "is_authenticated", False):
        return "anonymous"
    return f"#{user.pk} ({getattr(user, 'role', '') or 'no role'})"


def compose(record: logging.LogRecord) -> tuple[str, str]:
    """(subject, body) of the report on `record`."""
    message = record.getMessage().splitlines()[0][:200] if record.getMessage() else ""
    request = getattr(record, "request", None)
    request_id = request_id_of(record)
    lines = [
        f"Amanah reported an error on {socket.gethostname()}.",
        "",
        "When:       "
        + datetime.datetime.fromtimestamp(record.created, datetime.UTC).isoformat(
            timespec="seconds"
        ),
        f"Logger:     {record.name} ({record.levelname})",
        f"Message:    {message}",
    ]
    if request_id:
        lines.append(f"Request id: {request_id}")
    if request is not None:
        lines.append(f"Request:    {request.method} {redact(request.path)}")
        lines.append(f"User:       {_user(request)}")
    if isinstance(record.args, dict) and "name" in record.args and "id" in record.args:
        lines.append(f"Task:       {record.args['name']} [{record.args['id']}]")
    if record.exc_info and record.exc_info[1] is not None:
        for part in describe_exception(record.exc_info):
            lines += ["", f"{part['type']}: {part['message'] or WITHHELD}"]
            lines += [f"  {frame}" for frame in part["frames"]]
    if request_id:
        lines += [
            "",
            "Every log line of this request or task:",
            f"  journalctl -u 'amanah-*' -o cat | jq -c 'select(.request_id == \"{request_id}\")'",
        ]
    lines += [
        "",
        "This report holds no counseling content: no variables, no form fields, no cookies,",
        "and no error text that could quote what someone typed.",
    ]
    return f"{record.levelname}: {message}", "\n".join(lines) + "\n"


class AdminEmailHandler(logging.Handler):
    """E-mail `compose(record)` to `ADMINS` (through Django's `mail_admins`)."""

    def emit(self, record):
        try:
            subject, body = compose(record)
            mail.mail_admins(subject, body, fail_silently=True)
        except Exception:
            self.handleError(record)

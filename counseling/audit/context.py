"""Where a request came from, for the access log, without threading `request` everywhere.

The middleware stores the client's address, user agent and a request id in a context
variable; `counseling.audit.log.record` reads it, and so does every log line
(`counseling.ops.logs`). A Celery task carries the id of the request that queued it
(`counseling.ops.celery_hooks`); outside both (commands) the context is empty.
"""

import contextvars
import uuid
from dataclasses import dataclass

from django.conf import settings


@dataclass(frozen=True)
class RequestContext:
    ip_address: str | None = None
    user_agent: str = ""
    request_id: str = ""


_NO_REQUEST = RequestContext()
_current = contextvars.ContextVar("audit_request_context", default=None)


def current() -> RequestContext:
    return _current.get() or _NO_REQUEST


def is_set() -> bool:
    return _current.get() is not None


def enter(request_context: RequestContext) -> contextvars.Token:
    """Make `request_context` current (for a Celery task); undo with `leave(token)`."""
    return _current.set(request_context)


def leave(token: contextvars.Token) -> None:
    _current.reset(token)


def client_ip(request) -> str | None:
    # Behind the reverse proxy the client's address is the last hop it appended.
    if settings.AMANAH_TRUST_X_FORWARDED_FOR:
        forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
        if forwarded:
            return forwarded.split(",")[-1].strip() or None
    return request.META.get("REMOTE_ADDR") or None


class AuditContextMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        request_id = uuid.uuid4().hex
        # Django logs a 4xx or 5xx after the middleware has returned, with the request.
        request.request_id = request_id
        token = _current.set(
            RequestContext(
                ip_address=client_ip(request),
                user_agent=request.META.get("HTTP_USER_AGENT", "")[:300],
                request_id=request_id,
            )
        )
        try:
            response = self.get_response(request)
        finally:
            _current.reset(token)
        response["X-Request-ID"] = request_id
        return response

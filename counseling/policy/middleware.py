"""Answer a refused action as the policy answers a refused read: a logged 404."""

from typing import Any

from counseling.policy.core import Denied, deny_object


class DeniedMiddleware:
    """Turn `policy.Denied`, raised by a service under its lock, into a logged 404.

    The view fetched the object through a policy getter, so the user could read it; the
    action itself is not hers to take (an ended assignment, a declared conflict, someone
    else's booking). She is answered as if the page did not exist, and the access log
    records the attempt against the counselee it was aimed at.
    """

    def __init__(self, get_response: Any) -> None:
        self.get_response = get_response

    def __call__(self, request: Any) -> Any:
        return self.get_response(request)

    def process_exception(self, request: Any, exception: Exception) -> None:
        if isinstance(exception, Denied):
            deny_object(request.user, exception.obj, exception.counselee)

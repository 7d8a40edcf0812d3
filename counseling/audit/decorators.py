"""Views that show confidential content record it by construction."""

from functools import wraps

from counseling import policy
from counseling.audit import log
from counseling.records.models import Counselee


def counselee_of(obj) -> Counselee:
    return obj if isinstance(obj, Counselee) else obj.counselee


def shows_confidential(getter, *, action=log.Action.VIEW):
    """Fetch the object named in the URL through a policy getter, and log the look.

    `getter(user, public_id)` returns the object or raises `Http404` (and logs the
    denial). The view receives the object instead of the id, so it cannot show the
    object without the access log knowing, and with it the policy's decisions about the
    record (`policy.RecordAccess`), asked once for both the log and the page:

        @shows_confidential(policy.get_counselee_for)
        def counselee_detail(request, counselee, access): ...
    """

    def decorator(view):
        @wraps(view)
        def wrapper(request, public_id, *args, **kwargs):
            with policy.one_decision_per_record():
                obj = getter(request.user, public_id)
                counselee = counselee_of(obj)
                access = policy.record_access(request.user, counselee)
            log.record(
                action,
                actor=request.user,
                obj=obj,
                counselee=counselee,
                purpose=access.purpose,
                emergency_access=access.emergency_access,
            )
            return view(request, obj, access, *args, **kwargs)

        return wrapper

    return decorator

"""The vocabulary every policy module shares: roles, the refusal, and the getter helper."""

from collections.abc import Callable
from functools import wraps
from typing import Any, NoReturn, TypeGuard, TypeVar

from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Model, QuerySet
from django.http import Http404

from counseling.accounts.models import User
from counseling.audit import log
from counseling.audit.models import AccessEvent
from counseling.records.models import Counselee

Role = User.Role
Purpose = AccessEvent.Purpose

# Whoever a request comes from: a signed-in user, or a visitor who is not.
Person = User | AnonymousUser

M = TypeVar("M", bound=Model)
V = TypeVar("V", bound=Callable[..., Any])


class Denied(PermissionDenied):
    """A service refused an action that the policy does not allow `user` to take.

    Raised by services after asking a `may_*` predicate under their lock. The
    `DeniedMiddleware` writes the denial to the access log and answers 404, the same
    answer as for an object that does not exist.
    """

    def __init__(self, obj: Model | None = None, *, counselee: Counselee | None = None):
        super().__init__()
        self.obj = obj
        self.counselee = counselee


def has_role(user: Person, *roles: str) -> TypeGuard[User]:
    """Whether `user` is signed in, active, and has one of `roles`."""
    return bool(user.is_authenticated and user.is_active and user.role in roles)


def deny(
    user: Person,
    *,
    object_type: str = "",
    object_id: str = "",
    counselee: Counselee | None = None,
) -> NoReturn:
    """Record a denied attempt by a signed-in user, then answer as if nothing were there."""
    if user.is_authenticated:
        log.record(
            log.Action.DENIED,
            actor=user,
            object_type=object_type,
            object_id=object_id,
            counselee=counselee,
        )
    raise Http404


def deny_object(user: Person, obj: Model | None, counselee: Counselee | None = None) -> NoReturn:
    object_type, object_id = log.object_ref(obj)
    deny(user, object_type=object_type, object_id=object_id, counselee=counselee)


def role_required(*roles: str) -> Callable[[V], V]:
    """View decorator: users of other roles get 404, as if the page did not exist."""

    def decorator(view: V) -> V:
        @wraps(view)
        def wrapper(request: Any, *args: Any, **kwargs: Any) -> Any:
            if not has_role(request.user, *roles):
                deny(request.user, object_type="page", object_id=request.path)
            return view(request, *args, **kwargs)

        return wrapper  # type: ignore[return-value]

    return decorator


def allowed_by(predicate: Callable[[Person], bool]) -> Callable[[V], V]:
    """View decorator: users `predicate` refuses get 404, as `role_required` answers.

    For pages whose audience is a policy question (`can_audit`) rather than a list of
    roles, so that the view and the querysets behind it ask the same predicate.
    """

    def decorator(view: V) -> V:
        @wraps(view)
        def wrapper(request: Any, *args: Any, **kwargs: Any) -> Any:
            if not predicate(request.user):
                deny(request.user, object_type="page", object_id=request.path)
            return view(request, *args, **kwargs)

        return wrapper  # type: ignore[return-value]

    return decorator


def by_public_id(queryset: QuerySet[M], public_id: Any) -> M | None:
    """The row with `public_id`, or None for no such row and for a malformed id alike."""
    try:
        return queryset.filter(public_id=public_id).first()
    except ValidationError:
        return None


def fetch(
    user: Person,
    queryset: QuerySet[M],
    public_id: Any,
    *,
    may: Callable[[M], bool],
    counselee_of: Callable[[M], Counselee | None] = lambda obj: None,
) -> M:
    """The object with `public_id` if `may(obj)`, else `Http404` with the denial logged.

    The one getter behind every `get_*_for`: "does not exist" and "may not know about
    it" look the same, and a refusal is recorded against the counselee it was aimed at.
    """
    obj = by_public_id(queryset, public_id)
    if obj is not None and may(obj):
        return obj
    deny(
        user,
        object_type=queryset.model._meta.label_lower,
        object_id=str(public_id),
        counselee=counselee_of(obj) if obj is not None else None,
    )


def require(allowed: bool, obj: Model | None = None, *, counselee: Counselee | None = None) -> None:
    """In a service, under its lock: raise `Denied` unless the predicate allowed it."""
    if not allowed:
        raise Denied(obj, counselee=counselee)

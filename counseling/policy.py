"""Every confidentiality decision in Amanah, made here and nowhere else.

Views, templates, querysets, the admin site and exports ask this module. Lists are
querysets narrowed for the user, so a forgotten check shows an empty page, not a leak.
Single objects come from `get_*_for(user, id)`, which raise `Http404` both when the
object does not exist and when the user may not know about it: the two look the same.

The rules (DESIGN.md): a counselor reads content only for counselees on their active
caseload; a student sees their own record and nothing about anyone else; an admin sees
metadata and never content.
"""

from functools import wraps

from django.core.exceptions import ValidationError
from django.http import Http404

from counseling.accounts.models import User
from counseling.records.models import CaseAssignment, ConflictOfInterest, Counselee

Role = User.Role


def has_role(user, *roles) -> bool:
    return user.is_authenticated and user.is_active and user.role in roles


def role_required(*roles):
    """View decorator: users of other roles get 404, as if the page did not exist."""

    def decorator(view):
        @wraps(view)
        def wrapper(request, *args, **kwargs):
            if not has_role(request.user, *roles):
                raise Http404
            return view(request, *args, **kwargs)

        return wrapper

    return decorator


def can_use_admin_site(user) -> bool:
    return has_role(user, Role.ADMIN)


# Counselee records


def counselees_for(user):
    """The counselee records `user` may know exist: own, caseload, or (admin) directory."""
    records = Counselee.objects.select_related("user")
    if has_role(user, Role.STUDENT):
        return records.filter(user=user)
    if has_role(user, Role.COUNSELOR):
        return records.filter(assignments__counselor=user, assignments__ended_at__isnull=True)
    if has_role(user, Role.ADMIN):
        return records
    return records.none()


def get_counselee_for(user, public_id) -> Counselee:
    """The counselee with `public_id` if `user` may open the record, else `Http404`."""
    if not has_role(user, Role.STUDENT, Role.COUNSELOR):
        raise Http404
    try:
        return counselees_for(user).get(public_id=public_id)
    except (Counselee.DoesNotExist, ValidationError):
        raise Http404 from None


def is_assigned(counselor, counselee) -> bool:
    return (
        has_role(counselor, Role.COUNSELOR)
        and CaseAssignment.objects.active()
        .filter(counselor=counselor, counselee=counselee)
        .exists()
    )


def can_read_counseling_data(user, counselee) -> bool:
    """Encrypted counseling content: only a counselor with the counselee on the caseload."""
    return is_assigned(user, counselee)


def can_read_contact(user, counselee) -> bool:
    """Guardian contact details: the student's own data, and their counselor's."""
    if has_role(user, Role.STUDENT):
        return counselee.user_id == user.pk
    return is_assigned(user, counselee)


# Conflicts of interest


def has_conflict(counselor, counselee) -> bool:
    return ConflictOfInterest.objects.filter(counselor=counselor, counselee=counselee).exists()


def conflicts_for(user):
    """Conflict declarations `user` may list: a counselor's own, or all for an admin."""
    declarations = ConflictOfInterest.objects.select_related("counselee__user", "counselor")
    if has_role(user, Role.COUNSELOR):
        return declarations.filter(counselor=user)
    if has_role(user, Role.ADMIN):
        return declarations
    return declarations.none()

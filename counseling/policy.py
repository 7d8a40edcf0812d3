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
from django.db.models import Q
from django.http import Http404
from django.utils import timezone

from counseling.accounts.models import User
from counseling.audit import log
from counseling.audit.models import AccessEvent, EmergencyAccess
from counseling.records.models import CaseAssignment, ConflictOfInterest, Counselee

Role = User.Role
Purpose = AccessEvent.Purpose


def has_role(user, *roles) -> bool:
    return user.is_authenticated and user.is_active and user.role in roles


def role_required(*roles):
    """View decorator: users of other roles get 404, as if the page did not exist."""

    def decorator(view):
        @wraps(view)
        def wrapper(request, *args, **kwargs):
            if not has_role(request.user, *roles):
                deny(request.user, object_type="page", object_id=request.path)
            return view(request, *args, **kwargs)

        return wrapper

    return decorator


def deny(user, *, object_type="", object_id="", counselee=None):
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


def can_use_admin_site(user) -> bool:
    return has_role(user, Role.ADMIN)


def can_audit(user) -> bool:
    return has_role(user, Role.ADMIN)


# Counselee records


def caseload_for(user):
    """A counselor's active caseload (empty for everyone else)."""
    if not has_role(user, Role.COUNSELOR):
        return Counselee.objects.none()
    assigned = CaseAssignment.objects.active().filter(counselor=user).values("counselee_id")
    return Counselee.objects.select_related("user").filter(pk__in=assigned)


def active_emergency_accesses(user):
    return EmergencyAccess.objects.filter(counselor=user, expires_at__gt=timezone.now())


def counselees_for(user):
    """The counselee records `user` may open.

    A student: their own. A counselor: the caseload, plus any counselee they hold
    unexpired emergency access to. An admin: the directory (never the content).
    """
    records = Counselee.objects.select_related("user")
    if has_role(user, Role.STUDENT):
        return records.filter(user=user)
    if has_role(user, Role.COUNSELOR):
        assigned = CaseAssignment.objects.active().filter(counselor=user).values("counselee_id")
        emergency = active_emergency_accesses(user).values("counselee_id")
        return records.filter(Q(pk__in=assigned) | Q(pk__in=emergency))
    if has_role(user, Role.ADMIN):
        return records
    return records.none()


def get_counselee_for(user, public_id) -> Counselee:
    """The counselee with `public_id` if `user` may open the record, else `Http404`.

    A refusal is recorded in the access log against the counselee it was aimed at.
    """
    try:
        if has_role(user, Role.STUDENT, Role.COUNSELOR):
            return counselees_for(user).get(public_id=public_id)
    except (Counselee.DoesNotExist, ValidationError):
        pass
    try:
        target = Counselee.objects.filter(public_id=public_id).first()
    except ValidationError:
        target = None
    deny(user, object_type="records.counselee", object_id=str(public_id), counselee=target)


def is_assigned(counselor, counselee) -> bool:
    if not has_role(counselor, Role.COUNSELOR):
        return False
    return CaseAssignment.objects.active().filter(counselor=counselor, counselee=counselee).exists()


def emergency_access_to(user, counselee) -> EmergencyAccess | None:
    """The counselor's unexpired emergency access to `counselee`, if any."""
    if not has_role(user, Role.COUNSELOR):
        return None
    grants = active_emergency_accesses(user).filter(counselee=counselee)
    return grants.order_by("-expires_at").first()


def access_basis(user, counselee) -> tuple[str, EmergencyAccess | None]:
    """Why `user` may open `counselee`'s record: the purpose logged with each view."""
    if has_role(user, Role.STUDENT) and counselee.user_id == user.pk:
        return Purpose.OWN, None
    if is_assigned(user, counselee):
        return Purpose.CASELOAD, None
    access = emergency_access_to(user, counselee)
    if access is not None:
        return Purpose.EMERGENCY, access
    if has_role(user, Role.ADMIN):
        return Purpose.ADMINISTRATION, None
    return Purpose.NONE, None


def can_read_counseling_data(user, counselee) -> bool:
    """Encrypted counseling content: the caseload's counselor, or one under emergency access."""
    return is_assigned(user, counselee) or emergency_access_to(user, counselee) is not None


def can_write_counseling_data(user, counselee) -> bool:
    """Writing stays with the counselor on the case; emergency access is read-only."""
    return is_assigned(user, counselee)


def can_request_emergency_access(user, counselee) -> bool:
    return (
        has_role(user, Role.COUNSELOR)
        and not is_assigned(user, counselee)
        and not has_conflict(user, counselee)
    )


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


# The access log and emergency access


def events_for(user):
    """Access-log entries `user` may read: all for an admin, their own record's for a student.

    A student sees every event about them (who opened their record, when and why),
    and nothing about anyone else.
    """
    events = AccessEvent.objects.select_related("actor", "counselee__user", "emergency_access")
    if has_role(user, Role.ADMIN):
        return events
    if has_role(user, Role.STUDENT):
        # Disclosures reach the student through the disclosure register, and only once
        # the counselor has marked it safe to tell them.
        return events.filter(counselee__user=user).exclude(action=AccessEvent.Action.DISCLOSE)
    return events.none()


def emergency_accesses_for(user):
    accesses = EmergencyAccess.objects.select_related("counselor", "counselee__user", "reviewed_by")
    if has_role(user, Role.ADMIN):
        return accesses
    if has_role(user, Role.COUNSELOR):
        return accesses.filter(counselor=user)
    return accesses.none()


def get_emergency_access_for(user, public_id) -> EmergencyAccess:
    try:
        if has_role(user, Role.ADMIN):
            return emergency_accesses_for(user).get(public_id=public_id)
    except (EmergencyAccess.DoesNotExist, ValidationError):
        pass
    deny(user, object_type="audit.emergencyaccess", object_id=str(public_id))


# Disclosures


def disclosures_for(user):
    """Disclosures `user` may know about.

    The counselor on the case sees all of the counselee's; the student sees their own
    once the counselor has marked that they were told; admins learn of them through the
    access log, never their content.
    """
    from consent.models import Disclosure

    disclosures = Disclosure.objects.select_related("counselor", "counselee__user")
    if has_role(user, Role.COUNSELOR):
        assigned = CaseAssignment.objects.active().filter(counselor=user).values("counselee_id")
        emergency = active_emergency_accesses(user).values("counselee_id")
        return disclosures.filter(Q(counselee__in=assigned) | Q(counselee__in=emergency))
    if has_role(user, Role.STUDENT):
        return disclosures.filter(counselee__user=user, student_informed=True)
    return disclosures.none()


def get_disclosure_for(user, public_id):
    from consent.models import Disclosure

    try:
        if has_role(user, Role.COUNSELOR):
            return disclosures_for(user).get(public_id=public_id)
    except (Disclosure.DoesNotExist, ValidationError):
        pass
    deny(user, object_type="consent.disclosure", object_id=str(public_id))

"""Who reads which notices: each person her own, whatever her role."""

from django.db.models import QuerySet
from django.utils import timezone

from counseling.accounts.models import User
from counseling.notices.models import Notice
from counseling.policy.core import Person, Role, fetch


def notices_for(user: Person) -> QuerySet[Notice]:
    """A person's own notices that are due and not withdrawn, newest first; nobody
    else's (a notice says only what happened and where to look)."""
    if not isinstance(user, User):
        return Notice.objects.none()
    return Notice.objects.filter(
        recipient=user, cancelled_at__isnull=True, send_after__lte=timezone.now()
    ).order_by("-send_after", "-pk")


def get_notice_for(user: Person, public_id: object) -> Notice:
    """One of the user's own notices, else `Http404` (logged)."""
    return fetch(user, notices_for(user), public_id, may=lambda notice: True)


def alerted_admins() -> QuerySet[User]:
    """The people alerted to disclosures, emergency access and a broken access log."""
    return User.objects.filter(role=Role.ADMIN, is_active=True)

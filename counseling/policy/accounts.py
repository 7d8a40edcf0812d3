"""Who reaches the admin site, and how strongly a user must have signed in."""

from typing import Any, cast

from django.conf import settings
from django.db.models import QuerySet

from counseling.accounts.models import User
from counseling.policy.core import Person, Role, has_role


def can_use_admin_site(user: Person) -> bool:
    return has_role(user, Role.ADMIN)


def may_publish_consent(user: Person) -> bool:
    """Consent document versions are the school's, published by an admin."""
    return has_role(user, Role.ADMIN)


def may_act_on_own_consent(user: Person, student: Person) -> bool:
    """Acknowledge or withdraw: the student herself, never anyone on her behalf."""
    return has_role(user, Role.STUDENT) and student.pk == user.pk


def needs_second_factor(user: Person) -> bool:
    """A counselor, admin or data protection officer signed in with the password alone
    reaches no data."""
    return bool(
        settings.AMANAH_REQUIRE_2FA
        and has_role(user, Role.COUNSELOR, Role.ADMIN, Role.DPO)
        # django-otp's middleware gives each user `is_verified()`.
        and not cast(Any, user).is_verified()
    )


def enrols_second_factor(user: Person) -> bool:
    """Counselors, admins and the data protection officer enrol a second factor, through
    a one-time link to their own e-mail address; students have none."""
    return has_role(user, Role.COUNSELOR, Role.ADMIN, Role.DPO)


def must_choose_password(user: Person) -> bool:
    """A password an admin set is temporary: it leads only to "choose your own".

    After the second factor, for those who have one: the admin who typed the password
    must not be the one who chooses the next.
    """
    return (
        user.is_authenticated
        and bool(getattr(user, "password_is_temporary", False))
        and not needs_second_factor(user)
    )


def may_manage_accounts(user: Person) -> bool:
    """Set temporary passwords, send enrolment links, unlock accounts: the admin's."""
    return has_role(user, Role.ADMIN)


def is_coordinator(user: Person) -> bool:
    """The school's BK coordinator: an active counselor the admin named as such."""
    return has_role(user, Role.COUNSELOR) and user.is_coordinator


def coordinators() -> "QuerySet[User]":
    """Who coordinates BK: receives escalations and picks receivers of referrals."""
    return User.objects.filter(role=Role.COUNSELOR, is_active=True, is_coordinator=True)


def enrolment_approvers_for(link: Any) -> "QuerySet[User]":
    """Who may approve a link that replaces a second factor: every other active admin,
    never the one who asked for it nor its owner."""
    return User.objects.filter(role=Role.ADMIN, is_active=True).exclude(
        pk__in=[link.issued_by_id or 0, link.user_id]
    )


def may_approve_enrolment_link(user: Person, link: Any) -> bool:
    """A second admin: not the one who issued the link, and not its owner."""
    return (
        may_manage_accounts(user)
        and user.pk not in (link.issued_by_id, link.user_id)
        and link.approved_at is None
    )

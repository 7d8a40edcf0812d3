"""Who may book, see, change and answer booking requests, and publish hours.

A booking's topic is for the student who wrote it and the counselor she booked, while
that counselor may still act on it: her request waits for an answer, or she is on the
case. An ended assignment or a declared conflict takes the booking out of her reach at
once. Urgent requests are the exception that lets every counselor without a conflict
open the request (time and urgency, never the topic) and take it.
"""

from typing import Any, TypeGuard

from django.db.models import Exists, OuterRef, Q, QuerySet
from django.utils import timezone

from counseling.accounts.models import User
from counseling.encryption import encrypted_paths
from counseling.policy.core import Person, Role, deny, fetch, has_role
from counseling.policy.records import has_active_assignment, is_restricted, record_access
from counseling.records.models import CaseAssignment, ConflictOfInterest, Counselee
from sessions.models import AvailabilityRule, Booking, DayOff

Requested = Booking.Status.REQUESTED


def bookable_counselors_for(user: Person) -> QuerySet[User]:
    """The counselors a student may book: their assigned counselor(s), or any counselor
    while they have none; never one who declared a conflict of interest with them.

    One query, without looking the student's record up first: it runs on every booking.
    """
    if not has_role(user, Role.STUDENT):
        return User.objects.none()
    assigned = CaseAssignment.objects.active().filter(counselee__user=user)
    conflicted = ConflictOfInterest.objects.filter(counselee__user=user, counselor=OuterRef("pk"))
    return (
        User.objects.filter(role=Role.COUNSELOR, is_active=True)
        .filter(Exists(Counselee.objects.filter(user=user)))
        .filter(~Exists(assigned) | Exists(assigned.filter(counselor=OuterRef("pk"))))
        .exclude(Exists(conflicted))
        .order_by("full_name")
    )


def can_book(user: Person, counselor: User) -> bool:
    return bookable_counselors_for(user).filter(pk=counselor.pk).exists()


def may_book(user: Person, counselee: Counselee, counselor: User) -> bool:
    """A student books for herself, a counselor she may book, unless she asked that her
    data be processed no further for now."""
    return (
        counselee.user_id == user.pk and not is_restricted(counselee) and can_book(user, counselor)
    )


def get_bookable_counselor_for(user: Person, username: str) -> User:
    """A counselor `user` may book, named by username in the URL; else `Http404` (logged).

    Counselors are staff and appear in URLs by username; a student who may not book one
    (a declared conflict, or not their counselor) is answered as if they did not exist.
    """
    counselor = bookable_counselors_for(user).filter(username=username).first()
    if counselor is None:
        deny(user, object_type="accounts.user", object_id=str(username))
    return counselor


def _bookings() -> QuerySet[Booking]:
    return Booking.objects.select_related("counselee__user", "counselor", "session")


def bookings_for(user: Person) -> QuerySet[Booking]:
    """A student's own bookings; a counselor's bookings that are still hers to act on:
    requests waiting for her answer, and every booking of a student on her caseload."""
    bookings = _bookings()
    if has_role(user, Role.STUDENT):
        return bookings.filter(counselee__user=user)
    if has_role(user, Role.COUNSELOR):
        assigned = CaseAssignment.objects.active().filter(
            counselor=user, counselee=OuterRef("counselee_id")
        )
        conflicted = ConflictOfInterest.objects.filter(
            counselor=user, counselee=OuterRef("counselee_id")
        )
        return bookings.filter(counselor=user).filter(
            (Q(status=Requested) | Exists(assigned)) & ~Exists(conflicted)
        )
    return bookings.none()


def may_read_booking(user: Person, booking: Booking) -> bool:
    """`bookings_for`, for one booking."""
    if has_role(user, Role.STUDENT):
        return booking.counselee.user_id == user.pk
    if not has_role(user, Role.COUNSELOR) or booking.counselor_id != user.pk:
        return False
    if is_restricted(booking.counselee):
        return False
    access = record_access(user, booking.counselee)
    return not access.conflicted and (booking.status == Requested or access.write_counseling_data)


def get_booking_for(user: Person, public_id: Any) -> Booking:
    """A booking `user` may read (its topic included), else `Http404` (logged)."""
    return fetch(
        user,
        _bookings(),
        public_id,
        may=lambda booking: may_read_booking(user, booking),
        counselee_of=lambda booking: booking.counselee,
    )


def booking_requests_for(user: Person) -> QuerySet[Booking]:
    """A counselor's open requests: urgent first, then the earliest. Empty for others."""
    if not has_role(user, Role.COUNSELOR):
        return Booking.objects.none()
    return bookings_for(user).filter(status=Requested).order_by("-urgent", "start")


def may_cancel(user: Person, booking: Booking) -> bool:
    """The student cancels her own booking; the counselor one she may act on."""
    return may_read_booking(user, booking)


def may_reschedule(user: Person, booking: Booking) -> bool:
    """Only the student moves her booking; the moved request goes back to the counselor."""
    return has_role(user, Role.STUDENT) and booking.counselee.user_id == user.pk


def may_decline(user: Person, booking: Booking) -> bool:
    return has_role(user, Role.COUNSELOR) and may_read_booking(user, booking)


def may_confirm(user: Person, booking: Booking) -> bool:
    """The booked counselor confirms, when the request is the student's own asking.

    She is on the case; or the student had no counselor and booked her (her own request
    opens a case, seed 004 a); or she took the urgent request. A request made before her
    assignment to this student ended is never hers to confirm: nothing she can still
    click puts her back on the case.
    """
    if not has_role(user, Role.COUNSELOR) or booking.counselor_id != user.pk:
        return False
    if is_restricted(booking.counselee):
        return False
    access = record_access(user, booking.counselee)
    if access.conflicted:
        return False
    if access.write_counseling_data:
        return True
    ended_since = CaseAssignment.objects.filter(
        counselor=user, counselee=booking.counselee, ended_at__gte=booking.created_at
    ).exists()
    if ended_since:
        return False
    return booking.urgent or not has_active_assignment(booking.counselee)


# Urgent requests: every counselor without a conflict may open and take one.


def _open_urgent() -> QuerySet[Booking]:
    return Booking.objects.filter(urgent=True, status=Requested, end__gt=timezone.now())


def urgent_requests_for(user: Person) -> QuerySet[Booking]:
    """Open urgent requests `user` may take, booked with another counselor.

    Only what is needed to take one: the time, the class, how long it has waited; the
    topic is read on the booking page once it is hers.
    """
    if not has_role(user, Role.COUNSELOR):
        return Booking.objects.none()
    conflicted = ConflictOfInterest.objects.filter(
        counselor=user, counselee=OuterRef("counselee_id")
    )
    return (
        _open_urgent()
        .exclude(counselor=user)
        .exclude(Exists(conflicted))
        .select_related("counselee__user", "counselor")
        .defer("topic", *encrypted_paths(Counselee, "counselee"))
        .order_by("created_at")
    )


def urgent_alert_recipients(counselee: Counselee) -> QuerySet[User]:
    """Who is alerted to an urgent request: every active counselor without a conflict."""
    conflicted = ConflictOfInterest.objects.filter(counselee=counselee).values("counselor_id")
    return User.objects.filter(role=Role.COUNSELOR, is_active=True).exclude(pk__in=conflicted)


def may_see_urgent_request(user: Person, booking: Booking) -> bool:
    """An urgent request is open to every counselor without a conflict with the student
    until its time has passed: while it waits, the time, class and waiting time; once
    taken, only who took it."""
    return (
        has_role(user, Role.COUNSELOR)
        and booking.urgent
        and booking.end > timezone.now()
        and not record_access(user, booking.counselee).conflicted
    )


def may_take_urgent_request(user: Person, booking: Booking) -> bool:
    """An urgent request still waiting, and a counselor without a conflict with the student."""
    return (
        may_see_urgent_request(user, booking)
        and booking.status == Requested
        and booking.end > timezone.now()
    )


def get_urgent_request_for(user: Person, public_id: Any) -> Booking:
    """An urgent request `user` may open (to take it, or to see who did); else `Http404`."""
    return fetch(
        user,
        _bookings().defer("topic"),
        public_id,
        may=lambda booking: may_see_urgent_request(user, booking),
        counselee_of=lambda booking: booking.counselee,
    )


# A counselor's own hours (about the counselor, not about any student)


def may_manage_hours(user: Person) -> TypeGuard[User]:
    return has_role(user, Role.COUNSELOR)


def availability_rules_for(user: Person) -> QuerySet[AvailabilityRule]:
    if not may_manage_hours(user):
        return AvailabilityRule.objects.none()
    return AvailabilityRule.objects.filter(counselor=user)


def days_off_for(user: Person) -> QuerySet[DayOff]:
    if not may_manage_hours(user):
        return DayOff.objects.none()
    return DayOff.objects.filter(counselor=user)


def get_availability_rule_for(user: Person, pk: int) -> AvailabilityRule:
    """One of the counselor's own availability rules, else `Http404` (logged)."""
    rule = availability_rules_for(user).filter(pk=pk).first()
    if rule is None:
        deny(user, object_type="counseling_sessions.availabilityrule", object_id=str(pk))
    return rule


def get_day_off_for(user: Person, pk: int) -> DayOff:
    """One of the counselor's own days off, else `Http404` (logged)."""
    day_off = days_off_for(user).filter(pk=pk).first()
    if day_off is None:
        deny(user, object_type="counseling_sessions.dayoff", object_id=str(pk))
    return day_off


def may_change_hours(user: Person, obj: AvailabilityRule | DayOff) -> bool:
    return may_manage_hours(user) and obj.counselor_id == user.pk

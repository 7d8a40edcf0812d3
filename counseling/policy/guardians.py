"""Guardians: who sees their contact, who acts on their consent, and the guardian gate.

A student under 18, or whose date of birth is unknown, is a minor. The school's basis
(`GUARDIAN_BASIS`) decides whether a regular session with a minor waits for a guardian:
under "consent required" it needs a guardian's acknowledgement not withdrawn since, or an
exemption a second person approved. A crisis session always passes. Contact data is for
the student's counselor and the admin; an exemption's detail for the counselors on the
case and the coordinator deciding it, never for an admin.
"""

import datetime
import enum
from dataclasses import dataclass
from typing import Any, cast

from django.conf import settings
from django.db.models import Max, Q, QuerySet
from django.utils import timezone

from counseling.accounts.models import User
from counseling.guardians.models import (
    Basis,
    Guardian,
    GuardianAcknowledgement,
    GuardianExemption,
    GuardianLink,
    GuardianWithdrawal,
)
from counseling.policy.accounts import is_coordinator
from counseling.policy.core import Person, Role, fetch, has_role
from counseling.policy.records import caseload_for, record_access
from counseling.records.models import Counselee

ADULT_AGE = 18


def guardian_basis() -> str:
    """The school's basis; a value the start-up check (amanah.E090) would refuse counts
    as the strictest one, so a typo never opens the gate."""
    value = getattr(settings, "GUARDIAN_BASIS", Basis.CONSENT_REQUIRED)
    return value if value in Basis.values else Basis.CONSENT_REQUIRED


def age_on(date_of_birth: datetime.date, day: datetime.date) -> int:
    before_birthday = (day.month, day.day) < (date_of_birth.month, date_of_birth.day)
    return day.year - date_of_birth.year - int(before_birthday)


def is_minor(counselee: Counselee, today: datetime.date | None = None) -> bool:
    """Under 18 on `today` (the school's date); an unknown date of birth counts as a minor."""
    if counselee.date_of_birth is None:
        return True
    return age_on(counselee.date_of_birth, today or timezone.localdate()) < ADULT_AGE


class GateState(enum.StrEnum):
    ADULT = "adult"
    NOT_REQUIRED = "not_required"
    CRISIS = "crisis"
    CONSENT_GIVEN = "consent_given"
    EXEMPT = "exempt"
    NO_GUARDIAN = "no_guardian"
    EXEMPTION_PENDING = "exemption_pending"
    WITHDRAWN = "withdrawn"
    LINK_PENDING = "link_pending"
    AWAITING_CONSENT = "awaiting_consent"


OPEN_STATES = {
    GateState.ADULT,
    GateState.NOT_REQUIRED,
    GateState.CRISIS,
    GateState.CONSENT_GIVEN,
    GateState.EXEMPT,
}


@dataclass(frozen=True)
class GuardianStanding:
    """Where a counselee stands with her guardians, for the gate and the counselor's page."""

    minor: bool
    basis: str
    consent_given: bool
    exempt: bool
    exemption_pending: bool
    withdrawn: bool
    link_pending: bool
    has_guardian: bool


def valid_guardian_acknowledgement(counselee: Counselee) -> GuardianAcknowledgement | None:
    """The latest acknowledgement made after every withdrawal of this counselee's guardians.

    Any published version counts: a new version is sent to guardians when the school
    chooses, and does not stop sessions that a guardian's consent already allowed.
    """
    withdrawn = GuardianWithdrawal.objects.filter(counselee=counselee).aggregate(
        last=Max("withdrawn_at")
    )["last"]
    acks = GuardianAcknowledgement.objects.filter(counselee=counselee)
    if withdrawn is not None:
        acks = acks.filter(acknowledged_at__gt=withdrawn)
    # Its queryset orders by plain columns only (counseling.encryption), untyped.
    return cast(GuardianAcknowledgement | None, acks.order_by("-acknowledged_at").first())  # type: ignore[no-untyped-call]


def approved_exemption(counselee: Counselee) -> GuardianExemption | None:
    """The exemption in force: approved by a second person, not ended. An overdue review
    is reminded of (beat), but never reopens the danger the exemption answers."""
    return (
        GuardianExemption.objects.filter(
            counselee=counselee, status=GuardianExemption.Status.APPROVED
        )
        .defer("detail")
        .first()
    )


def guardian_standing(counselee: Counselee, today: datetime.date | None = None) -> GuardianStanding:
    withdrawn = GuardianWithdrawal.objects.filter(counselee=counselee).exists()
    ack = valid_guardian_acknowledgement(counselee)
    exemptions = GuardianExemption.objects.filter(counselee=counselee).defer("detail")
    return GuardianStanding(
        minor=is_minor(counselee, today),
        basis=guardian_basis(),
        consent_given=ack is not None,
        exempt=exemptions.filter(status=GuardianExemption.Status.APPROVED).exists(),
        exemption_pending=exemptions.filter(status=GuardianExemption.Status.PENDING).exists(),
        withdrawn=withdrawn and ack is None,
        link_pending=GuardianLink.objects.open().filter(guardian__counselee=counselee).exists(),
        has_guardian=Guardian.objects.filter(counselee=counselee).exists(),
    )


def gate_state(
    counselee: Counselee, *, crisis: bool = False, today: datetime.date | None = None
) -> GateState:
    """The guardian gate before a session with `counselee` starts.

    Open (a state in `OPEN_STATES`) for an adult, under a basis other than "consent
    required", for a crisis session, with a guardian's consent or an approved exemption;
    otherwise the state says what is missing.
    """
    if not is_minor(counselee, today):
        return GateState.ADULT
    if guardian_basis() != Basis.CONSENT_REQUIRED:
        return GateState.NOT_REQUIRED
    if crisis:
        return GateState.CRISIS
    standing = guardian_standing(counselee, today)
    if standing.exempt:
        return GateState.EXEMPT
    if standing.consent_given:
        return GateState.CONSENT_GIVEN
    if standing.exemption_pending:
        return GateState.EXEMPTION_PENDING
    if standing.withdrawn:
        return GateState.WITHDRAWN
    if not standing.has_guardian:
        return GateState.NO_GUARDIAN
    if standing.link_pending:
        return GateState.LINK_PENDING
    return GateState.AWAITING_CONSENT


def guardian_gate_is_open(
    counselee: Counselee, *, crisis: bool = False, today: datetime.date | None = None
) -> bool:
    return gate_state(counselee, crisis=crisis, today=today) in OPEN_STATES


def consent_is_hers_alone(counselee: Counselee) -> bool:
    """An adult student: whatever a guardian said before, consent is now hers alone."""
    return not is_minor(counselee)


# Contact data.


def _counselor_on_case(user: Person, counselee: Counselee) -> bool:
    return has_role(user, Role.COUNSELOR) and record_access(user, counselee).write_counseling_data


def may_see_guardians(user: Person, counselee: Counselee) -> bool:
    """The student's counselor (on the caseload, no conflict) and the admin, as contact
    data; not the student's page, not another counselor, not emergency access."""
    return has_role(user, Role.ADMIN) or _counselor_on_case(user, counselee)


def may_manage_guardians(user: Person, counselee: Counselee) -> bool:
    """Add a guardian, send a link, record a withdrawal the guardian made known."""
    return may_see_guardians(user, counselee)


def get_counselee_for_guardians(user: Person, public_id: Any) -> Counselee:
    """The counselee whose guardians `user` may see, else `Http404` (logged)."""
    return fetch(
        user,
        Counselee.objects.select_related("user").defer("background_notes"),
        public_id,
        may=lambda counselee: may_see_guardians(user, counselee),
        counselee_of=lambda counselee: counselee,
    )


def counselees_for_guardians(user: Person) -> QuerySet[Counselee]:
    """The admin's directory of students, for reaching their guardians' page."""
    if not has_role(user, Role.ADMIN):
        return Counselee.objects.none()
    records = Counselee.objects.select_related("user").defer("background_notes")
    return cast(QuerySet[Counselee], records.order_by("nis"))  # type: ignore[no-untyped-call]


def guardians_for(user: Person, counselee: Counselee) -> QuerySet[Guardian]:
    if not may_see_guardians(user, counselee):
        return Guardian.objects.none()
    guardians = Guardian.objects.filter(counselee=counselee)
    return cast(QuerySet[Guardian], guardians.order_by("created_at", "pk"))  # type: ignore[no-untyped-call]


def get_guardian_for(user: Person, public_id: Any) -> Guardian:
    return fetch(
        user,
        Guardian.objects.select_related("counselee__user"),
        public_id,
        may=lambda guardian: may_manage_guardians(user, guardian.counselee),
        counselee_of=lambda guardian: guardian.counselee,
    )


def may_record_paper_form(user: Person) -> bool:
    """A signed paper form is recorded by the admin, who keeps the paper."""
    return has_role(user, Role.ADMIN)


# Exemptions.


def may_record_exemption(user: Person, counselee: Counselee) -> bool:
    return _counselor_on_case(user, counselee)


def _approver(user: Person) -> bool:
    return has_role(user, Role.ADMIN) or is_coordinator(user)


def _second_person(user: Person, exemption: GuardianExemption) -> bool:
    """A coordinator or admin who is not the counselor who recorded it, and not conflicted."""
    if not _approver(user) or user.pk == exemption.recorded_by_id:
        return False
    return not record_access(user, exemption.counselee).conflicted


def may_decide_exemption(user: Person, exemption: GuardianExemption) -> bool:
    """Approve or refuse: the second person, while it waits."""
    return exemption.status == GuardianExemption.Status.PENDING and _second_person(user, exemption)


def may_renew_exemption(user: Person, exemption: GuardianExemption) -> bool:
    """At its review: a second person keeps it for another period."""
    return exemption.status == GuardianExemption.Status.APPROVED and _second_person(user, exemption)


def may_end_exemption(user: Person, exemption: GuardianExemption) -> bool:
    """The danger is over: a counselor on the case, or a second person."""
    if exemption.status != GuardianExemption.Status.APPROVED:
        return False
    return _counselor_on_case(user, exemption.counselee) or _second_person(user, exemption)


def may_read_exemption_detail(user: Person, exemption: GuardianExemption) -> bool:
    """The counselors on the case, and a coordinator who decides or reviews it. An admin
    decides on the closed-list reason alone: she never reads counseling content."""
    if _counselor_on_case(user, exemption.counselee):
        return True
    return is_coordinator(user) and _second_person(user, exemption)


def exemptions_for(user: Person) -> QuerySet[GuardianExemption]:
    """Coordinators and admins: every exemption (the queue to decide and review);
    a counselor: those of her caseload. Metadata only (the detail is deferred)."""
    exemptions = GuardianExemption.objects.select_related("counselee__user", "recorded_by").defer(
        "detail"
    )
    if _approver(user):
        # Not those of a student she declared a conflict with: the exemption may protect
        # the student from the very people a conflict is about.
        return exemptions.exclude(counselee__conflicts_of_interest__counselor=user.pk)
    if has_role(user, Role.COUNSELOR):
        return exemptions.filter(counselee__in=caseload_for(user).values("pk"))
    return exemptions.none()


def get_exemption_for(user: Person, public_id: Any) -> GuardianExemption:
    def may(exemption: GuardianExemption) -> bool:
        if record_access(user, exemption.counselee).conflicted:
            return False
        return _approver(user) or _counselor_on_case(user, exemption.counselee)

    return fetch(
        user,
        GuardianExemption.objects.select_related("counselee__user", "recorded_by").defer("detail"),
        public_id,
        may=may,
        counselee_of=lambda exemption: exemption.counselee,
    )


def exemption_approvers(exemption: GuardianExemption) -> QuerySet[User]:
    """Who is asked to decide: the coordinators and admins, never its author."""
    return (
        User.objects.filter(
            Q(role=Role.ADMIN) | Q(role=Role.COUNSELOR, is_coordinator=True), is_active=True
        )
        .exclude(pk=exemption.recorded_by_id)
        .exclude(conflicts_of_interest__counselee=exemption.counselee_id)
    )

"""Who records a breach, sees it, computes its exposure and marks its notices sent.

The data protection officer and the admins handle breaches: they record one, compute
from the access log which students it exposed, read the drafted letters and mark them
sent. What they see is metadata (names, classes, counts, dates, kinds of data), never
counseling content: the letters hold none. Counselors, teachers and students see no
breach at all; a student reads only her own letter, once the school has sent it.
"""

from django.db.models import QuerySet

from counseling.accounts.models import User
from counseling.breaches.models import Breach, BreachNotice
from counseling.policy.core import Person, Role, fetch, has_role
from counseling.policy.guardians import approved_exemption, is_minor
from counseling.records.models import Counselee

Audience = BreachNotice.Audience

# A counselee's sealed columns: never loaded here, where only directory data is shown.
SEALED = ("guardian_name", "guardian_phone", "background_notes")


def without_content(prefix: str) -> list[str]:
    return [f"{prefix}__{name}" for name in SEALED]


def handles_breaches(user: Person) -> bool:
    return has_role(user, Role.DPO, Role.ADMIN)


def breach_handlers() -> "QuerySet[User]":
    """Who is told of a breach and reminded of its clock: every active DPO and admin."""
    return User.objects.filter(role__in=[Role.DPO, Role.ADMIN], is_active=True)


def may_record_breach(user: Person) -> bool:
    return handles_breaches(user)


def breaches_for(user: Person) -> QuerySet[Breach]:
    breaches = Breach.objects.select_related(
        "recorded_by", "scope_account", "scope_counselee__user"
    ).defer(*without_content("scope_counselee"))
    return breaches if handles_breaches(user) else breaches.none()


def get_breach_for(user: Person, public_id: object) -> Breach:
    return fetch(user, breaches_for(user), public_id, may=lambda breach: True)


def may_compute_exposure(user: Person, breach: Breach) -> bool:
    """While the breach is open: its letters can still change."""
    return handles_breaches(user) and breach.is_open


def may_mark_breach_notice_sent(user: Person, notice: BreachNotice) -> bool:
    return handles_breaches(user) and notice.breach.is_open and not notice.is_sent


def breach_notices_for(user: Person) -> QuerySet[BreachNotice]:
    """Every letter for the DPO and the admins; for a student, her own letters that the
    school has sent (a draft is not hers yet); nobody else's."""
    notices = BreachNotice.objects.select_related("breach__recorded_by", "counselee__user").defer(
        *without_content("counselee")
    )
    if handles_breaches(user):
        return notices
    if has_role(user, Role.STUDENT):
        return notices.filter(
            audience=Audience.STUDENT, counselee__user=user, marked_sent_at__isnull=False
        )
    return notices.none()


def get_breach_notice_for(user: Person, public_id: object) -> BreachNotice:
    return fetch(
        user,
        breach_notices_for(user),
        public_id,
        may=lambda notice: True,
        counselee_of=lambda notice: notice.counselee,
    )


def breach_scope_account(user: Person, username: str) -> User | None:
    """The account a breach went through, named by its username: any account, of any
    role (a lost laptop may be a counselor's, a leaked password a student's)."""
    if not handles_breaches(user):
        return None
    return User.objects.filter(username=username).first()


def breach_scope_counselee(user: Person, nis: str) -> Counselee | None:
    """The student whose record a breach went through, by NIS: directory data only."""
    if not handles_breaches(user):
        return None
    return Counselee.objects.filter(nis=nis).only("pk", "nis", "public_id").first()


def guardians_get_breach_letter(counselee: Counselee) -> tuple[bool, bool]:
    """(minor, exempt): a guardian letter goes to the guardians of a minor only, and
    not where an approved exemption says informing them could endanger her."""
    minor = is_minor(counselee)
    return minor, minor and approved_exemption(counselee) is not None

"""Who sees the erasure schedule, sets a student's school status, and holds records.

The admin sets the school lifecycle (one student, or a class at the end of the year)
and sees every counselee due for erasure; a counselor sees those of her caseload. A
legal hold is asked for by the admin or the counselee's counselor and confirmed by a
second person, an admin who did not ask for it; only an admin reviews or releases one.
The data protection officer lists every hold and every erasure tombstone, read-only.
Nobody reads content here: the lists show name, class and date.
"""

from django.db.models import QuerySet

from counseling.encryption import encrypted_paths
from counseling.policy.core import Person, Role, fetch, has_role
from counseling.policy.records import caseload_for, is_assigned
from counseling.records.models import Counselee
from counseling.retention import schedule
from counseling.retention.models import Erasure, LegalHold


def may_set_school_status(user: Person) -> bool:
    return has_role(user, Role.ADMIN)


def may_change_directory(user: Person, counselee: Counselee) -> bool:
    """The admin keeps directory data (NIS, class, birth date); of an erased counselee
    only the emptied row is left, kept for the access log, and nobody changes it."""
    return has_role(user, Role.ADMIN) and not schedule.is_erased(counselee)


def to_be_erased_for(user: Person) -> QuerySet[Counselee]:
    """Counselees due for erasure within the notice window that `user` may list."""
    due = schedule.due_soon()
    if has_role(user, Role.ADMIN):
        return due
    if has_role(user, Role.COUNSELOR):
        return due.filter(pk__in=caseload_for(user).values("pk"))
    return due.none()


def legal_holds_for(user: Person) -> QuerySet[LegalHold]:
    """Holds `user` may list (never their reason): all for an admin and the data
    protection officer, her caseload's (and her own requests) for a counselor."""
    holds = LegalHold.objects.select_related("counselee__user", "requested_by", "confirmed_by")
    # Names and dates only: neither the reason nor her record's sealed fields are read.
    holds = holds.defer("reason", *encrypted_paths(Counselee, "counselee"))
    if has_role(user, Role.ADMIN, Role.DPO):
        return holds
    if has_role(user, Role.COUNSELOR):
        return holds.filter(counselee__in=caseload_for(user).values("pk"))
    return holds.none()


def may_see_erasures(user: Person) -> bool:
    """The register of holds and erasure tombstones: the admin's and the DPO's."""
    return has_role(user, Role.ADMIN, Role.DPO)


def erasures_for(user: Person) -> QuerySet[Erasure]:
    """Erasure tombstones (a pseudonym, dates and counts; the erased name is gone)."""
    erasures = Erasure.objects.all()
    return erasures if may_see_erasures(user) else erasures.none()


def get_legal_hold_for(user: Person, public_id: object) -> LegalHold:
    return fetch(
        user,
        legal_holds_for(user),
        public_id,
        may=lambda hold: True,
        counselee_of=lambda hold: hold.counselee,
    )


def may_request_legal_hold(user: Person, counselee: Counselee) -> bool:
    if schedule.is_erased(counselee):
        return False
    if has_role(user, Role.ADMIN):
        return True
    return is_assigned(user, counselee)


def may_confirm_legal_hold(user: Person, hold: LegalHold) -> bool:
    """A second person: an admin other than whoever asked for the hold."""
    return (
        has_role(user, Role.ADMIN)
        and hold.requested_by_id != user.pk
        and not hold.is_confirmed
        and not hold.is_released
    )


def may_review_legal_hold(user: Person, hold: LegalHold) -> bool:
    return has_role(user, Role.ADMIN) and hold.is_confirmed and not hold.is_released


def may_release_legal_hold(user: Person, hold: LegalHold) -> bool:
    return has_role(user, Role.ADMIN) and not hold.is_released

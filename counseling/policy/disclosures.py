"""Who knows about disclosures: uses of the limits of confidentiality (rule 7)."""

from typing import Any

from django.db.models import Exists, OuterRef, Q, QuerySet

from consent.models import Disclosure
from counseling.encryption import encrypted_field_names
from counseling.policy.core import Person, Role, fetch, has_role
from counseling.policy.records import (
    RecordAccess,
    active_emergency_accesses,
    assigned_counselees,
    readable_counselees,
    record_access,
)
from counseling.policy.shares import disclosure_shares_with, shares_disclosure
from counseling.records.models import Counselee


def disclosure_is_readable(user: Person, disclosure: Disclosure, access: RecordAccess) -> bool:
    """What was shared, and with whom, follows the student's consent like the notes do:
    the counselor who recorded it while she is on the case (read-only for 14 days after she
    handed the case over), or one under emergency access. A counselor newly on the case sees
    on the record that a disclosure was made (date and reason) and reads its details only
    through a hand-over the student accepted."""
    if not access.read_counseling_data:
        return False
    if access.emergency_access is not None or disclosure.counselor_id == user.pk:
        return True
    return access.write_counseling_data and shares_disclosure(user, disclosure)


def disclosures_for(user: Person) -> QuerySet[Disclosure]:
    """Disclosures `user` may read (`disclosure_is_readable`, across records).

    The student sees her own once the counselor has marked that she was told; admins learn
    of them through the access log, never their content.
    """
    disclosures = Disclosure.objects.select_related("counselor", "counselee__user")
    if has_role(user, Role.COUNSELOR):
        emergency = active_emergency_accesses(user).filter(counselee=OuterRef("counselee_id"))
        shared = Q(disclosure_shares_with(user)) & Q(assigned_counselees(user))
        return disclosures.filter(readable_counselees(user)).filter(
            Q(counselor=user) | Q(Exists(emergency)) | shared
        )
    if has_role(user, Role.STUDENT):
        return disclosures.filter(counselee__user=user, student_informed=True)
    return disclosures.none()


def get_disclosure_for(user: Person, public_id: Any) -> Disclosure:
    """A disclosure, for a counselor who may read its counselee's record (the student
    reads theirs in the register, not here)."""
    return fetch(
        user,
        Disclosure.objects.select_related("counselor", "counselee__user"),
        public_id,
        may=lambda disclosure: disclosure_is_readable(
            user, disclosure, record_access(user, disclosure.counselee)
        ),
        counselee_of=lambda disclosure: disclosure.counselee,
    )


def disclosures_on_record(counselee: Counselee, access: RecordAccess) -> QuerySet[Disclosure]:
    """The disclosures listed on `counselee`'s record page, given the page's `access`."""
    if not access.read_counseling_data:
        return Disclosure.objects.none()
    # Date, reason and whether the student was told: the encrypted details stay unread.
    disclosures = Disclosure.objects.filter(counselee=counselee).select_related("counselor")
    return disclosures.defer(*encrypted_field_names(Disclosure))


def may_record_disclosure(user: Person, counselee: Counselee) -> bool:
    """The counselor on the case; emergency access reads, it never writes."""
    return record_access(user, counselee).write_counseling_data


def may_mark_informed(user: Person, disclosure: Disclosure) -> bool:
    """The counselor who recorded it, while she is on the case."""
    access = record_access(user, disclosure.counselee)
    return access.write_counseling_data and disclosure.counselor_id == user.pk

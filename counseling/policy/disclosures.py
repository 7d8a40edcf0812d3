"""Who knows about disclosures: uses of the limits of confidentiality (rule 7)."""

from typing import Any

from django.db.models import QuerySet

from consent.models import Disclosure
from counseling.encryption import encrypted_field_names
from counseling.policy.core import Person, Role, fetch, has_role
from counseling.policy.records import RecordAccess, readable_counselees, record_access
from counseling.records.models import Counselee


def disclosures_for(user: Person) -> QuerySet[Disclosure]:
    """Disclosures `user` may know about.

    The counselor on the case sees all of the counselee's; the student sees their own
    once the counselor has marked that they were told; admins learn of them through the
    access log, never their content.
    """
    disclosures = Disclosure.objects.select_related("counselor", "counselee__user")
    if has_role(user, Role.COUNSELOR):
        return disclosures.filter(readable_counselees(user))
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
        may=lambda disclosure: record_access(user, disclosure.counselee).read_counseling_data,
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
    return record_access(user, disclosure.counselee).write_counseling_data

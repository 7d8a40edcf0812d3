"""What an accepted referral shares, as filters for the notes, disclosures and records
policies (`policy.referrals` decides who proposes and answers a referral).

The receiver of an accepted referral reads the final notes and disclosures the student
left in it, while she is on the case (the callers ask `RecordAccess` first). The
referring counselor keeps read-only reach to the record for `READ_ONLY_DAYS` after the
hand-over, then none.
"""

import datetime

from django.db.models import Exists, OuterRef, Q
from django.utils import timezone

from consent.models import Disclosure
from counseling.accounts.models import User
from counseling.policy.core import Person
from counseling.referrals.models import Referral
from sessions.models import SessionNote

READ_ONLY_DAYS = 14
READ_ONLY = datetime.timedelta(days=READ_ONLY_DAYS)

_NOTES = Referral.shared_notes.through.objects
_DISCLOSURES = Referral.shared_disclosures.through.objects


def _accepted_by(user: Person) -> Q:
    return Q(referral__to_counselor_id=user.pk, referral__status=Referral.Status.ACCEPTED)


def note_shares_with(user: Person, note_field: str = "pk") -> Exists:
    """A filter on notes: shared with `user` by a referral she accepted."""
    return Exists(_NOTES.filter(_accepted_by(user), sessionnote_id=OuterRef(note_field)))


def disclosure_shares_with(user: Person, disclosure_field: str = "pk") -> Exists:
    """A filter on disclosures: shared with `user` by a referral she accepted."""
    return Exists(_DISCLOSURES.filter(_accepted_by(user), disclosure_id=OuterRef(disclosure_field)))


def shares_note(user: Person, note: SessionNote) -> bool:
    return _NOTES.filter(_accepted_by(user), sessionnote_id=note.pk).exists()


def shares_disclosure(user: Person, disclosure: Disclosure) -> bool:
    return _DISCLOSURES.filter(_accepted_by(user), disclosure_id=disclosure.pk).exists()


def referred_out(user: User, counselee_field: str) -> Exists:
    """A filter on counselees: `user` handed the case over less than 14 days ago."""
    return Exists(
        Referral.objects.filter(
            from_counselor=user,
            counselee=OuterRef(counselee_field),
            status=Referral.Status.ACCEPTED,
            read_only_until__gt=timezone.now(),
        )
    )

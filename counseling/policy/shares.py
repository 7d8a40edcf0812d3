"""What an accepted referral shares, as filters for the notes, disclosures and records
policies (`policy.referrals` decides who proposes and answers a referral).

The receiver of an accepted referral reads the final notes and disclosures the student
left in it, while she is on the case (the callers ask `RecordAccess` first), and the
online-counseling conversation it shared (`policy.messaging`). The referring counselor
keeps read-only reach for `READ_ONLY_DAYS` after the hand-over, then none: one rule,
`within_read_only_days`, ends her reach to her notes, to the record and to the referral
page at once.
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


def within_read_only_days() -> Q:
    """A filter on referrals: accepted less than `READ_ONLY_DAYS` ago.

    The one rule that ends the referring counselor's reach after a hand-over: her notes
    and the record (`referred_out`) and the referral page (`referrer_reach`) all ask it.
    """
    return Q(status=Referral.Status.ACCEPTED, read_only_until__gt=timezone.now())


def referred_out(user: User, counselee_field: str) -> Exists:
    """A filter on counselees: `user` handed the case over less than 14 days ago."""
    return Exists(
        Referral.objects.filter(
            within_read_only_days(), from_counselor=user, counselee=OuterRef(counselee_field)
        )
    )


def referrer_reach(user: Person) -> Q:
    """A filter on referrals: those `user` made that she still reads.

    Until a referral is accepted the case is hers (or stays hers, once declined or
    withdrawn); once accepted, for as long as she reads her notes, then never again.
    """
    accepted = Q(status=Referral.Status.ACCEPTED)
    return Q(from_counselor_id=user.pk) & (~accepted | within_read_only_days())


def conversation_shares_with(user: Person, conversation_field: str = "pk") -> Exists:
    """A filter on conversations: shared with `user` by a referral she accepted (whether
    she still reads it, on the case and without a conflict, is `policy.messaging`'s)."""
    return Exists(
        Referral.objects.filter(
            to_counselor_id=user.pk,
            status=Referral.Status.ACCEPTED,
            shared_conversation=OuterRef(conversation_field),
        )
    )

"""Two counselors press "Saya tangani" at the same moment, on PostgreSQL, each on her own
connection: exactly one wins, the other is told who did."""

import pytest
from django.db import connection

from counseling.crisis import services
from counseling.crisis.models import CrisisRequest
from sessions.models import CounselingSession
from tests.sessions.test_booking_race import all_at_once

pytestmark = [
    pytest.mark.skipif(
        connection.vendor != "postgresql",
        reason="row locks between two real connections are PostgreSQL's; CI runs them there",
    ),
    pytest.mark.xdist_group("races"),
    pytest.mark.django_db(transaction=True),
]


def claim(crisis, counselor):
    def attempt():
        try:
            services.take(crisis, by=counselor)
        except services.AlreadyTaken as refusal:
            return f"taken by {refusal.taker.username}"
        return f"won by {counselor.username}"

    return attempt


@pytest.mark.parametrize("round_", range(5))
def test_two_counselors_claiming_at_once_exactly_one_wins(round_, siti, bu_wati, pak_budi):
    crisis = services.ask_for_help(siti)
    outcomes = all_at_once([claim(crisis, bu_wati), claim(crisis, pak_budi)])
    winners = [o for o in outcomes if o.startswith("won by")]
    assert len(winners) == 1, outcomes
    winner = winners[0].removeprefix("won by ")
    assert sorted(outcomes) == sorted([f"won by {winner}", f"taken by {winner}"])
    taken = CrisisRequest.objects.get(pk=crisis.pk)
    assert taken.taken_by.username == winner
    assert CounselingSession.objects.filter(counselee=siti.counselee).count() == 1

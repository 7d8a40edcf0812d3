"""The demo school has one student in each guardian state, and seeding twice changes nothing."""

import pytest
from django.core.management import call_command

from counseling import policy
from counseling.guardians.models import Guardian, GuardianAcknowledgement, GuardianExemption
from counseling.policy.guardians import GateState
from counseling.records.models import Counselee


@pytest.mark.django_db
def test_the_demo_shows_each_guardian_state(settings):
    settings.DEBUG = True
    settings.GUARDIAN_BASIS = "consent_required"
    call_command("seed_demo")
    counts = (Guardian.objects.count(), GuardianAcknowledgement.objects.count())
    call_command("seed_demo")
    assert (Guardian.objects.count(), GuardianAcknowledgement.objects.count()) == counts
    state = {
        c.user.username: policy.gate_state(c) for c in Counselee.objects.select_related("user")
    }
    assert state["siswa8"] == GateState.CONSENT_GIVEN
    assert state["siswa9"] == GateState.LINK_PENDING
    assert state["siswa10"] == GateState.EXEMPT
    assert state["siswa1"] == GateState.CONSENT_GIVEN
    assert GuardianExemption.objects.get().status == "approved"

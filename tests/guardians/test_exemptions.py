"""An exemption counts only once a second person approved it; admins are alerted without
content, never read its detail, and it is reviewed every 30 days."""

import datetime

import pytest
from django.http import Http404
from django.utils import timezone

from counseling import policy
from counseling.guardians import services
from counseling.guardians.models import GuardianExemption
from counseling.notices.models import Notice
from counseling.policy.core import Denied
from counseling.policy.guardians import GateState
from tests.conftest import sealed

DETAIL = "RAHASIA-PENGECUALIAN: ayah tiri mengancam bila tahu."
REASON = GuardianExemption.Reason.GUARDIAN_SOURCE_OF_HARM


@pytest.fixture
def exemption(consent_required, siti, bu_rina, guardian_document, pak_andi, admin):
    return services.record_exemption(siti.counselee, by=bu_rina, reason=REASON, detail=DETAIL)


def test_it_waits_for_a_second_person(exemption, siti):
    assert exemption.status == "pending"
    assert policy.gate_state(siti.counselee) == GateState.EXEMPTION_PENDING


def test_the_counselor_who_recorded_it_cannot_approve_it(exemption, bu_rina):
    with pytest.raises(Denied):
        services.decide_exemption(exemption, by=bu_rina, approve=True)


def test_a_coordinator_who_recorded_it_cannot_approve_it_either(
    consent_required, siti, bu_rina, guardian_document, pak_andi, admin
):
    bu_rina.is_coordinator = True
    bu_rina.save(update_fields=["is_coordinator"])
    exemption = services.record_exemption(siti.counselee, by=bu_rina, reason=REASON, detail=DETAIL)
    with pytest.raises(Denied):
        services.decide_exemption(exemption, by=bu_rina, approve=True)
    services.decide_exemption(exemption, by=pak_andi, approve=True)
    assert GuardianExemption.objects.get().status == "approved"


def test_another_counselor_or_the_student_cannot_approve_it(exemption, pak_budi, siti):
    for person in (pak_budi, siti):
        with pytest.raises(Denied):
            services.decide_exemption(exemption, by=person, approve=True)


@pytest.mark.parametrize("second", ["pak_andi", "admin"])
def test_the_coordinator_or_an_admin_approves_it(exemption, siti, second, request):
    services.decide_exemption(exemption, by=request.getfixturevalue(second), approve=True)
    exemption.refresh_from_db()
    assert exemption.status == "approved"
    assert policy.gate_state(siti.counselee) == GateState.EXEMPT
    assert exemption.review_due_at - exemption.decided_at == datetime.timedelta(days=30)


def test_a_refused_exemption_opens_nothing(exemption, siti, admin):
    services.decide_exemption(exemption, by=admin, approve=False)
    assert policy.gate_state(siti.counselee) == GateState.NO_GUARDIAN


def test_the_approvers_are_asked_and_the_admins_alerted_without_content(
    exemption, pak_andi, admin, bu_rina, django_capture_on_commit_callbacks, mailoutbox
):
    admin.email = "agus@example.test"
    admin.save(update_fields=["email"])
    asked = set(
        Notice.objects.filter(kind=Notice.Kind.GUARDIAN_EXEMPTION_TO_DECIDE).values_list(
            "recipient__username", flat=True
        )
    )
    assert asked == {"pak_andi", "agus"}
    with django_capture_on_commit_callbacks(execute=True):
        services.decide_exemption(exemption, by=pak_andi, approve=True)
    alert = Notice.objects.get(kind=Notice.Kind.GUARDIAN_EXEMPTION_APPROVED)
    assert alert.recipient == admin
    assert alert.about == str(exemption.public_id)
    assert mailoutbox
    for message in mailoutbox:
        assert DETAIL not in message.body
        assert "Siti" not in message.body


def test_an_admin_never_reads_the_detail(exemption, admin, client_for):
    assert not policy.may_read_exemption_detail(admin, exemption)
    response = client_for(admin).get(f"/guardians/exemptions/{exemption.public_id}/")
    assert response.status_code == 200
    assert DETAIL not in response.text
    assert "Setujui pengecualian" in response.text


def test_an_admin_opening_an_exemption_is_in_the_access_log(exemption, admin, client_for):
    from counseling.audit.models import AccessEvent

    client_for(admin).get(f"/guardians/exemptions/{exemption.public_id}/")
    assert AccessEvent.objects.filter(
        actor=admin, action="view", object_id=str(exemption.public_id)
    ).exists()


def test_the_coordinator_reads_the_detail_to_decide_and_it_is_logged(
    exemption, pak_andi, client_for
):
    from counseling.audit.models import AccessEvent

    response = client_for(pak_andi).get(f"/guardians/exemptions/{exemption.public_id}/")
    assert DETAIL in response.text
    assert AccessEvent.objects.filter(
        action="view", actor=pak_andi, object_id=str(exemption.public_id)
    ).exists()


def test_another_counselor_does_not_reach_it(exemption, pak_budi, client_for):
    response = client_for(pak_budi).get(f"/guardians/exemptions/{exemption.public_id}/")
    assert response.status_code == 404


def test_the_review_is_reminded_after_30_days_once(exemption, admin, bu_rina, pak_andi):
    services.decide_exemption(exemption, by=admin, approve=True)
    assert services.remind_reviews() == 0
    later = timezone.now() + datetime.timedelta(days=30, minutes=1)
    assert services.remind_reviews(now=later) == 1
    services.remind_reviews(now=later)
    reminded = list(
        Notice.objects.filter(kind=Notice.Kind.GUARDIAN_EXEMPTION_REVIEW).values_list(
            "recipient__username", flat=True
        )
    )
    # Her counselor and every second person, once each however often beat runs.
    assert sorted(reminded) == ["agus", "bu_rina", "pak_andi"]


def test_at_its_review_a_second_person_renews_it_and_the_counselor_may_end_it(
    exemption, admin, bu_rina, siti
):
    services.decide_exemption(exemption, by=admin, approve=True)
    with pytest.raises(Denied):
        services.renew_exemption(exemption, by=bu_rina)
    before = GuardianExemption.objects.get().review_due_at
    services.renew_exemption(exemption, by=admin)
    assert GuardianExemption.objects.get().review_due_at > before
    services.end_exemption(exemption, by=bu_rina)
    assert policy.gate_state(siti.counselee) == GateState.NO_GUARDIAN


def test_the_detail_is_encrypted_at_rest(exemption):
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SELECT detail FROM guardians_guardianexemption")
        (stored,) = cursor.fetchone()
    assert sealed(stored)
    assert "RAHASIA" not in stored


def test_a_coordinator_with_a_conflict_does_not_see_the_exemption(exemption, siti, pak_andi):
    from sessions import cases

    assert exemption in policy.exemptions_for(pak_andi)
    cases.declare_conflict(siti.counselee, "family", by=pak_andi)
    assert exemption not in policy.exemptions_for(pak_andi)
    with pytest.raises(Http404):
        policy.get_exemption_for(pak_andi, exemption.public_id)

""" "Aku ingin ganti konselor": the student starts the same flow, the coordinator chooses
who takes over, and the student still decides what is shared."""

import pytest
from django.http import Http404
from django.urls import reverse

from counseling import policy
from counseling.notices.models import Notice
from counseling.records.models import CaseAssignment
from counseling.referrals import services as referrals
from counseling.referrals.models import Referral
from tests.conftest import login

Status = Referral.Status


@pytest.fixture
def bu_koor(pak_eko):
    """Pak Eko coordinates BK (he also holds emergency access to Siti; irrelevant here)."""
    pak_eko.is_coordinator = True
    pak_eko.save(update_fields=["is_coordinator"])
    return pak_eko


@pytest.fixture
def asked(siti, bu_rina, bu_koor, history):
    assignment = CaseAssignment.objects.active().get(counselee=siti.counselee)
    return referrals.ask_to_change(assignment, by=siti)


def test_the_student_asks_and_the_coordinator_is_told(asked, siti, bu_rina, bu_koor):
    assert asked.status == Status.WAITING_COORDINATOR
    assert asked.requested_by_student and asked.to_counselor is None
    assert Notice.objects.filter(recipient=bu_koor, kind=Notice.Kind.REFERRAL_TO_STAFF).exists()
    assert policy.get_referral_for(bu_koor, asked.public_id) == asked
    # The counselor she wants to leave cannot withdraw it, nor choose her successor.
    assert not policy.may_withdraw_referral(bu_rina, asked)
    assert not policy.may_choose_receiver(bu_rina, asked)


def test_another_counselor_learns_nothing(asked, pak_budi):
    with pytest.raises(Http404):
        policy.get_referral_for(pak_budi, asked.public_id)


def test_the_coordinator_chooses_and_the_student_decides(
    asked, siti, bu_rina, bu_koor, pak_budi, history
):
    referrals.choose_receiver(asked, by=bu_koor, to=pak_budi)
    asked.refresh_from_db()
    assert asked.status == Status.WAITING_STUDENT
    assert set(asked.shared_notes.all()) == {history["first_note"], history["second_note"]}
    referrals.answer_as_student(
        asked, by=siti, accept=True, keep_sessions=[history["first"].public_id], keep_disclosures=[]
    )
    referrals.answer_as_receiver(asked, by=pak_budi, accept=True)
    assert policy.is_assigned(pak_budi, siti.counselee)
    assert not policy.is_assigned(bu_rina, siti.counselee)
    assert set(policy.notes_for(pak_budi)) == {history["first_note"]}


def test_the_coordinator_cannot_choose_a_conflicted_counselor(asked, bu_koor, pak_konflik):
    assert pak_konflik not in policy.change_receivers_for(asked)
    with pytest.raises(policy.Denied):
        referrals.choose_receiver(asked, by=bu_koor, to=pak_konflik)


@pytest.mark.parametrize("who", ["siti", "bu_rina", "pak_budi", "admin"])
def test_only_a_coordinator_chooses(request, asked, bu_lama, who):
    with pytest.raises(policy.Denied):
        referrals.choose_receiver(asked, by=request.getfixturevalue(who), to=bu_lama)


def test_one_request_at_a_time(asked, siti):
    assert not policy.changeable_assignments_for(siti).exists()
    with pytest.raises(policy.Denied):
        referrals.ask_to_change(
            CaseAssignment.objects.active().get(counselee=siti.counselee), by=siti
        )


@pytest.mark.parametrize("who", ["dimas", "bu_rina", "admin", "bu_wati"])
def test_only_the_student_asks_for_herself(request, client, siti, bu_koor, who):
    assignment = CaseAssignment.objects.active().get(counselee=siti.counselee)
    with pytest.raises(policy.Denied):
        referrals.ask_to_change(assignment, by=request.getfixturevalue(who))
    login(client, request.getfixturevalue(who))
    assert (
        client.post(reverse("ask-change-counselor", args=[assignment.public_id])).status_code == 404
    )
    assert not Referral.objects.exists()


def test_the_pages_of_a_change_request(client, siti, bu_rina, bu_koor, pak_budi, history):
    login(client, siti)
    dashboard = client.get(reverse("student-dashboard"))
    assert "Aku ingin ganti konselor" in dashboard.text
    assignment = CaseAssignment.objects.active().get(counselee=siti.counselee)
    response = client.post(reverse("ask-change-counselor", args=[assignment.public_id]))
    referral = Referral.objects.get()
    assert response["Location"] == reverse("referral-detail", args=[referral.public_id])
    assert "Koordinator BK sedang memilih" in client.get(response["Location"]).text

    login(client, bu_koor)
    page = client.get(reverse("referral-detail", args=[referral.public_id]))
    assert "Budi Hartono" in page.text
    client.post(
        reverse("referral-choose-receiver", args=[referral.public_id]),
        {"to_counselor": pak_budi.pk},
    )
    referral.refresh_from_db()
    assert referral.to_counselor == pak_budi

    login(client, siti)
    page = client.get(reverse("referral-detail", args=[referral.public_id]))
    assert "Koordinator BK memilihnya atas permintaanmu" in page.text
    assert "Budi Hartono" in page.text

""" "Aku ingin ganti konselor": what a coordinator reads of the request, and for how long,
and who is told of a referral (never a counselor with a conflict with the student)."""

import pytest
from django.http import Http404
from django.urls import reverse

from counseling import policy
from counseling.accounts.models import User
from counseling.audit.models import AccessEvent
from counseling.notices.models import Notice
from counseling.records.models import CaseAssignment
from counseling.referrals import services as referrals
from counseling.referrals.models import Referral
from sessions import cases
from tests.conftest import login, make_user

Status = Referral.Status


def coordinator(username, full_name):
    user = make_user(username, full_name, User.Role.COUNSELOR)
    user.is_coordinator = True
    user.save(update_fields=["is_coordinator"])
    return user


@pytest.fixture
def bu_koor(siti):
    return coordinator("bu_koor", "Kori Ordinata")


@pytest.fixture
def pak_koor_konflik(siti):
    """A coordinator who declared that Siti is family."""
    user = coordinator("pak_koor_konflik", "Koko Konflik")
    cases.declare_conflict(siti.counselee, "family", by=user)
    return user


@pytest.fixture
def bu_koor_lain(siti):
    """Another coordinator, who does not choose."""
    return coordinator("bu_koor_lain", "Lain Koordinator")


@pytest.fixture
def asked(siti, bu_rina, bu_koor, bu_koor_lain, pak_koor_konflik, history):
    assignment = CaseAssignment.objects.active().get(counselee=siti.counselee)
    return referrals.ask_to_change(assignment, by=siti)


@pytest.fixture
def chosen(asked, bu_koor, pak_budi):
    return referrals.choose_receiver(asked, by=bu_koor, to=pak_budi)


def readers(referral, *users):
    return {user.username for user in users if policy.may_read_referral(user, referral)}


def test_every_coordinator_reads_the_request_while_it_waits_for_a_choice(
    asked, bu_koor, bu_koor_lain, pak_koor_konflik
):
    assert readers(asked, bu_koor, bu_koor_lain, pak_koor_konflik) == {"bu_koor", "bu_koor_lain"}
    assert set(policy.referrals_for(bu_koor_lain)) == {asked}


def test_a_conflicted_coordinator_never_reads_the_request(asked, chosen, pak_koor_konflik):
    assert not policy.may_read_referral(pak_koor_konflik, asked)
    assert not policy.referrals_for(pak_koor_konflik).exists()
    with pytest.raises(Http404):
        policy.get_referral_for(pak_koor_konflik, asked.public_id)


def test_only_the_coordinator_who_chose_reads_it_until_the_student_answers(
    chosen, siti, bu_koor, bu_koor_lain
):
    assert readers(chosen, bu_koor, bu_koor_lain) == {"bu_koor"}
    assert set(policy.referrals_for(bu_koor)) == {chosen}
    assert not policy.referrals_for(bu_koor_lain).exists()
    referrals.answer_as_student(chosen, by=siti, accept=True)
    chosen.refresh_from_db()
    assert readers(chosen, bu_koor, bu_koor_lain) == set()
    assert not policy.referrals_for(bu_koor).exists()


def test_the_coordinator_who_chose_stops_reading_a_declined_request(chosen, siti, bu_koor):
    referrals.answer_as_student(chosen, by=siti, accept=False)
    chosen.refresh_from_db()
    assert not policy.may_read_referral(bu_koor, chosen)


def test_a_coordinator_never_reads_what_the_request_shares(asked, chosen, bu_koor, siti, bu_rina):
    assert not policy.may_read_handover(bu_koor, chosen)
    assert policy.may_read_handover(siti, chosen)
    assert policy.may_read_handover(bu_rina, chosen)


def test_the_coordinators_page_shows_who_and_why_but_not_the_shared_sessions(
    client, asked, bu_koor, pak_budi, history
):
    login(client, bu_koor)
    page = client.get(reverse("referral-detail", args=[asked.public_id]))
    assert page.status_code == 200
    assert "Siswa memintanya" in page.text
    assert "Pilih guru BK baru" in page.text
    referrals.choose_receiver(asked, by=bu_koor, to=pak_budi)
    page = client.get(reverse("referral-detail", args=[asked.public_id]))
    assert page.status_code == 200
    assert "Yang dibagikan" not in page.text
    assert reverse("session-detail", args=[history["first"].public_id]) not in page.text
    assert "Pengungkapan" not in page.text


def test_a_coordinator_who_did_not_choose_gets_404_on_the_page(client, chosen, bu_koor_lain):
    login(client, bu_koor_lain)
    page = client.get(reverse("referral-detail", args=[chosen.public_id]))
    assert page.status_code == 404
    assert AccessEvent.objects.order_by("-id").first().action == AccessEvent.Action.DENIED


def test_a_conflicted_coordinator_gets_404_on_the_page(client, asked, pak_koor_konflik):
    login(client, pak_koor_konflik)
    page = client.get(reverse("referral-detail", args=[asked.public_id]))
    assert page.status_code == 404


def test_choosing_rejects_get(client, asked, bu_koor):
    login(client, bu_koor)
    response = client.get(reverse("referral-choose-receiver", args=[asked.public_id]))
    assert response.status_code == 405


def test_the_chooser_is_recorded(chosen, bu_koor):
    chosen.refresh_from_db()
    assert chosen.chosen_by == bu_koor


# Notices


def told(user):
    return Notice.objects.filter(recipient=user, kind=Notice.Kind.REFERRAL_TO_STAFF).exists()


def test_a_conflicted_coordinator_is_not_told_of_the_request(
    asked, bu_koor, bu_koor_lain, pak_koor_konflik, bu_rina
):
    assert told(bu_koor) and told(bu_koor_lain)
    assert not told(pak_koor_konflik)
    assert not told(bu_rina)  # the counselor she wants to leave


def test_a_receiver_who_declared_a_conflict_meanwhile_is_not_told(siti, bu_rina, pak_budi):
    from tests.referrals.conftest import propose

    referral = propose(siti.counselee, bu_rina, pak_budi)
    cases.declare_conflict(siti.counselee, "family", by=pak_budi)
    referrals.answer_as_student(referral, by=siti, accept=True)
    assert told(bu_rina)
    assert not told(pak_budi)


def test_staff_told_of_drops_conflicted_counselors_and_nobody(asked, bu_koor, pak_koor_konflik):
    assert policy.staff_told_of(asked, bu_koor, None, pak_koor_konflik) == [bu_koor]

"""Alih tangan kasus, step by step: nothing moves before the student accepts, only what
she accepted travels, and the referring counselor's reach ends 14 days after."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.http import Http404

from counseling import policy
from counseling.audit.models import AccessEvent
from counseling.notices.models import Notice
from counseling.records.models import CaseAssignment
from counseling.referrals import services as referrals
from counseling.referrals.models import Referral
from sessions import bookings
from tests.conftest import slot_at
from tests.referrals.conftest import propose

Status = Referral.Status
Action = AccessEvent.Action


def readable_notes(counselor):
    return set(policy.notes_for(counselor).values_list("pk", flat=True))


def test_a_proposal_waits_for_the_student_and_the_receiver_knows_nothing(
    proposed, siti, pak_budi, history
):
    assert proposed.status == Status.WAITING_STUDENT
    assert not policy.referrals_for(pak_budi).exists()
    with pytest.raises(Http404):
        policy.get_referral_for(pak_budi, proposed.public_id)
    assert readable_notes(pak_budi) == set()
    assert Notice.objects.filter(recipient=siti, kind=Notice.Kind.REFERRAL_TO_STUDENT).exists()
    assert not Notice.objects.filter(recipient=pak_budi).exists()
    assert AccessEvent.objects.filter(
        action=Action.REFERRAL_PROPOSED, counselee=siti.counselee
    ).exists()


def test_drafts_never_travel(proposed, history):
    shared = set(proposed.shared_notes.values_list("pk", flat=True))
    assert shared == {history["first_note"].pk, history["second_note"].pk}
    assert set(proposed.shared_disclosures.all()) == {history["disclosure"]}


def test_the_summary_scope_shares_no_note(siti, bu_rina, pak_budi, history):
    referral = propose(siti.counselee, bu_rina, pak_budi, scope=Referral.Scope.SUMMARY)
    assert not referral.shared_notes.exists()
    assert not referral.shared_disclosures.exists()


def test_the_chosen_scope_shares_the_chosen_sessions_only(siti, bu_rina, pak_budi, history):
    referral = propose(
        siti.counselee,
        bu_rina,
        pak_budi,
        scope=Referral.Scope.CHOSEN,
        sessions=[history["first"].public_id, history["draft"].session.public_id],
    )
    assert list(referral.shared_notes.all()) == [history["first_note"]]
    assert not referral.shared_disclosures.exists()


def test_a_counselor_with_a_declared_conflict_cannot_be_chosen(siti, bu_rina, pak_konflik, history):
    assert pak_konflik not in policy.receivers_for(bu_rina, siti.counselee)
    with pytest.raises(policy.Denied):
        propose(siti.counselee, bu_rina, pak_konflik)
    assert not Referral.objects.exists()


def test_only_the_counselor_on_the_case_proposes(siti, bu_lama, pak_budi, pak_eko, bu_rina):
    for counselor in (bu_lama, pak_eko, pak_budi):
        with pytest.raises(policy.Denied):
            propose(siti.counselee, counselor, bu_rina)


def test_one_open_referral_per_student(proposed, siti, bu_rina, admin):
    other = policy.receivers_for(bu_rina, siti.counselee).exclude(pk=proposed.to_counselor_id)
    assert not policy.may_refer(bu_rina, siti.counselee)
    with pytest.raises((policy.Denied, ValidationError)):
        propose(siti.counselee, bu_rina, other.first() or proposed.to_counselor)


def test_when_the_student_declines_nothing_moves(proposed, siti, bu_rina, pak_budi):
    referrals.answer_as_student(proposed, by=siti, accept=False)
    proposed.refresh_from_db()
    assert proposed.status == Status.STUDENT_DECLINED
    assert policy.is_assigned(bu_rina, siti.counselee)
    assert not policy.is_assigned(pak_budi, siti.counselee)
    # The receiver never learns that she was asked.
    assert not policy.referrals_for(pak_budi).exists()
    assert not Notice.objects.filter(recipient=pak_budi).exists()


def test_the_student_narrows_what_is_shared_and_cannot_widen_it(siti, bu_rina, pak_budi, history):
    referral = propose(
        siti.counselee,
        bu_rina,
        pak_budi,
        scope=Referral.Scope.CHOSEN,
        sessions=[history["first"].public_id],
    )
    referrals.answer_as_student(
        referral,
        by=siti,
        accept=True,
        keep_sessions=[history["second"].public_id],  # never offered
        keep_disclosures=[history["disclosure"].public_id],  # never offered
    )
    assert not referral.shared_notes.exists()
    assert not referral.shared_disclosures.exists()


def test_after_the_student_accepts_the_receiver_reads_the_summary_not_the_notes(
    student_accepted, pak_budi, history
):
    assert student_accepted.status == Status.WAITING_RECEIVER
    assert policy.get_referral_for(pak_budi, student_accepted.public_id) == student_accepted
    assert readable_notes(pak_budi) == set()
    assert Notice.objects.filter(recipient=pak_budi, kind=Notice.Kind.REFERRAL_TO_STAFF).exists()


def test_on_acceptance_the_receiver_is_assigned_and_reads_what_was_shared(
    handed_over, siti, bu_rina, pak_budi, history
):
    assert handed_over.status == Status.ACCEPTED
    assert policy.is_assigned(pak_budi, siti.counselee)
    assert not policy.is_assigned(bu_rina, siti.counselee)
    ended = CaseAssignment.objects.get(counselor=bu_rina, counselee=siti.counselee)
    assert ended.end_reason == CaseAssignment.EndReason.REFERRED
    assert readable_notes(pak_budi) == {history["first_note"].pk, history["second_note"].pk}
    assert policy.get_note_for(pak_budi, history["first_note"].public_id)
    with pytest.raises(Http404):
        policy.get_note_for(pak_budi, history["draft"].public_id)
    assert policy.get_disclosure_for(pak_budi, history["disclosure"].public_id)


def test_a_note_left_out_stays_unreadable_for_the_receiver(siti, bu_rina, pak_budi, history):
    referral = propose(siti.counselee, bu_rina, pak_budi)
    referrals.answer_as_student(
        referral,
        by=siti,
        accept=True,
        keep_sessions=[history["first"].public_id],
        keep_disclosures=[],
    )
    referrals.answer_as_receiver(referral, by=pak_budi, accept=True)
    assert readable_notes(pak_budi) == {history["first_note"].pk}
    with pytest.raises(Http404):
        policy.get_note_for(pak_budi, history["second_note"].public_id)
    with pytest.raises(Http404):
        policy.get_disclosure_for(pak_budi, history["disclosure"].public_id)


def test_the_referring_counselor_reads_her_own_notes_read_only_for_14_days(
    handed_over, siti, bu_rina, history
):
    access = policy.record_access(bu_rina, siti.counselee)
    assert access.read_counseling_data and not access.write_counseling_data
    assert access.purpose == policy.Purpose.REFERRAL
    assert policy.get_note_for(bu_rina, history["second_note"].public_id)
    assert not policy.may_add_addendum(bu_rina, history["second_note"])
    assert not policy.may_record_disclosure(bu_rina, siti.counselee)
    assert not policy.may_refer(bu_rina, siti.counselee)

    Referral.objects.filter(pk=handed_over.pk).update(
        read_only_until=handed_over.read_only_until - datetime.timedelta(days=14, seconds=1)
    )
    assert not policy.can_read_counseling_data(bu_rina, siti.counselee)
    assert readable_notes(bu_rina) == set()
    with pytest.raises(Http404):
        policy.get_note_for(bu_rina, history["second_note"].public_id)


def test_the_referring_counselor_does_not_read_the_receivers_new_notes(
    handed_over, siti, bu_rina, pak_budi
):
    from tests.referrals.conftest import session_with_note

    _, new_note = session_with_note(siti.counselee, pak_budi, "Catatan Pak Budi.")
    with pytest.raises(Http404):
        policy.get_note_for(bu_rina, new_note.public_id)


def test_when_the_receiver_declines_the_case_stays(student_accepted, siti, bu_rina, pak_budi):
    referrals.answer_as_receiver(student_accepted, by=pak_budi, accept=False)
    student_accepted.refresh_from_db()
    assert student_accepted.status == Status.RECEIVER_DECLINED
    assert policy.is_assigned(bu_rina, siti.counselee)
    assert not policy.is_assigned(pak_budi, siti.counselee)
    assert readable_notes(pak_budi) == set()
    # Having declined, she reads no more of it.
    assert not policy.may_read_referral(pak_budi, student_accepted)


def test_a_shared_note_is_read_only_while_the_receiver_is_on_the_case(
    handed_over, siti, pak_budi, admin, history
):
    from sessions import cases

    cases.end_assignment(
        CaseAssignment.objects.active().get(counselor=pak_budi, counselee=siti.counselee), by=admin
    )
    assert readable_notes(pak_budi) == set()


@pytest.mark.parametrize("who", ["siti", "bu_rina", "pak_konflik", "pak_eko", "admin"])
def test_only_the_receiver_answers_for_the_receiver(request, student_accepted, who):
    with pytest.raises(policy.Denied):
        referrals.answer_as_receiver(student_accepted, by=request.getfixturevalue(who), accept=True)


@pytest.mark.parametrize("who", ["dimas", "bu_rina", "pak_budi", "admin"])
def test_only_the_student_answers_for_the_student(request, proposed, who):
    with pytest.raises(policy.Denied):
        referrals.answer_as_student(proposed, by=request.getfixturevalue(who), accept=True)


def test_the_student_answers_once(student_accepted, siti):
    with pytest.raises(policy.Denied):
        referrals.answer_as_student(student_accepted, by=siti, accept=False)


def test_the_referring_counselor_withdraws_an_open_referral(student_accepted, bu_rina, pak_budi):
    referrals.withdraw(student_accepted, by=bu_rina)
    student_accepted.refresh_from_db()
    assert student_accepted.status == Status.WITHDRAWN
    with pytest.raises(policy.Denied):
        referrals.answer_as_receiver(student_accepted, by=pak_budi, accept=True)
    with pytest.raises(policy.Denied):
        referrals.withdraw(student_accepted, by=pak_budi)


def test_a_referral_in_progress_does_not_stop_an_urgent_request(
    student_accepted, siti, bu_rina, pak_budi, rina_hours, pak_eko
):
    urgent = bookings.book(
        siti.counselee, bu_rina, slot_at(bu_rina, days=2, hour=9).start, by=siti, urgent=True
    )
    taken = bookings.take_urgent(urgent, by=pak_eko)
    assert taken.counselor == pak_eko
    # The receiver may still accept afterwards, and so may one who took the request herself.
    referrals.answer_as_receiver(student_accepted, by=pak_budi, accept=True)
    assert policy.is_assigned(pak_budi, siti.counselee)


def test_the_receiver_who_took_the_urgent_request_still_accepts(
    student_accepted, siti, bu_rina, pak_budi, rina_hours
):
    urgent = bookings.book(
        siti.counselee, bu_rina, slot_at(bu_rina, days=2, hour=9).start, by=siti, urgent=True
    )
    bookings.take_urgent(urgent, by=pak_budi)
    referrals.answer_as_receiver(student_accepted, by=pak_budi, accept=True)
    assert CaseAssignment.objects.active().filter(counselor=pak_budi).count() == 1


def test_every_step_is_in_the_access_log_against_the_student(handed_over, siti, bu_rina, pak_budi):
    steps = list(
        AccessEvent.objects.filter(
            object_type="referrals.referral", object_id=str(handed_over.public_id)
        )
        .order_by("id")
        .values_list("action", "actor")
    )
    assert steps == [
        (Action.REFERRAL_PROPOSED, bu_rina.pk),
        (Action.REFERRAL_ACCEPTED, siti.pk),
        (Action.REFERRAL_ACCEPTED, pak_budi.pk),
    ]


def test_an_admin_sees_no_referral(handed_over, admin):
    assert not policy.referrals_for(admin).exists()
    with pytest.raises(Http404):
        policy.get_referral_for(admin, handed_over.public_id)


def test_a_conflict_declared_later_hides_the_referral(handed_over, pak_budi, siti):
    from sessions import cases

    cases.declare_conflict(siti.counselee, "family", by=pak_budi)
    assert not policy.referrals_for(pak_budi).exists()
    assert readable_notes(pak_budi) == set()

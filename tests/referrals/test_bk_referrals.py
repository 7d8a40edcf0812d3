"""Referrals into BK from teachers: the teacher sees her classes' students and two
statuses, never content, never whether the student came or is in counseling at all."""

import re

import pytest
from django.http import Http404
from django.urls import reverse

from counseling import policy
from counseling.accounts.models import User
from counseling.audit.models import AccessEvent
from counseling.notices.models import Notice
from counseling.referrals import bk
from counseling.referrals.models import BkReferral
from tests.accounts.test_lockout import fail, sign_in, signed_in
from tests.conftest import login, make_counselee, make_user

REASON = "RAHASIA-GURU: Siti menangis di kelas dan tidak mau bicara."
Status = BkReferral.Status


def without_tokens(text):
    # Each render masks the CSRF token differently; everything else must be identical.
    return re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', "", text)


@pytest.fixture
def rani(db, consent_v1):
    """A classmate of Siti's (X-1) who has never been to BK."""
    user = make_user("rani", "Rani Maharani", User.Role.STUDENT)
    make_counselee(user, "1009", class_name="X-1")
    return user


@pytest.fixture
def referred(siti, bu_wati):
    return bk.refer(siti.counselee, by=bu_wati, reason=REASON)


def test_a_teacher_sees_only_the_students_of_her_classes(bu_wati, siti, dimas, rani):
    assert set(policy.students_for(bu_wati)) == {siti.counselee, rani.counselee}
    with pytest.raises(Http404):
        policy.get_student_for_teacher(bu_wati, dimas.counselee.public_id)


def test_a_teacher_signs_in_without_a_second_factor(client, bu_wati):
    response = sign_in(client, "bu_wati")
    assert signed_in(client)
    assert client.get(response["Location"], follow=True).request["PATH_INFO"] == reverse(
        "teacher-dashboard"
    )


def test_a_teacher_is_locked_out_like_everyone(client, bu_wati):
    fail(client, "bu_wati", 5)
    assert "Terlalu banyak percobaan" in sign_in(client, "bu_wati").text
    assert not signed_in(client)


def test_the_teacher_refers_and_the_counselors_are_told(bu_rina, pak_budi, referred, bu_wati):
    assert referred.status == Status.SENT
    # No coordinator named: every counselor of the school receives it.
    assert set(
        Notice.objects.filter(kind=Notice.Kind.BK_REFERRAL).values_list("recipient", flat=True)
    ) == {bu_rina.pk, pak_budi.pk}
    assert AccessEvent.objects.filter(actor=bu_wati, object_id=str(referred.public_id)).exists()


def test_with_a_coordinator_only_she_and_the_students_counselors_read_it(
    siti, bu_wati, bu_rina, pak_budi, pak_eko
):
    pak_budi.is_coordinator = True
    pak_budi.save(update_fields=["is_coordinator"])
    referral = bk.refer(siti.counselee, by=bu_wati, reason=REASON)
    assert policy.get_bk_referral_for(bu_rina, referral.public_id)  # her counselor
    assert policy.get_bk_referral_for(pak_budi, referral.public_id)  # the coordinator
    with pytest.raises(Http404):
        policy.get_bk_referral_for(pak_eko, referral.public_id)


def test_a_conflicted_counselor_does_not_read_it(referred, pak_konflik):
    with pytest.raises(Http404):
        policy.get_bk_referral_for(pak_konflik, referred.public_id)


def test_the_teacher_never_reads_the_reason_back(client, referred, bu_wati):
    login(client, bu_wati)
    page = client.get(reverse("teacher-dashboard"))
    assert "Terkirim" in page.text
    assert REASON not in page.text
    assert client.get(reverse("bk-referral-detail", args=[referred.public_id])).status_code == 404


def test_the_teacher_sees_received_then_followed_up_and_nothing_of_the_student(
    client, referred, siti, bu_wati, bu_rina
):
    bk.receive(referred, by=bu_rina)
    bk.invite(referred, by=bu_rina)
    login(client, bu_wati)
    received = without_tokens(client.get(reverse("teacher-dashboard")).text)
    assert "Diterima BK" in received

    login(client, siti)
    invitation = policy.bk_invitations_for(siti).get()
    assert REASON not in client.get(reverse("bk-invitation", args=[invitation.public_id])).text
    client.post(reverse("bk-invitation-answer", args=[invitation.public_id]), {"answer": "no"})
    referred.refresh_from_db()
    assert referred.student_answer == BkReferral.StudentAnswer.DECLINED

    login(client, bu_wati)
    # Declining changed nothing the teacher can see.
    assert without_tokens(client.get(reverse("teacher-dashboard")).text) == received
    bk.follow_up(referred, by=bu_rina)
    assert "Selesai ditindaklanjuti" in client.get(reverse("teacher-dashboard")).text


def test_the_teacher_cannot_tell_a_student_in_counseling_from_one_who_is_not(
    client, siti, rani, bu_wati
):
    login(client, bu_wati)

    def refer_page(student):
        text = client.get(reverse("teacher-refer", args=[student.counselee.public_id])).text
        text = text.replace(str(student.counselee.public_id), "ID").replace(student.full_name, "X")
        return without_tokens(text)

    assert refer_page(siti) == refer_page(rani)
    bk.refer(siti.counselee, by=bu_wati, reason=REASON)
    bk.refer(rani.counselee, by=bu_wati, reason=REASON)
    rows = client.get(reverse("teacher-dashboard")).text
    assert rows.count("Terkirim") == 2


TEACHER_404 = [
    ("counselee-detail", "siti"),
    ("referral-create", "siti"),
    ("my-access-log", None),
    ("audit-log", None),
    ("caseload", None),
    ("booking-queue", None),
    ("my-bookings", None),
    ("bk-referral-list", None),
    ("referral-list", None),
    ("student-dashboard", None),
    ("counselor-dashboard", None),
]


@pytest.mark.parametrize(("page", "arg"), TEACHER_404)
def test_a_teacher_reaches_no_counseling_page(client, siti, bu_wati, page, arg):
    login(client, bu_wati)
    args = [siti.counselee.public_id] if arg else []
    assert client.get(reverse(page, args=args)).status_code == 404


def test_a_teacher_opens_no_session_booking_or_referral(
    client, siti, bu_wati, siti_booking, referred
):
    from counseling.referrals.models import Referral  # noqa: F401
    from sessions import services as session_services

    session = session_services.create_walk_in_session(
        siti.counselee, by=siti.counselee.assignments.get().counselor
    )
    login(client, bu_wati)
    for url in (
        reverse("session-detail", args=[session.public_id]),
        reverse("booking-detail", args=[siti_booking.public_id]),
        reverse("bk-referral-detail", args=[referred.public_id]),
        reverse("bk-invitation", args=[referred.public_id]),
    ):
        assert client.get(url).status_code == 404


@pytest.mark.parametrize("who", ["siti", "dimas", "bu_rina", "pak_budi", "admin"])
def test_only_a_teacher_of_the_class_refers(request, client, siti, who):
    user = request.getfixturevalue(who)
    with pytest.raises(policy.Denied):
        bk.refer(siti.counselee, by=user, reason=REASON)
    login(client, user)
    url = reverse("teacher-refer", args=[siti.counselee.public_id])
    assert client.post(url, {"reason": REASON}).status_code == 404
    assert not BkReferral.objects.exists()


def test_a_teacher_of_another_class_cannot_refer(siti, bu_wati, dimas):
    with pytest.raises(policy.Denied):
        bk.refer(dimas.counselee, by=bu_wati, reason=REASON)


def test_one_open_referral_per_teacher_and_student(referred, siti, bu_wati, bu_rina):
    with pytest.raises(policy.Denied):
        bk.refer(siti.counselee, by=bu_wati, reason=REASON)
    bk.receive(referred, by=bu_rina)
    bk.follow_up(referred, by=bu_rina)
    assert bk.refer(siti.counselee, by=bu_wati, reason=REASON)


@pytest.mark.parametrize("who", ["siti", "bu_wati", "admin", "pak_konflik"])
def test_only_bk_receives_and_follows_up(request, referred, who):
    user = request.getfixturevalue(who)
    for step in (bk.receive, bk.invite, bk.follow_up):
        with pytest.raises(policy.Denied):
            step(referred, by=user)


def test_the_steps_go_in_order(referred, bu_rina):
    with pytest.raises(policy.Denied):
        bk.follow_up(referred, by=bu_rina)
    with pytest.raises(policy.Denied):
        bk.invite(referred, by=bu_rina)
    bk.receive(referred, by=bu_rina)
    with pytest.raises(policy.Denied):
        bk.receive(referred, by=bu_rina)


def test_the_page_flow_for_bk(client, referred, siti, bu_rina):
    login(client, bu_rina)
    detail = client.get(reverse("bk-referral-detail", args=[referred.public_id]))
    assert REASON in detail.text
    for step in ("bk-referral-receive", "bk-referral-invite", "bk-referral-follow-up"):
        assert client.post(reverse(step, args=[referred.public_id])).status_code == 302
    referred.refresh_from_db()
    assert referred.status == Status.FOLLOWED_UP
    assert client.get(reverse("bk-referral-receive", args=[referred.public_id])).status_code == 405
    login(client, siti)
    assert (
        reverse("bk-invitation", args=[referred.public_id])
        in client.get(reverse("student-dashboard")).text
    )

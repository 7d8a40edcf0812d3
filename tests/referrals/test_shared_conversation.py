"""A referral shares the online-counseling conversation only with the student's consent.

Bu Rina offers her conversation with Siti in the referral; Siti leaves it in or takes it
out; Pak Budi, once he accepted, reads what was written until she consented, read-only,
and every opening is logged on her page "Siapa yang membuka catatanku"."""

import datetime

import pytest
from django.http import Http404
from django.urls import reverse
from django.utils import timezone

from counseling import policy
from counseling.audit.models import AccessEvent
from counseling.messaging import services as messaging
from counseling.messaging.models import Message
from counseling.referrals import services as referrals
from counseling.referrals.models import Referral
from sessions import cases
from tests.conftest import login
from tests.referrals.conftest import propose

BEFORE = "RAHASIA-DARING-5501: aku sulit tidur sejak ujian."
REPLY = "RAHASIA-DARING-5502: kita coba latihan napas, ya."
AFTER = "RAHASIA-DARING-5503: ditulis setelah Siti menyetujui."


@pytest.fixture
def conversation(siti_online, bu_rina):
    conversation = messaging.open_conversation(siti_online, bu_rina, by=siti_online)
    messaging.send(conversation, by=siti_online, body=BEFORE)
    messaging.send(conversation, by=bu_rina, body=REPLY)
    return conversation


@pytest.fixture
def offered(siti_online, bu_rina, pak_budi, conversation):
    return propose(siti_online.counselee, bu_rina, pak_budi, share_conversation=True)


def hand_over(referral, siti, pak_budi, *, keep_conversation=True):
    referrals.answer_as_student(referral, by=siti, accept=True, keep_conversation=keep_conversation)
    # Something written after her consent, before the receiver answers: not shared.
    later = timezone.now() + datetime.timedelta(seconds=1)
    Message.objects.create(
        conversation=referral.shared_conversation or referral.counselee.conversations.get(),
        sender=siti,
        side=Message.SenderSide.STUDENT,
        body=AFTER,
        sent_at=later,
    )
    return referrals.answer_as_receiver(referral, by=pak_budi, accept=True)


def test_the_offer_records_the_conversation(offered, conversation):
    assert offered.shared_conversation == conversation


def test_nothing_is_offered_without_the_tick(siti_online, bu_rina, pak_budi, conversation):
    referral = propose(siti_online.counselee, bu_rina, pak_budi)
    assert referral.shared_conversation is None


def test_nothing_is_offered_when_there_is_no_conversation(siti, bu_rina, pak_budi):
    referral = propose(siti.counselee, bu_rina, pak_budi, share_conversation=True)
    assert referral.shared_conversation is None


def test_the_receiver_reads_the_earlier_messages_read_only(
    offered, siti_online, pak_budi, conversation
):
    hand_over(offered, siti_online, pak_budi)
    access = policy.conversation_access(pak_budi, conversation)
    assert access.read and not access.write
    assert access.purpose == policy.Purpose.REFERRAL
    bodies = {m.body for m in policy.visible_messages(conversation, access)}
    assert bodies == {BEFORE, REPLY}
    assert conversation in policy.conversations_for(pak_budi)
    assert not policy.may_send(pak_budi, conversation)
    assert policy.unread_messages_for(pak_budi) == 0


def test_without_her_consent_the_receiver_reads_nothing(
    offered, siti_online, pak_budi, conversation
):
    hand_over(offered, siti_online, pak_budi, keep_conversation=False)
    offered.refresh_from_db()
    assert offered.shared_conversation is None
    assert not policy.conversation_access(pak_budi, conversation).read
    assert conversation not in policy.conversations_for(pak_budi)
    with pytest.raises(Http404):
        policy.get_conversation_for(pak_budi, conversation.public_id)


def test_before_he_accepts_the_receiver_reads_nothing(offered, siti_online, pak_budi, conversation):
    referrals.answer_as_student(offered, by=siti_online, accept=True)
    assert not policy.conversation_access(pak_budi, conversation).read
    assert conversation not in policy.conversations_for(pak_budi)


def test_a_conflict_ends_the_receivers_reach(offered, siti_online, pak_budi, conversation):
    hand_over(offered, siti_online, pak_budi)
    cases.declare_conflict(siti_online.counselee, "family", by=pak_budi)
    assert not policy.conversation_access(pak_budi, conversation).read
    assert conversation not in policy.conversations_for(pak_budi)


def test_leaving_the_case_ends_the_receivers_reach(
    offered, siti_online, pak_budi, admin, conversation
):
    hand_over(offered, siti_online, pak_budi)
    assignment = siti_online.counselee.assignments.active().get(counselor=pak_budi)
    cases.end_assignment(assignment, by=admin)
    assert not policy.conversation_access(pak_budi, conversation).read
    assert conversation not in policy.conversations_for(pak_budi)


def test_another_counselor_reads_nothing(offered, siti_online, pak_budi, conversation):
    from tests.conftest import make_user

    other = make_user("bu_lain", "Lain Sekali", "counselor")
    hand_over(offered, siti_online, pak_budi)
    assert not policy.conversation_access(other, conversation).read


# Pages


def test_the_form_offers_the_conversation(client, siti_online, bu_rina, pak_budi, conversation):
    login(client, bu_rina)
    url = reverse("referral-create", args=[siti_online.counselee.public_id])
    assert "Bagikan juga percakapan daring" in client.get(url).text
    response = client.post(
        url,
        {
            "to_counselor": pak_budi.pk,
            "reason": Referral.Reason.WORKLOAD,
            "summary": "Ringkasan.",
            "scope": Referral.Scope.SUMMARY,
            "share_conversation": "on",
        },
    )
    assert response.status_code == 302
    assert Referral.objects.get().shared_conversation == conversation


def test_the_form_has_no_tick_without_a_conversation(client, siti, bu_rina, pak_budi):
    login(client, bu_rina)
    page = client.get(reverse("referral-create", args=[siti.counselee.public_id]))
    assert "Bagikan juga percakapan daring" not in page.text


def test_the_student_sees_it_and_takes_it_out(client, offered, siti_online, conversation):
    login(client, siti_online)
    page = client.get(reverse("referral-detail", args=[offered.public_id]))
    assert 'name="conversation" value="keep" checked' in page.text
    response = client.post(
        reverse("referral-student-answer", args=[offered.public_id]), {"answer": "accept"}
    )
    assert response.status_code == 302
    offered.refresh_from_db()
    assert offered.status == Referral.Status.WAITING_RECEIVER
    assert offered.shared_conversation is None


def test_the_student_leaves_it_in(client, offered, siti_online, conversation):
    login(client, siti_online)
    client.post(
        reverse("referral-student-answer", args=[offered.public_id]),
        {"answer": "accept", "conversation": "keep"},
    )
    offered.refresh_from_db()
    assert offered.shared_conversation == conversation


def test_the_receiver_opens_it_and_each_opening_is_logged(
    client, offered, siti_online, pak_budi, conversation
):
    hand_over(offered, siti_online, pak_budi)
    login(client, pak_budi)
    detail = client.get(reverse("referral-detail", args=[offered.public_id]))
    url = reverse("conversation", args=[conversation.public_id])
    assert url in detail.text
    before = AccessEvent.objects.filter(object_type="messaging.conversation").count()
    for _ in range(2):
        thread = client.get(url)
        assert thread.status_code == 200
        assert BEFORE in thread.text and REPLY in thread.text
        assert AFTER not in thread.text
        assert 'name="body"' not in thread.text
    opened = AccessEvent.objects.filter(
        object_type="messaging.conversation", actor=pak_budi, action=AccessEvent.Action.VIEW
    )
    assert opened.count() == 2
    assert AccessEvent.objects.filter(object_type="messaging.conversation").count() == before + 2
    assert {event.purpose for event in opened} == {policy.Purpose.REFERRAL}
    listed = client.get(reverse("conversations")).text
    assert url in listed and "dibagikan kepada Anda lewat alih tangan kasus" in listed

    login(client, siti_online)
    log_page = client.get(reverse("my-access-log"))
    assert "Budi Hartono" in log_page.text
    assert "percakapan daringmu" in log_page.text


def test_the_receiver_cannot_send_in_it(client, offered, siti_online, pak_budi, conversation):
    hand_over(offered, siti_online, pak_budi)
    login(client, pak_budi)
    response = client.post(reverse("message-send", args=[conversation.public_id]), {"body": "Halo"})
    assert response.status_code == 404
    assert not Message.objects.filter(sender=pak_budi).exists()


def test_without_consent_the_thread_answers_404(
    client, offered, siti_online, pak_budi, conversation
):
    hand_over(offered, siti_online, pak_budi, keep_conversation=False)
    login(client, pak_budi)
    response = client.get(reverse("conversation", args=[conversation.public_id]))
    assert response.status_code == 404
    assert BEFORE not in response.text
    assert AccessEvent.objects.order_by("-id").first().action == AccessEvent.Action.DENIED


def test_the_thread_rejects_post(client, offered, siti_online, pak_budi, conversation):
    hand_over(offered, siti_online, pak_budi)
    login(client, pak_budi)
    response = client.post(reverse("conversation", args=[conversation.public_id]))
    assert response.status_code == 405

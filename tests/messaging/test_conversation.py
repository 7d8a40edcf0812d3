"""Siti and Bu Rina write to each other: the thread, sending, retracting, consent."""

import datetime

import pytest
from django.db import connection
from django.urls import reverse
from django.utils import timezone

from counseling.audit.models import AccessEvent
from counseling.messaging import services
from counseling.messaging.models import ImmutableMessageError, Message, MessageDraft
from counseling.policy import Denied
from tests.conftest import login, sealed
from tests.messaging.conftest import RINA_LINE, SITI_LINE

pytestmark = pytest.mark.django_db


def _open(client, user, conversation):
    return login(client, user).get(reverse("conversation", args=[conversation.public_id]))


def test_both_read_the_thread(client, conversation, siti_online, bu_rina):
    page = _open(client, siti_online, conversation).content.decode()
    assert SITI_LINE in page and RINA_LINE in page
    page = _open(client, bu_rina, conversation).content.decode()
    assert SITI_LINE in page and RINA_LINE in page


def test_a_counselor_opening_the_thread_is_one_log_entry_not_one_per_message(
    client, conversation, bu_rina
):
    for n in range(5):
        services.send(conversation, by=conversation.counselee.user, body=f"baris {n}")
    before = AccessEvent.objects.filter(actor=bu_rina, action="view").count()
    _open(client, bu_rina, conversation)
    views = AccessEvent.objects.filter(actor=bu_rina, action="view").order_by("-id")
    assert views.count() == before + 1
    assert views[0].object_type == "messaging.conversation"
    assert views[0].counselee == conversation.counselee


def test_the_student_sees_the_open_on_her_access_page(client, conversation, siti_online, bu_rina):
    _open(client, bu_rina, conversation)
    page = login(client, siti_online).get(reverse("my-access-log")).content.decode()
    assert "percakapan daringmu dengan guru BK" in page
    assert "Rina Wulandari" in page


def test_sending_stores_ciphertext_and_counts_unread(client, conversation, siti_online):
    login(client, siti_online).post(
        reverse("message-send", args=[conversation.public_id]), {"body": "halo lagi"}
    )
    message = Message.objects.order_by("-pk").first()
    assert message.body == "halo lagi"
    with connection.cursor() as cursor:
        cursor.execute("SELECT body FROM messaging_message WHERE id = %s", [message.pk])
        (raw,) = cursor.fetchone()
    assert "halo" not in raw and sealed(raw)
    conversation.refresh_from_db()
    assert conversation.unread_for_counselor == 2


def test_a_sent_message_cannot_be_edited(conversation):
    message = Message.objects.filter(conversation=conversation).first()
    message.body = "diubah"
    with pytest.raises(ImmutableMessageError):
        message.save()
    with pytest.raises(ImmutableMessageError):
        message.delete()


def test_the_sender_retracts_within_a_minute(client, conversation, siti_online):
    message = Message.objects.filter(conversation=conversation, sender=siti_online).get()
    response = login(client, siti_online).post(reverse("message-retract", args=[message.public_id]))
    assert response.status_code == 302
    message.refresh_from_db()
    assert message.retracted_at is not None and message.body == ""
    page = _open(client, siti_online, conversation).content.decode()
    assert SITI_LINE not in page and "pesan ditarik" in page


def test_retracting_after_a_minute_is_refused(client, conversation, siti_online):
    message = Message.objects.filter(conversation=conversation, sender=siti_online).get()
    Message.objects.filter(pk=message.pk).update(
        sent_at=timezone.now() - datetime.timedelta(minutes=2)
    )
    response = login(client, siti_online).post(reverse("message-retract", args=[message.public_id]))
    assert response.status_code == 404
    message.refresh_from_db()
    assert message.body == SITI_LINE


def test_nobody_retracts_someone_elses_message(client, conversation, bu_rina, siti_online):
    message = Message.objects.filter(conversation=conversation, sender=siti_online).get()
    response = login(client, bu_rina).post(reverse("message-retract", args=[message.public_id]))
    assert response.status_code == 404
    message.refresh_from_db()
    assert message.body == SITI_LINE


def test_a_student_is_asked_for_online_consent_before_her_first_message(
    client, siti, bu_rina, online_consent
):
    conversation = services.open_conversation(siti, bu_rina, by=siti)
    page = _open(client, siti, conversation).content.decode()
    assert "Sebelum pesan pertamamu" in page
    assert 'name="body"' not in page
    response = client.post(reverse("message-send", args=[conversation.public_id]), {"body": "halo"})
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("consent"))
    assert not Message.objects.exists()


def test_consent_without_the_online_section_does_not_open_messaging(client, siti, bu_rina):
    conversation = services.open_conversation(siti, bu_rina, by=siti)
    with pytest.raises(services.OnlineConsentRequired):
        services.send(conversation, by=siti, body="halo")


def test_ending_counseling_makes_it_read_only_for_both(client, conversation, siti_online, bu_rina):
    from sessions import cases

    cases.end_counseling(siti_online.counselee, by=siti_online)
    for user in (siti_online, bu_rina):
        page = _open(client, user, conversation)
        assert page.status_code == 200
        assert SITI_LINE in page.content.decode()
        assert 'name="body"' not in page.content.decode()
        response = client.post(
            reverse("message-send", args=[conversation.public_id]), {"body": "masih?"}
        )
        assert response.status_code == 404
    assert Message.objects.filter(conversation=conversation).count() == 2


def test_a_removed_counselor_reads_only_what_was_written_while_she_was_on_the_case(
    client, lama_conversation, bu_lama, siti_online
):
    from tests.messaging.conftest import LAMA_LINE

    # Bu Lama is no longer on the case, so Siti cannot write there either.
    with pytest.raises(Denied):
        services.send(lama_conversation, by=siti_online, body="halo?")
    page = _open(client, bu_lama, lama_conversation).content.decode()
    assert LAMA_LINE in page
    assert 'name="body"' not in page


def test_the_coordinator_assigns_a_counselor_from_the_intake(
    client, admin, siti_online, bu_rina, pak_budi
):
    from sessions import cases

    cases.end_assignment(siti_online.counselee.assignments.get(), by=admin)
    pak_budi.is_coordinator = True
    pak_budi.save(update_fields=["is_coordinator"])
    intake = services.open_conversation(siti_online, pak_budi, by=siti_online)
    services.send(intake, by=siti_online, body="aku butuh guru BK")
    url = reverse("intake-assign", args=[intake.public_id])

    # Bu Rina is no coordinator: she may not, and nothing changes.
    assert login(client, bu_rina).post(url, {"counselor": "bu_rina"}).status_code == 404
    assert not siti_online.counselee.assignments.active().exists()

    page = login(client, pak_budi).get(reverse("conversation", args=[intake.public_id]))
    assert "Siswa ini belum punya guru BK" in page.content.decode()
    assert client.post(url, {"counselor": "bu_rina"}).status_code == 302
    assignment = siti_online.counselee.assignments.active().get()
    assert assignment.counselor == bu_rina
    # The student answers it on her dashboard; the intake is read-only for the coordinator.
    assert assignment.student_answered_at is None
    page = client.get(reverse("conversation", args=[intake.public_id])).content.decode()
    assert "aku butuh guru BK" in page and 'name="body"' not in page
    assert client.post(url, {"counselor": "pak_budi"}).status_code == 404


def test_a_student_without_a_counselor_writes_to_the_coordinator(
    client, admin, siti_online, bu_rina, pak_budi
):
    from sessions import cases

    assignment = siti_online.counselee.assignments.get()
    cases.end_assignment(assignment, by=admin)
    pak_budi.is_coordinator = True
    pak_budi.save(update_fields=["is_coordinator"])
    page = login(client, siti_online).get(reverse("conversations")).content.decode()
    assert "Budi Hartono" in page and "Rina Wulandari" not in page
    response = client.post(reverse("conversation-start", args=["pak_budi"]))
    conversation = siti_online.counselee.conversations.get(counselor=pak_budi)
    assert conversation.intake
    services.send(conversation, by=siti_online, body="aku butuh guru BK")
    services.send(conversation, by=pak_budi, body="saya bantu carikan")
    assert response.status_code == 302


def test_her_data_copy_holds_her_conversations(conversation, siti_online):
    rows = services.export_for(siti_online.counselee)
    assert [row["text"] for row in rows] == [SITI_LINE, RINA_LINE]
    assert {row["from"] for row in rows} == {"student", "counselor"}


def test_her_erasure_deletes_her_messages_and_drafts(conversation, siti_online, bu_rina, admin):
    import datetime

    from counseling.retention import erasure
    from tests.retention.conftest import graduate

    services.save_draft(conversation, by=bu_rina, body="setengah jadi")
    assert Message.objects.filter(conversation=conversation).exists()
    today = datetime.date.today()
    graduate(siti_online.counselee, admin, years_ago=3, today=today, days=1)
    erasure.erase(siti_online.counselee, today=today)
    assert not Message.objects.filter(conversation=conversation).exists()
    assert not MessageDraft.objects.exists()


def test_a_removed_counselor_reads_her_old_conversation_for_14_days_then_not(
    lama_conversation, bu_lama
):
    import datetime

    from django.utils import timezone

    from counseling import policy
    from counseling.records.models import CaseAssignment

    assert policy.conversation_access(bu_lama, lama_conversation).read
    assert not policy.conversation_access(bu_lama, lama_conversation).write
    CaseAssignment.objects.filter(counselor=bu_lama).update(
        ended_at=timezone.now() - datetime.timedelta(days=15)
    )
    assert not policy.conversation_access(bu_lama, lama_conversation).read

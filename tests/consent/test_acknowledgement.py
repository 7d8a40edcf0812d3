"""A student meets the consent document first, and acknowledges it as a record that stays."""

import pytest
from django.db import DatabaseError, connection, transaction
from django.urls import reverse

from consent import rendering, services
from consent.models import ConsentAcknowledgement, ConsentDocument
from counseling.audit.models import AccessEvent, AppendOnlyError
from tests.conftest import PASSWORD, acknowledge


def agree(client, document, name="Nabila Azzahra", understood=True, language="id"):
    title, body = document.text(language)
    data = {
        "version": document.version,
        "text_hash": rendering.text_hash(title, body),
        "typed_name": name,
    }
    if understood:
        data["understood"] = "on"
    return client.post(reverse("consent"), data)


def test_a_student_without_consent_is_led_to_the_document_at_login(client, nabila):
    response = client.post(
        reverse("login"), {"username": "nabila", "password": PASSWORD}, follow=True
    )
    assert response.request["PATH_INFO"] == reverse("consent")
    assert "Persetujuan Konseling" in response.text
    assert "<h2>Kerahasiaan</h2>" in response.text  # Markdown, rendered


def test_a_student_with_consent_goes_straight_to_the_dashboard(client, siti):
    response = client.post(reverse("login"), {"username": "siti", "password": PASSWORD})
    assert client.get(response["Location"])["Location"] == reverse("student-dashboard")


def test_declining_still_lets_the_student_browse(client_for, nabila):
    response = client_for(nabila).get(reverse("student-dashboard"))
    assert response.status_code == 200
    assert reverse("consent") in response.text  # and the prompt stays


def test_acknowledging_stores_who_what_when_and_from_where(client_for, nabila, consent_v1):
    client = client_for(nabila)
    response = agree(client, consent_v1)
    assert response.status_code == 302
    ack = ConsentAcknowledgement.objects.get(student=nabila)
    assert ack.document == consent_v1
    assert ack.text_hash == rendering.text_hash(consent_v1.title_id, consent_v1.body_id)
    assert ack.ip_address == "127.0.0.1"
    assert ack.typed_name == "Nabila Azzahra"
    event = AccessEvent.objects.get(action="consent_acknowledged")
    assert (event.actor, event.counselee) == (nabila, nabila.counselee)
    assert services.has_valid_consent(nabila)


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"understood": False}, "Centang kotak ini"),
        ({"name": "Siti Nurhaliza"}, "nama lengkapmu persis"),
        ({"name": ""}, "Ketik nama lengkapmu"),
    ],
)
def test_it_needs_the_tick_and_the_students_own_name(
    client_for, nabila, consent_v1, fields, message
):
    response = agree(client_for(nabila), consent_v1, **fields)
    assert response.status_code == 200
    assert message in response.text
    assert not ConsentAcknowledgement.objects.filter(student=nabila).exists()


def test_the_name_match_ignores_case_and_spacing(client_for, nabila, consent_v1):
    agree(client_for(nabila), consent_v1, name="  nabila   AZZAHRA ")
    assert services.has_valid_consent(nabila)


def test_the_english_text_is_hashed_as_shown(client_for, nabila, consent_v1):
    client = client_for(nabila)
    client.post(reverse("set_language"), {"language": "en", "next": "/"})
    assert agree(client, consent_v1, language="en").status_code == 302
    ack = ConsentAcknowledgement.objects.get(student=nabila)
    assert (ack.language, ack.text_hash) == (
        "en",
        rendering.text_hash(consent_v1.title_en, consent_v1.body_en),
    )


def test_a_new_version_requires_a_new_acknowledgement(siti, admin, consent_v1):
    assert services.has_valid_consent(siti)
    v2 = ConsentDocument.objects.create(
        version=2, title_id="v2", body_id="teks", title_en="v2", body_en="text"
    )
    services.publish(v2, by=admin)
    assert not services.has_valid_consent(siti)
    acknowledge(siti, v2)
    assert services.has_valid_consent(siti)


def test_a_withdrawal_voids_the_acknowledgement(client_for, siti):
    client = client_for(siti)
    assert client.get(reverse("consent-withdraw")).status_code == 200  # the confirm step
    client.post(reverse("consent-withdraw"))
    assert not services.has_valid_consent(siti)
    assert ConsentAcknowledgement.objects.filter(student=siti).exists()  # kept


def test_raw_html_in_a_document_is_not_rendered(admin):
    html = rendering.render("Halo <script>alert(1)</script> <a href='x'>tautan</a> **tebal**")
    assert "<script" not in html and "<a " not in html
    assert "<strong>tebal</strong>" in html


def test_acknowledgements_cannot_be_changed_or_deleted(siti):
    ack = ConsentAcknowledgement.objects.get(student=siti)
    ack.typed_name = "Orang lain"
    with pytest.raises(AppendOnlyError):
        ack.save()
    with pytest.raises(AppendOnlyError):
        ack.delete()
    with pytest.raises(AppendOnlyError):
        ConsentAcknowledgement.objects.filter(student=siti).delete()
    with pytest.raises(AppendOnlyError):
        ConsentAcknowledgement.objects.filter(student=siti).update(typed_name="x")


def test_a_withdrawal_cannot_be_undone_by_editing_it(siti):
    from consent.models import ConsentWithdrawal

    withdrawal = services.withdraw_consent(siti, by=siti)
    with pytest.raises(AppendOnlyError):
        withdrawal.delete()
    with pytest.raises(AppendOnlyError):
        ConsentWithdrawal.objects.all().delete()
    with pytest.raises(AppendOnlyError):
        ConsentWithdrawal.objects.update(withdrawn_at=withdrawal.withdrawn_at.replace(year=2000))
    assert not services.has_valid_consent(siti)


def test_published_versions_cannot_be_changed_or_deleted(consent_v1):
    consent_v1.body_id = "diam-diam diubah"
    with pytest.raises(AppendOnlyError):
        consent_v1.save()
    with pytest.raises(AppendOnlyError):
        consent_v1.delete()


def test_a_draft_can_be_edited_until_published(admin):
    draft = ConsentDocument.objects.create(
        version=5, title_id="draf", body_id="a", title_en="draft", body_en="a"
    )
    draft.body_id = "b"
    draft.save()
    services.publish(draft, by=admin)
    assert ConsentDocument.objects.get(pk=draft.pk).is_published


@pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL triggers")
@pytest.mark.parametrize(
    "statement",
    [
        "UPDATE consent_consentacknowledgement SET typed_name = 'x'",
        "DELETE FROM consent_consentacknowledgement",
        "UPDATE consent_consentdocument SET body_id = 'x' WHERE published_at IS NOT NULL",
        "DELETE FROM consent_consentdocument WHERE published_at IS NOT NULL",
        "DELETE FROM consent_consentwithdrawal",
    ],
)
def test_the_database_refuses_changes_too(siti, statement):
    services.withdraw_consent(siti, by=siti)
    with (
        pytest.raises(DatabaseError, match="append-only"),
        transaction.atomic(),
        connection.cursor() as cursor,
    ):
        cursor.execute(statement)


def test_admins_publish_from_the_admin_site(client_for, admin, consent_v1):
    draft = ConsentDocument.objects.create(
        version=2, title_id="v2", body_id="teks", title_en="v2", body_en="text"
    )
    client = client_for(admin)
    preview = client.post(
        reverse("admin:consent_consentdocument_changelist"),
        {"action": "publish", "_selected_action": [draft.pk]},
    )
    assert preview["Location"] == reverse("admin:consent_consentdocument_publish", args=[draft.pk])
    assert services.current_document() == consent_v1  # not before the preview is confirmed
    client.post(preview["Location"])
    assert services.current_document() == draft
    response = client_for(admin).get(
        reverse("admin:consent_consentdocument_change", args=[consent_v1.pk])
    )
    assert 'name="body_id"' not in response.text  # read-only once published

"""The record of processing activities: generated from the code and the settings, shown
to the data protection officer and the admin, printable, and logged when read."""

import pytest
from django.apps import apps
from django.urls import reverse
from django.utils import timezone

from counseling.accounts.models import User
from counseling.audit.models import AccessEvent
from counseling.encryption import encrypted_field_names
from counseling.policy.processing import WHO_SEES
from counseling.rights import processing

URL = reverse("processing-record")


def test_the_dpo_reads_it_and_the_reading_is_logged(client_for, dpo):
    response = client_for(dpo).get(URL)

    assert response.status_code == 200
    today = timezone.localdate()
    assert str(today.year) in response.text
    assert timezone.localtime().strftime("%Y-%m-%d") in response.text  # <time datetime=...>
    assert "Larasati Putri" in response.text  # the DPO named in the record
    event = AccessEvent.objects.filter(action=AccessEvent.Action.PROCESSING_RECORD_VIEWED).get()
    assert event.actor == dpo
    assert event.purpose == AccessEvent.Purpose.DATA_PROTECTION
    assert event.object_id == str(today.year)


def test_the_admin_reads_it_too(client_for, admin):
    assert client_for(admin).get(URL).status_code == 200


@pytest.mark.parametrize("who", ["siti", "bu_rina", "bu_wati"])
def test_nobody_else_learns_it_exists(client_for, request, who):
    user = request.getfixturevalue(who)
    response = client_for(user).get(URL)
    assert response.status_code == 404
    assert AccessEvent.objects.filter(actor=user, action=AccessEvent.Action.DENIED).exists()
    assert not AccessEvent.objects.filter(action=AccessEvent.Action.PROCESSING_RECORD_VIEWED)


def test_an_anonymous_visitor_is_sent_to_sign_in(client):
    response = client.get(URL)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


def test_it_rejects_post(client_for, dpo):
    assert client_for(dpo).post(URL).status_code == 405


def test_it_lists_every_model_that_holds_an_encrypted_field(client_for, dpo):
    page = client_for(dpo).get(URL).text
    sealed = [m for m in apps.get_models() if encrypted_field_names(m)]

    assert len(sealed) > 20
    for model in sealed:
        assert f"<code>{model._meta.label_lower}</code>" in page, model
        for name in encrypted_field_names(model):
            assert name in page
    # Every one is filed under a kind of data, none left "not yet classified".
    assert not [m for m in sealed if processing.kind_of(m) == processing.UNCLASSIFIED]


def test_a_model_nobody_classified_still_appears(db, monkeypatch):
    # As a new app would be: its models hold content, nobody filed them under a kind.
    monkeypatch.delitem(processing.KIND_OF_APP, "crisis")

    record = processing.build()

    unclassified = [k for k in record.kinds if k.key == processing.UNCLASSIFIED]
    assert unclassified
    assert {m.label for m in unclassified[0].models} == {
        "crisis.crisisrequest",
        "crisis.safetyplan",
    }


def test_it_quotes_the_retention_settings(client_for, dpo, settings):
    settings.AMANAH_RETENTION_YEARS = 7
    settings.BACKUP_KEEP_DAYS = 45
    page = client_for(dpo).get(URL).text
    assert "7 tahun setelah siswa lulus" in page
    assert "disimpan 45 hari" in page

    settings.AMANAH_RETENTION_YEARS = 4
    page = client_for(dpo).get(URL).text
    assert "4 tahun setelah siswa lulus" in page
    assert "7 tahun setelah siswa lulus" not in page


def test_it_quotes_the_schools_basis_for_minors(client_for, dpo, settings):
    settings.GUARDIAN_BASIS = "notice_only"
    page = client_for(dpo).get(URL).text
    assert "Pemberitahuan kepada wali saja" in page

    settings.GUARDIAN_BASIS = "public_duty"
    page = client_for(dpo).get(URL).text
    assert "Tugas layanan publik sekolah saja" in page
    assert "Pemberitahuan kepada wali saja" not in page


def test_it_quotes_the_current_consent_document(client_for, dpo, consent_v1):
    page = client_for(dpo).get(URL).text
    assert f"versi {consent_v1.version}" in page


def test_it_names_the_processors_without_their_credentials(client_for, dpo, settings):
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST = "relay.sekolah.test"
    settings.EMAIL_PORT = 587
    settings.EMAIL_HOST_USER = "bk-mailer"
    settings.EMAIL_HOST_PASSWORD = "rahasia-relai-123"
    settings.CELERY_TASK_ALWAYS_EAGER = False
    settings.CELERY_BROKER_URL = "redis://:kata-sandi-redis@redis.sekolah.test:6379/0"

    page = client_for(dpo).get(URL).text

    assert "SMTP relay.sekolah.test:587" in page
    assert "redis://redis.sekolah.test:6379" in page
    for secret in ("bk-mailer", "rahasia-relai-123", "kata-sandi-redis"):
        assert secret not in page


def test_it_states_who_needs_a_second_factor_from_the_policy(client_for, dpo):
    record = processing.build()
    line = next(line for line in record.security if "TOTP" in line)
    for role in (User.Role.COUNSELOR, User.Role.ADMIN, User.Role.DPO):
        assert str(role.label) in line
    for role in (User.Role.STUDENT, User.Role.TEACHER):
        assert str(role.label) not in line


def test_every_role_has_a_line_in_every_kind_of_data():
    assert set(WHO_SEES) == set(processing.TITLES) - {processing.UNCLASSIFIED}
    for kind, lines in WHO_SEES.items():
        assert set(lines) == set(User.Role.values), kind


def test_the_page_prints_without_the_site_around_it(client_for, dpo):
    from pathlib import Path

    from django.contrib.staticfiles import finders

    css = Path(finders.find("css/amanah.css")).read_text(encoding="utf-8")
    printed = css[css.index("@media print") :]
    assert ".topbar" in printed and ".footer" in printed and ".no-print" in printed
    page = client_for(dpo).get(URL).text
    assert 'class="small no-print"' in page

"""Break-glass: justified, password-confirmed, short, read-only, flagged, alerted, reviewed."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from counseling.audit.models import AccessEvent, EmergencyAccess
from sessions import cases
from tests.conftest import PASSWORD, sealed

JUSTIFICATION = "Wali kelas melapor siswa hilang sejak pagi; guru BK-nya cuti."


def request_access(client, nis="1001", justification=JUSTIFICATION, password=PASSWORD):
    return client.post(
        reverse("emergency-access-request"),
        {"nis": nis, "justification": justification, "password": password},
    )


def record_url(student):
    return reverse("counselee-detail", args=[student.counselee.public_id])


@pytest.fixture
def admin_with_email(admin):
    admin.email = "agus@sekolah.test"
    admin.save()
    return admin


def test_a_counselor_not_on_the_case_cannot_open_the_record_without_it(client_for, siti, pak_budi):
    assert client_for(pak_budi).get(record_url(siti)).status_code == 404


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"justification": "darurat"}, "paling sedikit 20 karakter"),
        ({"password": "bukan-sandinya-123"}, "Kata sandi salah"),
        ({"nis": "0000"}, "Tidak ada siswa dengan NIS ini"),
    ],
)
def test_it_requires_a_justification_and_the_password(client_for, siti, pak_budi, fields, message):
    response = request_access(client_for(pak_budi), **fields)
    assert response.status_code == 200
    assert message in response.text
    assert not EmergencyAccess.objects.exists()


def test_the_whole_lifecycle(
    client_for, siti, pak_budi, admin_with_email, mailoutbox, django_capture_on_commit_callbacks
):
    client = client_for(pak_budi)
    session_key = client.session.session_key
    with django_capture_on_commit_callbacks(execute=True):
        response = request_access(client)
    assert response.status_code == 302
    assert response["Location"] == record_url(siti)
    assert client.session.session_key != session_key  # the key changes with the privilege

    # Admins are alerted at once, without the student's name or the justification.
    [mail] = mailoutbox
    assert mail.to == ["agus@sekolah.test"]
    for secret in ("Siti", "1001", JUSTIFICATION[:20], "Sering cemas"):
        assert secret not in mail.subject + mail.body
    access = EmergencyAccess.objects.get()
    assert str(access.public_id) in mail.body

    # Read-only access to that one record, every view flagged.
    response = client.get(record_url(siti))
    assert response.status_code == 200
    assert "Sering cemas menjelang ujian." in response.text
    view = AccessEvent.objects.filter(action="view", actor=pak_budi).latest("id")
    assert view.emergency_access == access
    assert view.purpose == "emergency"
    assert view.is_flagged

    # It expires by time: the next request answers 404.
    access.expires_at = timezone.now() - datetime.timedelta(seconds=1)
    access.save()
    assert client.get(record_url(siti)).status_code == 404

    # An admin reviews it with a comment.
    admin_client = client_for(admin_with_email)
    detail = reverse("emergency-access-detail", args=[access.public_id])
    assert JUSTIFICATION in admin_client.get(detail).text
    admin_client.post(
        reverse("emergency-access-review", args=[access.public_id]), {"comment": "Sesuai prosedur."}
    )
    access.refresh_from_db()
    assert access.reviewed_by == admin_with_email
    assert access.review_comment == "Sesuai prosedur."
    assert AccessEvent.objects.filter(action="emergency_review", actor=admin_with_email).exists()


def test_access_lasts_sixty_minutes(client_for, siti, pak_budi):
    request_access(client_for(pak_budi))
    access = EmergencyAccess.objects.get()
    assert access.expires_at - access.granted_at == datetime.timedelta(minutes=60)


def test_it_opens_one_record_only(client_for, siti, dimas, bu_rina):
    client = client_for(bu_rina)
    request_access(client, nis="1002")
    assert client.get(record_url(dimas)).status_code == 200
    other = reverse("counselee-detail", args=[siti.counselee.public_id])
    assert client.get(other).status_code == 200  # her own caseload, unaffected
    assert list(EmergencyAccess.objects.values_list("counselee__nis", flat=True)) == ["1002"]


def test_a_declared_conflict_rules_it_out(client_for, siti, pak_budi):

    cases.declare_conflict(siti.counselee, "family", by=pak_budi)
    response = request_access(client_for(pak_budi))
    assert "tidak tersedia" in response.text
    assert not EmergencyAccess.objects.exists()


def test_the_justification_is_stored_encrypted(client_for, siti, pak_budi):
    from django.db import connection

    request_access(client_for(pak_budi))
    with connection.cursor() as cursor:
        cursor.execute("SELECT justification FROM audit_emergencyaccess")
        [(stored,)] = cursor.fetchall()
    assert JUSTIFICATION not in stored
    assert sealed(stored)


def test_only_admins_review(client_for, siti, pak_budi, bu_rina):
    request_access(client_for(pak_budi))
    access = EmergencyAccess.objects.get()
    for person in (pak_budi, bu_rina, siti):
        client = client_for(person)
        assert (
            client.get(reverse("emergency-access-detail", args=[access.public_id])).status_code
            == 404
        )
        response = client.post(
            reverse("emergency-access-review", args=[access.public_id]), {"comment": "ok"}
        )
        assert response.status_code == 404
    access.refresh_from_db()
    assert access.reviewed_at is None

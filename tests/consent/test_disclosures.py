"""Disclosures: a reason from the closed list, admins alerted without content, the student
told on her page unless it is not yet safe, and then a reminder in 7 days."""

import datetime

import pytest
from django.db import connection
from django.urls import reverse
from django.utils import timezone

from consent import services, tasks
from consent.models import Disclosure
from counseling.audit.models import AccessEvent
from tests.conftest import sealed

SHARED = "Siti menyebut ingin menyakiti diri sendiri minggu ini."


def disclose(client, student, **overrides):
    data = {
        "reason": "danger_to_self",
        "recipient_name": "Ibu Suryani",
        "recipient_role": "parent",
        "recipient_institution": "",
        "what_was_shared": SHARED,
        "disclosed_at": (timezone.localtime() - datetime.timedelta(days=1)).strftime(
            "%Y-%m-%dT%H:%M"
        ),
        "student_informed": "on",
        "not_informed_reason": "",
        **overrides,
    }
    data = {k: v for k, v in data.items() if v is not None}
    return client.post(reverse("disclosure-create", args=[student.counselee.public_id]), data)


@pytest.fixture
def admin_with_email(admin):
    admin.email = "agus@sekolah.test"
    admin.save()
    return admin


def test_a_disclosure_needs_a_reason_from_the_list(client_for, siti, bu_rina):
    response = disclose(client_for(bu_rina), siti, reason="curious_parent")
    assert response.status_code == 200
    assert not Disclosure.objects.exists()
    with pytest.raises(Exception, match="alasan"):
        services.record_disclosure(
            siti.counselee,
            by=bu_rina,
            reason="other",
            recipient_name="x",
            recipient_role="y",
            what_was_shared="z",
            student_informed=True,
        )


def test_it_is_recorded_encrypted_and_alerts_admins_without_content(
    client_for, siti, bu_rina, admin_with_email, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = disclose(client_for(bu_rina), siti)
    assert response.status_code == 302
    disclosure = Disclosure.objects.get()
    event = AccessEvent.objects.get(action="disclose")
    assert (event.actor, event.counselee) == (bu_rina, siti.counselee)
    [mail] = mailoutbox
    assert mail.to == ["agus@sekolah.test"]
    for secret in (SHARED[:20], "Ibu Suryani", "Siti", "1001"):
        assert secret not in mail.subject + mail.body
    with connection.cursor() as cursor:
        cursor.execute("SELECT what_was_shared, recipient_name FROM consent_disclosure")
        row = cursor.fetchone()
    assert all(sealed(value) for value in row)
    assert disclosure.what_was_shared == SHARED


def test_the_student_sees_date_reason_and_recipient_role(client_for, siti, bu_rina):
    disclose(client_for(bu_rina), siti)
    response = client_for(siti).get(reverse("my-access-log"))
    assert "Bahaya bagi siswa sendiri" in response.text
    assert "Orang tua atau wali siswa" in response.text
    assert SHARED not in response.text and "Ibu Suryani" not in response.text


DETAIL = "Unit PPA Polres: dugaan kekerasan oleh ayah tiri"


def test_the_recipient_role_is_a_closed_list_and_its_detail_is_encrypted(client_for, siti, bu_rina):
    client = client_for(bu_rina)
    response = disclose(client, siti, recipient_role="Polisi PPA: dugaan kekerasan")
    assert response.status_code == 200 and not Disclosure.objects.exists()

    response = disclose(client, siti, recipient_role="police", recipient_role_detail=DETAIL)
    assert response.status_code == 302
    disclosure = Disclosure.objects.get()
    with connection.cursor() as cursor:
        cursor.execute("SELECT recipient_role, recipient_role_detail FROM consent_disclosure")
        role, detail = cursor.fetchone()
    assert role == "police"
    assert sealed(detail) and "PPA" not in detail
    page = client.get(reverse("disclosure-detail", args=[disclosure.public_id])).text
    assert f"Polisi ({DETAIL})" in page
    student_page = client_for(siti).get(reverse("my-access-log")).text
    assert "Polisi" in student_page and DETAIL not in student_page


def test_other_needs_the_recipient_role_spelled_out(client_for, siti, bu_rina):
    response = disclose(client_for(bu_rina), siti, recipient_role="other")
    assert "Sebutkan peran penerima" in response.text
    assert not Disclosure.objects.exists()
    with pytest.raises(Exception, match="peran penerima"):
        services.record_disclosure(
            siti.counselee,
            by=bu_rina,
            reason="danger_to_self",
            recipient_name="x",
            recipient_role="kakak kelas",
            what_was_shared="z",
            student_informed=True,
        )


def test_not_yet_safe_to_tell_hides_it_and_needs_a_reason(client_for, siti, bu_rina):
    client = client_for(bu_rina)
    response = disclose(client, siti, student_informed=None, not_informed_reason="")
    assert "Jelaskan mengapa" in response.text
    disclose(client, siti, student_informed=None, not_informed_reason="Menunggu pendamping.")
    page = client_for(siti).get(reverse("my-access-log")).text
    assert "Bahaya bagi siswa sendiri" not in page
    assert "membuka kerahasiaan" not in page


def test_a_reminder_follows_in_seven_days_once(
    siti, bu_rina, mailoutbox, django_capture_on_commit_callbacks
):
    bu_rina.email = "rina@sekolah.test"
    bu_rina.save()
    disclosure = services.record_disclosure(
        siti.counselee,
        by=bu_rina,
        reason="danger_to_self",
        recipient_name="Ibu Suryani",
        recipient_role="parent",
        what_was_shared=SHARED,
        student_informed=False,
        not_informed_reason="Menunggu pendamping.",
    )
    tasks.remind_counselors_to_inform_students.delay()
    assert mailoutbox == []  # not yet due
    Disclosure.objects.filter(pk=disclosure.pk).update(
        disclosed_at=timezone.now() - datetime.timedelta(days=7, minutes=1)
    )
    with django_capture_on_commit_callbacks(execute=True):
        tasks.remind_counselors_to_inform_students.delay()
    with django_capture_on_commit_callbacks(execute=True):
        tasks.remind_counselors_to_inform_students.delay()  # a second run sends nothing
    [mail] = mailoutbox
    assert mail.to == ["rina@sekolah.test"]
    assert SHARED[:20] not in mail.body and "Siti" not in mail.body


def test_marking_informed_shows_it_to_the_student(client_for, siti, bu_rina):
    disclosure = services.record_disclosure(
        siti.counselee,
        by=bu_rina,
        reason="legal_duty",
        recipient_name="Pak Polisi",
        recipient_role="police",
        what_was_shared=SHARED,
        student_informed=False,
        not_informed_reason="Proses hukum berjalan.",
    )
    client_for(bu_rina).post(reverse("disclosure-informed", args=[disclosure.public_id]))
    assert "Kewajiban hukum" in client_for(siti).get(reverse("my-access-log")).text


@pytest.mark.parametrize("who", ["pak_budi", "siti", "admin"])
def test_only_the_counselor_on_the_case_records_or_reads_them(
    client_for, request, siti, bu_rina, who
):
    disclosure = services.record_disclosure(
        siti.counselee,
        by=bu_rina,
        reason="danger_to_self",
        recipient_name="x",
        recipient_role="parent",
        what_was_shared=SHARED,
        student_informed=True,
    )
    client = client_for(request.getfixturevalue(who))
    assert disclose(client, siti).status_code == 404
    assert client.get(reverse("disclosure-detail", args=[disclosure.public_id])).status_code == 404
    assert Disclosure.objects.count() == 1


@pytest.mark.parametrize(
    ("when", "message"),
    [("0001-01-01T00:00", "lebih dari setahun"), ("2999-01-01T00:00", "masa depan")],
)
def test_an_implausible_time_is_refused_with_a_message(client_for, siti, bu_rina, when, message):
    response = disclose(client_for(bu_rina), siti, disclosed_at=when)
    assert response.status_code == 200
    assert message in response.text
    assert not Disclosure.objects.exists()

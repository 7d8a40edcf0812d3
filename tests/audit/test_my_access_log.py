"""'Siapa yang membuka catatanku': a student sees every event about her and no one else's."""

from django.urls import reverse

from counseling.audit import log
from counseling.audit.models import EmergencyAccess


def test_a_student_sees_her_counselors_visits(client_for, siti, bu_rina):
    client_for(bu_rina).get(reverse("counselee-detail", args=[siti.counselee.public_id]))
    response = client_for(siti).get(reverse("my-access-log"))
    assert response.status_code == 200
    assert "Rina Wulandari (Konselor)" in response.text
    assert "membuka data konselingmu" in response.text
    assert "guru BK-mu" in response.text


def test_a_student_sees_nothing_about_another_student(client_for, siti, dimas, pak_budi):
    client_for(pak_budi).get(reverse("counselee-detail", args=[dimas.counselee.public_id]))
    response = client_for(siti).get(reverse("my-access-log"))
    assert "Budi Hartono" not in response.text
    assert "1002" not in response.text
    assert "Dimas" not in response.text


def test_a_denied_attempt_on_her_record_is_shown(client_for, siti, pak_budi):
    client_for(pak_budi).get(reverse("counselee-detail", args=[siti.counselee.public_id]))
    response = client_for(siti).get(reverse("my-access-log"))
    assert "Budi Hartono (Konselor)" in response.text
    assert "dan ditolak" in response.text


def test_emergency_access_is_shown_with_its_reason(client_for, siti, pak_budi):
    from django.utils import timezone

    access = EmergencyAccess.objects.create(
        counselor=pak_budi,
        counselee=siti.counselee,
        justification="Siswa tidak pulang sejak kemarin, guru BK cuti.",
        expires_at=timezone.now(),
    )
    log.record(
        log.Action.VIEW,
        actor=pak_budi,
        obj=siti.counselee,
        counselee=siti.counselee,
        purpose=log.Purpose.EMERGENCY,
        emergency_access=access,
    )
    response = client_for(siti).get(reverse("my-access-log"))
    assert "akses darurat: Siswa tidak pulang sejak kemarin" in response.text
    assert 'class="card flagged"' in response.text


def test_the_page_query_count_does_not_grow_with_the_log(
    client_for, siti, bu_rina, django_assert_max_num_queries
):
    client = client_for(siti)
    for _ in range(30):
        log.record(log.Action.VIEW, actor=bu_rina, obj=siti.counselee, counselee=siti.counselee)
        log.record(log.Action.VIEW, actor=siti, obj=siti.counselee, counselee=siti.counselee)
    # Five, the inbox's unread count in the header, and her own accesses folded away
    # (the list and its count).
    with django_assert_max_num_queries(8):
        client.get(reverse("my-access-log"))


def test_another_students_attempt_shows_no_name(client_for, siti, dimas):
    client_for(dimas).get(reverse("counselee-detail", args=[siti.counselee.public_id]))
    response = client_for(siti).get(reverse("my-access-log"))
    assert "Siswa lain" in response.text
    assert "Dimas" not in response.text


def test_no_trace_of_a_disclosure_before_the_student_is_told(client_for, siti, bu_rina):
    from consent import services

    disclosure = services.record_disclosure(
        siti.counselee,
        by=bu_rina,
        reason="legal_duty",
        recipient_name="Pak Polisi",
        recipient_role="police",
        what_was_shared="x",
        student_informed=False,
        not_informed_reason="Proses hukum berjalan.",
    )
    client_for(bu_rina).get(reverse("disclosure-detail", args=[disclosure.public_id]))
    lines = client_for(siti).get(reverse("my-access-log")).context["lines"]
    assert not [line for line in lines if "Rina" in line.who and "membuka" in line.what]


def test_other_peoples_accesses_come_first_and_her_own_are_folded_away(client_for, siti, bu_rina):
    log.record(log.Action.VIEW, actor=bu_rina, obj=siti.counselee, counselee=siti.counselee)
    for _ in range(3):
        log.record(log.Action.VIEW, actor=siti, obj=siti.counselee, counselee=siti.counselee)
    page = client_for(siti).get(reverse("my-access-log")).text
    main, folded = page.split("<details", 1)
    assert "Rina" in main
    assert "Kamu membuka" not in main
    assert "Yang kamu buka sendiri (" in folded
    assert folded.count("Kamu membuka") == 3

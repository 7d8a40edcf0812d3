import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from counseling.records import services
from counseling.records.models import CaseAssignment, ConflictOfInterest
from sessions import cases


def test_a_conflict_of_interest_blocks_an_assignment(siti, pak_budi, admin):
    cases.declare_conflict(siti.counselee, "family", by=pak_budi)
    with pytest.raises(ValidationError, match="konflik kepentingan"):
        services.assign(pak_budi, siti.counselee, by=admin)
    assert not CaseAssignment.objects.filter(counselor=pak_budi).exists()


def test_declaring_a_conflict_ends_the_counselors_assignment(siti, bu_rina):
    cases.declare_conflict(siti.counselee, "close_friend", by=bu_rina)
    assert not CaseAssignment.objects.active().filter(counselor=bu_rina).exists()
    assert CaseAssignment.objects.filter(counselor=bu_rina).exists()  # history is kept


def test_a_counselor_declares_a_conflict_by_nis(client_for, siti, pak_budi):
    client = client_for(pak_budi)
    response = client.post(reverse("conflicts"), {"nis": "1001", "relation": "family"}, follow=True)
    assert response.status_code == 200
    assert ConflictOfInterest.objects.filter(counselor=pak_budi, counselee=siti.counselee).exists()
    assert "Konflik kepentingan dicatat" in response.text


def test_an_unknown_nis_gets_a_clear_message(client_for, pak_budi):
    response = client_for(pak_budi).post(
        reverse("conflicts"), {"nis": "7777", "relation": "family"}
    )
    assert response.status_code == 200
    assert "Tidak ada siswa dengan NIS ini" in response.text
    assert not ConflictOfInterest.objects.exists()


def test_a_counselor_lists_only_their_own_declarations(client_for, siti, dimas, bu_rina, pak_budi):
    cases.declare_conflict(siti.counselee, "family", by=pak_budi)
    response = client_for(bu_rina).get(reverse("conflicts"))
    assert "Siti Nurhaliza" not in response.text


def test_the_admin_site_refuses_an_assignment_across_a_conflict(client_for, siti, pak_budi, admin):
    cases.declare_conflict(siti.counselee, "family", by=pak_budi)
    response = client_for(admin).post(
        reverse("admin:records_caseassignment_add"),
        {"counselor": pak_budi.pk, "counselee": siti.counselee.pk},
    )
    assert response.status_code == 200
    assert "konflik kepentingan" in response.text
    assert not CaseAssignment.objects.filter(counselor=pak_budi).exists()


def test_the_admin_site_makes_an_assignment_through_the_service(client_for, siti, pak_budi, admin):
    response = client_for(admin).post(
        reverse("admin:records_caseassignment_add"),
        {"counselor": pak_budi.pk, "counselee": siti.counselee.pk},
    )
    assert response.status_code == 302
    assert CaseAssignment.objects.active().filter(counselor=pak_budi).exists()

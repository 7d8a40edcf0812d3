"""Disclosures follow the student's consent like the notes: a counselor newly on the case
sees that one was made (date and reason), not what was shared or with whom."""

from django.urls import reverse
from django.utils import timezone

from consent import services as consent_services
from consent.models import Disclosure
from counseling import policy
from counseling.records import services as records
from sessions import cases
from tests.conftest import login

SHARED = "Ayah tirinya memukulnya; wali kelas diberi tahu."


def test_a_newly_assigned_counselor_reads_no_earlier_disclosure(
    client, siti, bu_rina, pak_budi, admin
):
    disclosure = consent_services.record_disclosure(
        siti.counselee,
        by=bu_rina,
        reason=Disclosure.Reason.DANGER_TO_SELF,
        recipient_name="Ibu Wati",
        recipient_role=Disclosure.RecipientRole.HOMEROOM_TEACHER,
        what_was_shared=SHARED,
        disclosed_at=timezone.now(),
        student_informed=True,
    )
    cases.end_assignment(siti.counselee.assignments.get(counselor=bu_rina), by=admin)
    records.assign(pak_budi, siti.counselee, by=admin)

    login(client, pak_budi)
    record = client.get(reverse("counselee-detail", args=[siti.counselee.public_id]))
    assert record.status_code == 200
    assert "Bahaya bagi siswa sendiri" in record.text  # that it happened, and why
    assert reverse("disclosure-detail", args=[disclosure.public_id]) not in record.text
    detail = client.get(reverse("disclosure-detail", args=[disclosure.public_id]))
    assert detail.status_code == 404
    assert SHARED not in detail.text
    assert not policy.disclosures_for(pak_budi).exists()
    informed = client.post(reverse("disclosure-informed", args=[disclosure.public_id]))
    assert informed.status_code == 404

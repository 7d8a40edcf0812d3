"""The data protection officer's reach: the access log's metadata and its export, the
legal holds (never their reason) and erasure tombstones, her home page. Never content,
and never the admin's emergency-access review."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from counseling.audit import services as audit_services
from counseling.audit.models import AccessEvent, EmergencyAccess
from counseling.retention import erasure
from counseling.retention import services as retention_services
from counseling.rights import services as rights_services
from counseling.rights.models import DataRequest
from tests.retention.conftest import graduate

JUSTIFICATION = "Siti mengirim pesan bahwa ia tidak aman di rumah malam ini."
HOLD_REASON = "Penyidik Polres meminta catatan Siti disimpan."


@pytest.fixture
def broken_glass(siti, pak_budi):
    return audit_services.grant_emergency_access(siti.counselee, JUSTIFICATION, by=pak_budi)


def test_she_reads_the_access_log_as_the_admin_does_without_content(
    client_for, dpo, siti, broken_glass
):
    response = client_for(dpo).get(reverse("audit-log"))

    assert response.status_code == 200
    assert "Siti" in response.text  # who it was about: metadata
    assert "darurat" in response.text  # flagged as emergency access
    assert JUSTIFICATION not in response.text
    assert "Sering cemas" not in response.text  # Siti's background notes
    read = AccessEvent.objects.filter(actor=dpo, object_type="audit.accessevent").get()
    assert read.purpose == AccessEvent.Purpose.DATA_PROTECTION


def test_she_filters_it_by_student(client_for, dpo, siti, dimas, broken_glass):
    response = client_for(dpo).get(reverse("audit-log"), {"nis": siti.counselee.nis})
    assert response.status_code == 200
    read = AccessEvent.objects.filter(actor=dpo, object_type="audit.accessevent").get()
    assert read.counselee == siti.counselee


def test_she_exports_it_and_the_export_is_logged(client_for, dpo, siti, broken_glass):
    response = client_for(dpo).get(reverse("audit-export"))

    assert response.status_code == 200
    body = b"".join(response.streaming_content).decode()
    assert body.startswith("id,occurred_at,actor")
    assert JUSTIFICATION not in body
    assert AccessEvent.objects.filter(actor=dpo, action=AccessEvent.Action.EXPORT).exists()


@pytest.mark.parametrize("name", ["emergency-access-list", "emergency-access-detail"])
def test_emergency_access_stays_the_admins_to_review(client_for, dpo, broken_glass, name):
    args = [broken_glass.public_id] if name == "emergency-access-detail" else []
    response = client_for(dpo).get(reverse(name, args=args))
    assert response.status_code == 404
    assert JUSTIFICATION not in response.text


def test_she_cannot_review_emergency_access(client_for, dpo, broken_glass):
    url = reverse("emergency-access-review", args=[broken_glass.public_id])
    response = client_for(dpo).post(url, {"comment": "Sesuai prosedur."})
    assert response.status_code == 404
    assert EmergencyAccess.objects.get(pk=broken_glass.pk).reviewed_at is None


@pytest.fixture
def held(siti, bu_rina):
    return retention_services.request_legal_hold(siti.counselee, reason=HOLD_REASON, by=bu_rina)


@pytest.fixture
def erased(dimas, admin):
    today = datetime.date.today()
    graduate(dimas.counselee, admin, years_ago=3, today=today, days=1)
    return erasure.erase(dimas.counselee, today=today)


def test_she_lists_holds_without_their_reason_and_erasures_by_pseudonym(
    client_for, dpo, held, erased, dimas
):
    response = client_for(dpo).get(reverse("holds-and-erasures"))

    assert response.status_code == 200
    assert "Siti" in response.text
    assert HOLD_REASON not in response.text
    assert "Menunggu konfirmasi orang kedua" in response.text
    assert str(erased.pseudonym) in response.text
    assert "<form" not in response.text.split("<main")[1].split("</main>")[0]  # read-only
    assert AccessEvent.objects.filter(
        actor=dpo, object_type="retention.legalhold", purpose=AccessEvent.Purpose.DATA_PROTECTION
    ).exists()


def test_the_holds_page_has_a_constant_number_of_queries(
    client_for, dpo, held, erased, django_assert_max_num_queries
):
    client = client_for(dpo)
    client.get(reverse("holds-and-erasures"))
    with django_assert_max_num_queries(12):
        client.get(reverse("holds-and-erasures"))


@pytest.mark.parametrize("who", ["siti", "bu_rina", "bu_wati"])
def test_nobody_else_reaches_the_holds_page(client_for, request, who, held):
    response = client_for(request.getfixturevalue(who)).get(reverse("holds-and-erasures"))
    assert response.status_code == 404
    assert HOLD_REASON not in response.text


def test_the_holds_page_rejects_post(client_for, dpo):
    assert client_for(dpo).post(reverse("holds-and-erasures")).status_code == 405


@pytest.mark.parametrize("action", ["legal-hold-confirm", "legal-hold-release"])
def test_she_cannot_confirm_or_release_a_hold(client_for, dpo, held, action):
    response = client_for(dpo).post(reverse(action, args=[held.public_id]))
    assert response.status_code == 404
    held.refresh_from_db()
    assert held.confirmed_at is None and held.released_at is None


def test_her_home_counts_open_and_overdue_requests_and_links_her_registers(
    client_for, dpo, siti, dimas
):
    rights_services.make_request(siti.counselee, by=siti, kind=DataRequest.Kind.COPY)
    late = rights_services.make_request(dimas.counselee, by=dimas, kind=DataRequest.Kind.ERASURE)
    DataRequest.objects.filter(pk=late.pk).update(
        due_at=timezone.now() - datetime.timedelta(hours=1)
    )

    response = client_for(dpo).get(reverse("dpo-dashboard"))

    assert response.status_code == 200
    assert response.context["open_count"] == 2
    assert response.context["overdue_count"] == 1
    assert "1 lewat batas waktu" in response.text
    for name in ("audit-log", "holds-and-erasures", "processing-record", "data-request-list"):
        assert f'href="{reverse(name)}"' in response.text
    assert "rights/_dpo_breaches.html" in [t.name for t in response.templates]


def test_her_home_has_a_constant_number_of_queries(
    client_for, dpo, siti, dimas, django_assert_max_num_queries
):
    rights_services.make_request(siti.counselee, by=siti, kind=DataRequest.Kind.COPY)
    rights_services.make_request(dimas.counselee, by=dimas, kind=DataRequest.Kind.COPY)
    client = client_for(dpo)
    client.get(reverse("dpo-dashboard"))
    with django_assert_max_num_queries(12):
        client.get(reverse("dpo-dashboard"))


@pytest.mark.parametrize("who", ["siti", "bu_rina", "admin"])
def test_nobody_else_reaches_her_home(client_for, request, who):
    assert client_for(request.getfixturevalue(who)).get(reverse("dpo-dashboard")).status_code == 404


def test_her_home_rejects_post(client_for, dpo):
    assert client_for(dpo).post(reverse("dpo-dashboard")).status_code == 405


def test_her_menu_leads_to_her_pages(client_for, dpo):
    page = client_for(dpo).get(reverse("dpo-dashboard")).text
    nav = page.split('class="nav"')[1].split("</nav>")[0]
    for name in ("audit-log", "processing-record", "holds-and-erasures", "data-request-list"):
        assert f'href="{reverse(name)}"' in nav

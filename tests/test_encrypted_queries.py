"""Queries cannot match or sort ciphertext: they raise instead of silently returning noise."""

import pytest
from django.contrib.admin import site as admin_site
from django.db import models
from django.db.models import F

from counseling import checks
from counseling.audit.models import EmergencyAccess
from counseling.encryption import EncryptedLookupError
from counseling.records.admin import CounseleeAdmin
from counseling.records.models import CaseAssignment, Counselee

GUARDIAN = "Ibu Suryani"


def test_lookups_on_encrypted_fields_raise(siti):
    with pytest.raises(EncryptedLookupError):
        Counselee.objects.filter(guardian_name=GUARDIAN)
    with pytest.raises(EncryptedLookupError):
        Counselee.objects.filter(background_notes__icontains="cemas")
    with pytest.raises(EncryptedLookupError):
        Counselee.objects.exclude(guardian_phone="0812-1111-2222")
    with pytest.raises(EncryptedLookupError):
        CaseAssignment.objects.filter(counselee__guardian_name=GUARDIAN)


def test_isnull_still_works(siti):
    assert Counselee.objects.filter(guardian_name__isnull=False).count() == 1
    assert Counselee.objects.filter(guardian_name__isnull=True).count() == 0


@pytest.mark.parametrize(
    "ordering",
    [["guardian_name"], ["nis", "-background_notes"], [F("guardian_phone").desc()]],
    ids=["name", "descending", "expression"],
)
def test_ordering_by_an_encrypted_field_raises(siti, ordering):
    with pytest.raises(EncryptedLookupError, match="ordering"):
        Counselee.objects.order_by(*ordering)


def test_ordering_emergency_access_by_its_justification_raises(db):
    with pytest.raises(EncryptedLookupError):
        EmergencyAccess.objects.order_by("-justification")


def test_ordering_by_plain_fields_still_works(siti, dimas):
    assert list(Counselee.objects.order_by("-nis").values_list("nis", flat=True)) == [
        "1002",
        "1001",
    ]


class SearchesGuardianName(CounseleeAdmin):
    search_fields = ["nis", "guardian_name"]


def test_admin_search_on_an_encrypted_field_raises(siti, admin, rf):
    model_admin = SearchesGuardianName(Counselee, admin_site)
    request = rf.get("/admin/records/counselee/", {"q": "Suryani"})
    request.user = admin
    with pytest.raises(EncryptedLookupError):
        model_admin.changelist_view(request)


def test_the_admin_search_of_directory_fields_still_works(siti, dimas, admin, client_for):
    response = client_for(admin).get("/admin/records/counselee/", {"q": "1001"})
    assert response.status_code == 200
    assert [c.nis for c in response.context["cl"].result_list] == ["1001"]


def error_ids():
    return sorted(e.id for e in checks.check_no_query_on_encrypted_fields())


def test_the_shipped_models_and_admins_query_no_encrypted_field():
    assert error_ids() == []


def test_an_admin_searching_an_encrypted_field_stops_start_up(monkeypatch):
    monkeypatch.setitem(
        admin_site._registry, Counselee, SearchesGuardianName(Counselee, admin_site)
    )
    assert error_ids() == ["amanah.E023"]


def test_a_default_ordering_on_an_encrypted_field_stops_start_up(monkeypatch):
    monkeypatch.setattr(Counselee._meta, "ordering", ["-guardian_name"])
    assert error_ids() == ["amanah.E023"]


def test_a_model_with_encrypted_fields_needs_the_refusing_queryset(monkeypatch):
    plain = models.Manager()
    plain.model = Counselee
    monkeypatch.setattr(Counselee._meta, "default_manager", plain)
    assert error_ids() == ["amanah.E022"]

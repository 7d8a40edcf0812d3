"""Django's admin site serves admins, and shows no encrypted value anywhere."""

import pytest
from django.contrib.admin.models import LogEntry
from django.urls import reverse

SECRETS = ["Ibu Suryani", "0812-1111-2222", "Sering cemas menjelang ujian."]


@pytest.mark.parametrize(
    "url_name",
    [
        "admin:records_counselee_changelist",
        "admin:records_caseassignment_changelist",
        "admin:records_conflictofinterest_changelist",
    ],
)
def test_admin_lists_show_no_encrypted_value(client_for, siti, admin, url_name):
    response = client_for(admin).get(reverse(url_name))
    assert response.status_code == 200
    for secret in SECRETS:
        assert secret not in response.text


def test_the_counselee_form_holds_directory_data_only(client_for, siti, admin):
    response = client_for(admin).get(
        reverse("admin:records_counselee_change", args=[siti.counselee.pk])
    )
    assert response.status_code == 200
    assert "1001" in response.text
    for secret in SECRETS:
        assert secret not in response.text


def test_saving_through_the_admin_keeps_the_encrypted_fields(client_for, siti, admin):
    counselee = siti.counselee
    response = client_for(admin).post(
        reverse("admin:records_counselee_change", args=[counselee.pk]),
        {"user": siti.pk, "nis": "1001", "class_name": "X-3", "date_of_birth": "2010-01-01"},
    )
    assert response.status_code == 302
    counselee.refresh_from_db()
    assert counselee.class_name == "X-3"
    assert counselee.background_notes == "Sering cemas menjelang ujian."
    # Django copies str(obj) into its admin log; it must carry no encrypted value.
    for entry in LogEntry.objects.all():
        for secret in SECRETS:
            assert secret not in entry.object_repr


def test_searching_the_admin_does_not_touch_encrypted_columns(client_for, siti, admin):
    response = client_for(admin).get(reverse("admin:records_counselee_changelist"), {"q": "Siti"})
    assert response.status_code == 200
    assert "1001" in response.text


def test_the_admin_cannot_delete_records(client_for, siti, admin):
    response = client_for(admin).get(
        reverse("admin:records_counselee_delete", args=[siti.counselee.pk])
    )
    assert response.status_code == 403

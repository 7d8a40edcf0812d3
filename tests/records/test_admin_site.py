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


def test_a_record_cannot_be_moved_to_another_account(client_for, siti, dimas, admin):
    counselee = siti.counselee
    client_for(admin).post(
        reverse("admin:records_counselee_change", args=[counselee.pk]),
        {"user": dimas.pk, "nis": "1001", "class_name": "X-1", "date_of_birth": "2010-01-01"},
    )
    counselee.refresh_from_db()
    assert counselee.user == siti


def test_admin_changes_to_accounts_are_in_the_access_log(client_for, bu_rina, admin):
    from counseling.audit.models import AccessEvent

    client = client_for(admin)
    response = client.post(
        reverse("admin:accounts_user_change", args=[bu_rina.pk]),
        {
            "username": "bu_rina",
            "full_name": "Rina Wulandari, S.Pd.",
            "email": "rina@sekolah.test",
            "role": "counselor",
            "is_active": "on",
        },
    )
    assert response.status_code == 302
    event = AccessEvent.objects.filter(actor=admin, object_type="accounts.user").latest("id")
    assert (event.action, event.object_id, event.purpose) == (
        "update",
        str(bu_rina.pk),
        "administration",
    )


def test_other_roles_at_the_admin_site_are_denied_and_logged(client_for, bu_rina):
    from counseling.audit.models import AccessEvent

    response = client_for(bu_rina).get(reverse("admin:index"))
    assert response.status_code == 404
    assert AccessEvent.objects.filter(action="denied", actor=bu_rina, object_id="/admin/").exists()

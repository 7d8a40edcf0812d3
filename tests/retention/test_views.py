"""The retention pages: who may open and post what, and what the lists show."""

import datetime

import pytest
from django.urls import reverse

from counseling.retention import services
from counseling.retention.models import LegalHold, SchoolStatus

from .conftest import graduate

REASON = "Perkara di Polres."


@pytest.fixture
def people(siti, dimas, bu_rina, pak_budi, admin, bu_sari):
    return {
        "student": siti,
        "counselor": bu_rina,
        "another_counselor": pak_budi,
        "admin": admin,
        "second_admin": bu_sari,
    }


PAGES = {
    # name: roles that get 200
    "retention-overview": {"counselor", "another_counselor", "admin", "second_admin"},
    "retention-lifecycle": {"admin", "second_admin"},
    "legal-hold-request": {"counselor", "another_counselor", "admin", "second_admin"},
}


@pytest.mark.parametrize("name", PAGES)
@pytest.mark.parametrize(
    "role", ["student", "counselor", "another_counselor", "admin", "second_admin", "anonymous"]
)
def test_who_opens_each_page(client_for, client, people, name, role):
    if role == "anonymous":
        response = client.get(reverse(name))
        assert response.status_code == 302 and "login" in response["Location"]
        return
    response = client_for(people[role]).get(reverse(name))
    assert response.status_code == (200 if role in PAGES[name] else 404)


@pytest.mark.parametrize("name", ["retention-class-status", "retention-student-status"])
def test_lifecycle_changes_take_post_only(client_for, admin, name):
    assert client_for(admin).get(reverse(name)).status_code == 405


def test_the_admin_graduates_a_class(client_for, admin, siti):
    response = client_for(admin).post(
        reverse("retention-class-status"),
        {"class-class_name": "X-1", "class-status": "graduated", "class-since": "2030-06-20"},
    )
    assert response.status_code == 302
    assert siti.counselee.school_status.status == SchoolStatus.Status.GRADUATED


def test_a_counselor_cannot_set_a_status(client_for, bu_rina, siti):
    response = client_for(bu_rina).post(
        reverse("retention-student-status"),
        {"student-nis": "1001", "student-status": "left", "student-since": "2030-06-20"},
    )
    assert response.status_code == 404
    assert not SchoolStatus.objects.exists()


def test_the_list_shows_name_class_and_date_and_no_content(client_for, bu_rina, admin, siti):
    today = datetime.date.today()
    graduate(siti.counselee, admin, years_ago=3, today=today + datetime.timedelta(days=10))
    for user in (bu_rina, admin):
        page = client_for(user).get(reverse("retention-overview")).content.decode()
        assert "Siti Nurhaliza" in page and "1001" in page
        assert "Sering cemas" not in page and "Ibu Suryani" not in page
        assert "tidak dapat dibatalkan" in page


def test_another_counselor_does_not_see_her_in_the_list(client_for, pak_budi, admin, siti):
    graduate(siti.counselee, admin, years_ago=3, today=datetime.date.today())
    page = client_for(pak_budi).get(reverse("retention-overview")).content.decode()
    assert "Siti Nurhaliza" not in page


def test_her_counselor_asks_for_a_hold_and_its_reason_is_never_shown(client_for, bu_rina, siti):
    client = client_for(bu_rina)
    response = client.post(reverse("legal-hold-request"), {"nis": "1001", "reason": REASON})
    assert response.status_code == 302
    hold = LegalHold.objects.get()
    assert hold.requested_by == bu_rina
    assert REASON not in client.get(reverse("retention-overview")).content.decode()


def test_a_counselor_cannot_ask_for_a_hold_on_someone_elses_counselee(client_for, pak_budi, siti):
    response = client_for(pak_budi).post(
        reverse("legal-hold-request"), {"nis": "1001", "reason": REASON}
    )
    assert response.status_code == 200  # the form says no such student
    assert not LegalHold.objects.exists()


@pytest.mark.parametrize(
    "action", ["legal-hold-confirm", "legal-hold-review", "legal-hold-release"]
)
def test_hold_actions_are_the_admins_and_take_post(client_for, bu_rina, admin, siti, action):
    hold = services.request_legal_hold(siti.counselee, reason=REASON, by=admin)
    url = reverse(action, args=[hold.public_id])
    assert client_for(admin).get(url).status_code == 405
    assert client_for(bu_rina).post(url).status_code == 404


def test_the_second_admin_confirms_and_the_first_cannot(client_for, admin, bu_sari, siti):
    hold = services.request_legal_hold(siti.counselee, reason=REASON, by=admin)
    url = reverse("legal-hold-confirm", args=[hold.public_id])
    assert client_for(admin).post(url).status_code == 404
    assert client_for(bu_sari).post(url).status_code == 302
    hold.refresh_from_db()
    assert hold.confirmed_by == bu_sari


def test_an_unknown_hold_is_404(client_for, admin, db):
    url = reverse("legal-hold-release", args=["00000000-0000-0000-0000-000000000000"])
    assert client_for(admin).post(url).status_code == 404


def test_only_the_second_admin_is_offered_the_confirm_button(client_for, admin, bu_sari, siti):
    hold = services.request_legal_hold(siti.counselee, reason=REASON, by=admin)
    confirm = reverse("legal-hold-confirm", args=[hold.public_id])
    assert confirm not in client_for(admin).get(reverse("retention-overview")).content.decode()
    assert confirm in client_for(bu_sari).get(reverse("retention-overview")).content.decode()

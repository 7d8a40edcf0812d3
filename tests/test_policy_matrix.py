"""The confidentiality policy as a matrix: every role, every page, own and other data.

Expected answers: 200 for what the role may see, 404 for what it may not know about,
302 to the login page for anonymous visitors.
"""

import datetime
import re

import pytest
from django.urls import reverse
from django.utils import timezone

from counseling.breaches import services as breach_services
from counseling.breaches.models import Breach
from counseling.referrals import bk
from counseling.referrals import services as referral_services
from counseling.referrals.models import Referral
from counseling.rights import services as rights_services
from counseling.rights.models import DataRequest
from tests.conftest import login, slot_at

ROLES = ["anonymous", "siti", "dimas", "bu_rina", "pak_budi", "admin", "bu_wati", "dpo"]

# page name -> the roles that get 200; everyone else signed in gets 404.
PAGES = {
    "student-dashboard": {"siti", "dimas"},
    "counselor-dashboard": {"bu_rina", "pak_budi"},
    "admin-dashboard": {"admin"},
    "caseload": {"bu_rina", "pak_budi"},
    "conflicts": {"bu_rina", "pak_budi"},
    "siti-record": {"siti", "bu_rina"},
    "dimas-record": {"dimas", "pak_budi"},
    "admin-index": {"admin"},
    "admin-siti-record": {"admin"},
    "admin-users": {"admin"},
    # The data protection officer reads the log's metadata, as the admin does.
    "audit-log": {"admin", "dpo"},
    "audit-export": {"admin", "dpo"},
    "emergency-access-list": {"admin"},
    "emergency-access-request": {"bu_rina", "pak_budi"},
    "my-access-log": {"siti", "dimas"},
    # Booking. Siti may book her counselor Bu Rina; Dimas may not (his is Pak Budi).
    "book-bu-rina": {"siti"},
    "book-confirm-bu-rina": {"siti"},
    "my-bookings": {"siti", "dimas"},
    "siti-booking": {"siti", "bu_rina"},
    "siti-booking-cancel": {"siti"},
    "siti-booking-reschedule": {"siti"},
    "booking-queue": {"bu_rina", "pak_budi"},
    "availability": {"bu_rina", "pak_budi"},
    # Alih tangan kasus: Bu Rina proposed handing Siti to Pak Budi; Siti has not answered,
    # so Pak Budi does not know of it yet.
    "referral-list": {"siti", "dimas", "bu_rina", "pak_budi"},
    "siti-referral": {"siti", "bu_rina"},
    "siti-referral-create": {"bu_rina"},
    # Referral into BK: Bu Wati teaches Siti's class, not Dimas's.
    "teacher-dashboard": {"bu_wati"},
    "external-referral-stats": {"admin"},
    "siti-external-referral-create": {"bu_rina"},
    "teacher-refer-siti": {"bu_wati"},
    "teacher-refer-dimas": set(),
    "bk-referral-list": {"bu_rina", "pak_budi"},
    "siti-bk-referral": {"bu_rina", "pak_budi"},
    # The data protection officer: requests, their clocks, holds and erasures, the record
    # of processing; never content. Siti asked for a copy of her data.
    "dpo-dashboard": {"dpo"},
    "data-request-list": {"bu_rina", "pak_budi", "dpo"},
    "siti-data-request": {"siti", "bu_rina", "dpo"},
    "my-data": {"siti", "dimas"},
    "processing-record": {"admin", "dpo"},
    "holds-and-erasures": {"admin", "dpo"},
    "retention-overview": {"bu_rina", "pak_budi", "admin"},
    # Breaches (UU PDP art. 46): the data protection officer and the admins, nobody else.
    "breach-list": {"admin", "dpo"},
    "breach-new": {"admin", "dpo"},
    "breach-detail": {"admin", "dpo"},
}


BOOKING_PAGES = {
    "siti-booking": "booking-detail",
    "siti-booking-cancel": "booking-cancel",
    "siti-booking-reschedule": "booking-reschedule",
}


def url_of(page, people):
    if page == "siti-record":
        return reverse("counselee-detail", args=[people["siti"].counselee.public_id])
    if page == "dimas-record":
        return reverse("counselee-detail", args=[people["dimas"].counselee.public_id])
    if page == "admin-index":
        return reverse("admin:index")
    if page == "admin-siti-record":
        return reverse("admin:records_counselee_change", args=[people["siti"].counselee.pk])
    if page == "admin-users":
        return reverse("admin:accounts_user_changelist")
    if page == "book-bu-rina":
        return reverse("book-slots", args=[people["bu_rina"].username])
    if page == "book-confirm-bu-rina":
        return reverse(
            "book-confirm",
            args=[people["bu_rina"].username, slot_at(people["bu_rina"], hour=11).key],
        )
    if page == "siti-referral":
        return reverse("referral-detail", args=[people["referral"].public_id])
    if page == "teacher-refer-siti":
        return reverse("teacher-refer", args=[people["siti"].counselee.public_id])
    if page == "teacher-refer-dimas":
        return reverse("teacher-refer", args=[people["dimas"].counselee.public_id])
    if page == "siti-external-referral-create":
        return reverse("external-referral-create", args=[people["siti"].counselee.public_id])
    if page == "siti-bk-referral":
        return reverse("bk-referral-detail", args=[people["bk_referral"].public_id])
    if page == "siti-data-request":
        return reverse("data-request", args=[people["data_request"].public_id])
    if page == "siti-referral-create":
        return reverse("referral-create", args=[people["siti"].counselee.public_id])
    if page == "breach-detail":
        return reverse("breach-detail", args=[people["breach"].public_id])
    if page in BOOKING_PAGES:
        return reverse(BOOKING_PAGES[page], args=[people["booking"].public_id])
    return reverse(page)


@pytest.fixture
def people(siti, dimas, bu_rina, pak_budi, admin, siti_booking, bu_wati, dpo):
    return {
        "breach": breach_services.record_breach(
            by=admin,
            description="Kata sandi sebuah akun tersebar.",
            how_found="Dilaporkan.",
            handling="Kata sandi diganti.",
            occurred_from=timezone.now() - datetime.timedelta(days=1),
            occurred_to=timezone.now(),
            discovered_at=timezone.now(),
            scope=Breach.Scope.WINDOW,
        ),
        "bu_wati": bu_wati,
        "dpo": dpo,
        "data_request": rights_services.make_request(
            siti.counselee, by=siti, kind=DataRequest.Kind.COPY, details="Salinan, ya."
        ),
        "bk_referral": bk.refer(siti.counselee, by=bu_wati, reason="Alasan."),
        "siti": siti,
        "dimas": dimas,
        "bu_rina": bu_rina,
        "pak_budi": pak_budi,
        "admin": admin,
        "booking": siti_booking,
        "referral": referral_services.propose(
            siti.counselee,
            by=bu_rina,
            to=pak_budi,
            reason=Referral.Reason.SPECIALIST,
            reason_text="",
            summary="Ringkasan.",
            scope=Referral.Scope.SUMMARY,
        ),
    }


@pytest.mark.parametrize("page", PAGES)
@pytest.mark.parametrize("role", ROLES)
def test_each_role_reaches_only_its_pages(client, people, role, page):
    url = url_of(page, people)
    if role != "anonymous":
        login(client, people[role])

    response = client.get(url, follow=role == "anonymous")

    if role == "anonymous":
        assert response.redirect_chain
        assert response.request["PATH_INFO"] == reverse("login")
    elif role in PAGES[page]:
        assert response.status_code == 200
    else:
        assert response.status_code == 404


@pytest.mark.parametrize("role", ROLES[1:])
def test_home_sends_each_role_to_its_own_dashboard(client, people, role):
    login(client, people[role])
    expected = {
        "siti": "student-dashboard",
        "dimas": "student-dashboard",
        "bu_rina": "counselor-dashboard",
        "pak_budi": "counselor-dashboard",
        "admin": "admin-dashboard",
        "bu_wati": "teacher-dashboard",
        "dpo": "dpo-dashboard",
    }[role]
    response = client.get("/")
    assert response.status_code == 302
    assert response["Location"] == reverse(expected)


@pytest.mark.parametrize(
    "page",
    ["siti-record", "caseload", "my-bookings", "siti-booking", "booking-queue", "siti-referral"],
)
def test_read_only_pages_reject_post(client, people, page):
    login(client, people["siti" if page == "my-bookings" else "bu_rina"])
    response = client.post(url_of(page, people))
    assert response.status_code == 405


def test_a_malformed_record_id_is_a_plain_404(client_for, bu_rina):
    response = client_for(bu_rina).get("/records/not-a-uuid/")
    assert response.status_code == 404


def test_an_unknown_record_id_looks_like_someone_elses(client_for, siti, dimas, pak_budi):
    client = client_for(pak_budi)
    unknown = client.get(reverse("counselee-detail", args=["00000000-0000-4000-8000-000000000000"]))
    others = client.get(reverse("counselee-detail", args=[siti.counselee.public_id]))
    assert unknown.status_code == others.status_code == 404
    assert without_csrf_tokens(unknown) == without_csrf_tokens(others)


def without_csrf_tokens(response):
    # Each render masks the CSRF token differently; everything else must be identical.
    # The footer's language form carries the requested path; that is the caller's own input.
    text = re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', "", response.content.decode())
    return text.replace(response.request["PATH_INFO"], "")

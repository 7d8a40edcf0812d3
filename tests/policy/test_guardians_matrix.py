"""Every role against every guardian page and action, on Siti's guardians: allowed, or 404.

Contact data is for Siti's counselor and the admin; a paper form is the admin's; an
exemption is recorded by her counselor and decided by a second person (the coordinator or
an admin). A student, a removed or conflicted counselor, one under emergency access and
another counselor reach nothing; the anonymous visitor is sent to sign in.
"""

import pytest
from django.test import Client

from counseling.accounts.models import User
from counseling.guardians import services
from counseling.guardians.models import Guardian, GuardianConsentDocument, GuardianExemption
from tests.conftest import login, make_user

PEOPLE = [
    "siti",
    "dimas",
    "bu_rina",
    "bu_lama",
    "pak_konflik",
    "pak_eko",
    "pak_budi",
    "pak_andi",
    "admin",
    "anonymous",
]


@pytest.fixture
def pak_andi(db):
    user = make_user("pak_andi", "Andi Kurniawan", User.Role.COUNSELOR)
    user.is_coordinator = True
    user.save(update_fields=["is_coordinator"])
    return user


@pytest.fixture
def story(siti, bu_rina, admin):
    document = GuardianConsentDocument.objects.create(version=1, title="Wali", body="Teks.")
    services.publish_document(document, by=admin)
    guardian = services.add_guardian(
        siti.counselee, by=bu_rina, name="Ibu Suryani", relation="mother", email="s@x.test"
    )
    exemption = services.record_exemption(
        siti.counselee,
        by=bu_rina,
        reason=GuardianExemption.Reason.VIOLENCE_AT_HOME,
        detail="RAHASIA-MATRIKS",
    )
    return {"counselee": siti.counselee, "guardian": guardian, "exemption": exemption}


def client_of(name, request):
    if name == "anonymous":
        return Client()
    return login(Client(), request.getfixturevalue(name))


# (name, method, url(story), data, who may)
ACTIONS = [
    (
        "page",
        "get",
        lambda s: f"/guardians/student/{s['counselee'].public_id}/",
        {},
        {"bu_rina", "admin"},
    ),
    (
        "add",
        "post",
        lambda s: f"/guardians/student/{s['counselee'].public_id}/add/",
        {"name": "Bapak Hadi", "relation": "father"},
        {"bu_rina", "admin"},
    ),
    (
        "link",
        "post",
        lambda s: f"/guardians/{s['guardian'].public_id}/link/",
        {},
        {"bu_rina", "admin"},
    ),
    (
        "paper",
        "post",
        lambda s: f"/guardians/{s['guardian'].public_id}/paper/",
        {"form_number": "BK-9", "signed_on": "2026-01-05"},
        {"admin"},
    ),
    (
        "withdraw",
        "post",
        lambda s: f"/guardians/{s['guardian'].public_id}/withdrawal/",
        {},
        {"bu_rina", "admin"},
    ),
    (
        "exempt",
        "post",
        lambda s: f"/guardians/student/{s['counselee'].public_id}/exemption/",
        {"reason": "sexual_abuse", "detail": "x"},
        {"bu_rina"},
    ),
    (
        "exemption",
        "get",
        lambda s: f"/guardians/exemptions/{s['exemption'].public_id}/",
        {},
        {"bu_rina", "admin", "pak_andi"},
    ),
    (
        "approve",
        "post",
        lambda s: f"/guardians/exemptions/{s['exemption'].public_id}/approve/",
        {},
        {"admin", "pak_andi"},
    ),
    ("overview", "get", lambda s: "/guardians/", {}, {"admin"}),
    (
        "exemptions",
        "get",
        lambda s: "/guardians/exemptions/",
        {},
        {"bu_rina", "bu_lama", "pak_konflik", "pak_eko", "pak_budi", "pak_andi", "admin"},
    ),
]


@pytest.mark.parametrize("person", PEOPLE)
@pytest.mark.parametrize("action", ACTIONS, ids=[a[0] for a in ACTIONS])
def test_who_reaches_each_guardian_page_and_action(
    story, bu_lama, pak_konflik, pak_eko, pak_budi, pak_andi, dimas, request, person, action
):
    _name, method, url, data, allowed = action
    client = client_of(person, request)
    response = getattr(client, method)(url(story), data)
    if person == "anonymous":
        assert response.status_code == 302
        assert "/login/" in response["Location"] or "login" in response["Location"]
    elif person in allowed:
        assert response.status_code in (200, 302), response.status_code
        assert response.status_code == 200 or "/login" not in response["Location"]
    else:
        assert response.status_code == 404


def test_the_exemption_list_shows_a_counselor_her_own_caseload_only(story, pak_budi, bu_rina):
    assert "Siti" not in login(Client(), pak_budi).get("/guardians/exemptions/").text
    assert "Siti" in login(Client(), bu_rina).get("/guardians/exemptions/").text


@pytest.mark.parametrize(
    "url",
    [
        lambda s: f"/guardians/student/{s['counselee'].public_id}/add/",
        lambda s: f"/guardians/{s['guardian'].public_id}/link/",
        lambda s: f"/guardians/exemptions/{s['exemption'].public_id}/approve/",
    ],
)
def test_the_actions_refuse_get(story, bu_rina, url):
    assert login(Client(), bu_rina).get(url(story)).status_code == 405


def test_a_refused_action_changed_nothing(story, pak_budi, pak_eko, siti):
    for person in (pak_budi, pak_eko, siti):
        login(Client(), person).post(
            f"/guardians/student/{story['counselee'].public_id}/add/",
            {"name": "Orang Lain", "relation": "other"},
        )
    assert Guardian.objects.count() == 1
    assert GuardianExemption.objects.get().status == "pending"

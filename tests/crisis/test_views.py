"""The crisis pages: the button, the banner's poll, the request page, who reaches what."""

import datetime
import json

import pytest
from django.db import connection
from django.urls import reverse
from django.utils import timezone

from counseling import encryption
from counseling.crisis import services
from counseling.crisis.models import CrisisRequest, DutyShift, EmergencyContact
from tests.conftest import login
from tests.crisis.conftest import CRISIS_TEXT

# What any signed-in counselor's request costs before the view runs: her session, her
# user row, her second factor. The poll adds one query of its own.
SIGNED_IN = 3
POLL_QUERIES = SIGNED_IN + 1


@pytest.fixture
def decryptions(monkeypatch):
    """The model of every encrypted value decrypted, as each is read from the database.

    Every signed-in counselor request reads her second factor, whose seed is encrypted:
    that one is the sign-in's, on every page, and left out.
    """
    calls = []
    real = encryption.StrictEncryptedMixin.from_db_value

    def counting(field, value, expression, connection):
        if value is not None and field.model._meta.label != "accounts.AuthenticatorDevice":
            calls.append(field.model._meta.label)
        return real(field, value, expression, connection)

    monkeypatch.setattr(encryption.StrictEncryptedMixin, "from_db_value", counting)
    return calls


def test_every_student_page_carries_the_button_and_one_tap_sends_the_request(client, siti, bu_rina):
    login(client, siti)
    for name in ("student-dashboard", "my-bookings", "my-access-log"):
        page = client.get(reverse(name)).content.decode()
        assert "Aku butuh bicara sekarang" in page
        assert reverse("crisis-ask") in page
    response = client.post(reverse("crisis-ask"))
    crisis = CrisisRequest.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("crisis-status", args=[crisis.public_id])


def test_the_status_page_shows_who_is_on_duty_the_numbers_and_the_live_state(
    client, siti, bu_rina, pak_budi
):
    today = timezone.localtime().weekday()
    DutyShift.objects.create(
        counselor=pak_budi,
        weekday=today,
        start_time=datetime.time(7),
        end_time=datetime.time(12),
        place="Ruang BK 2",
    )
    EmergencyContact.objects.create(
        name="Layanan contoh", number="000-000", scope="national", is_placeholder=True
    )
    login(client, siti)
    crisis = services.ask_for_help(siti, text=CRISIS_TEXT)
    page = client.get(reverse("crisis-status", args=[crisis.public_id])).content.decode()
    assert "Budi Hartono" in page and "Ruang BK 2" in page
    assert "Layanan contoh" in page and "contoh, belum nomor sungguhan" in page
    assert "Menunggu guru BK" in page
    state = client.get(reverse("crisis-state", args=[crisis.public_id])).json()
    assert state["status"] == "waiting"
    services.take(crisis, by=pak_budi)
    state = client.get(reverse("crisis-state", args=[crisis.public_id])).json()
    assert state["status"] == "taken"
    assert "Budi Hartono" in state["text"] and "Ruang BK 2" in state["where"]


def test_the_login_page_points_to_the_help_page_which_needs_no_sign_in(client, db):
    assert reverse("crisis-help") in client.get(reverse("login")).content.decode()
    assert client.get(reverse("crisis-help")).status_code == 200


def test_the_banner_poll_costs_one_query_of_its_own_and_decrypts_nothing(
    client, siti, bu_rina, pak_budi, django_assert_num_queries, decryptions
):
    login(client, pak_budi)
    client.get(reverse("counselor-dashboard"))  # the session's idle clock is set
    with django_assert_num_queries(POLL_QUERIES):
        nothing = client.get(reverse("crisis-poll")).json()
    assert nothing["waiting"] == 0 and not nothing["new"]
    crisis = services.ask_for_help(siti, text=CRISIS_TEXT)
    decryptions.clear()
    with django_assert_num_queries(POLL_QUERIES):
        news = client.get(reverse("crisis-poll")).json()
    assert news["waiting"] == 1 and news["new"] and news["newest"] == crisis.pk
    with django_assert_num_queries(POLL_QUERIES):
        seen = client.get(reverse("crisis-poll"), {"seen": news["newest"]}).json()
    assert seen["waiting"] == 1 and not seen["new"]
    assert decryptions == []
    assert CRISIS_TEXT not in json.dumps([nothing, news, seen])


def test_the_poll_leaves_out_a_conflicted_counselor(client, nabila, pak_eko):
    services.ask_for_help(nabila)
    login(client, pak_eko)
    assert client.get(reverse("crisis-poll")).json()["waiting"] == 0


def test_the_poll_is_not_activity_for_the_idle_logout(client, pak_budi):
    from counseling.accounts.security import LAST_SEEN

    login(client, pak_budi)
    client.get(reverse("counselor-dashboard"))
    session = client.session
    session[LAST_SEEN] = session[LAST_SEEN] - 120
    session.save()
    before = client.session[LAST_SEEN]
    client.get(reverse("crisis-poll"))
    assert client.session[LAST_SEEN] == before


def test_every_counselor_page_carries_the_banner_and_its_script(client, pak_budi):
    login(client, pak_budi)
    page = client.get(reverse("counselor-dashboard")).content.decode()
    assert 'id="crisis-banner"' in page and "js/crisis.js" in page


def test_a_counselor_opens_and_takes_it_and_another_sees_who(client, siti, bu_wati, pak_budi):
    crisis = services.ask_for_help(siti, text=CRISIS_TEXT)
    url = reverse("crisis-request", args=[crisis.public_id])
    login(client, pak_budi)
    page = client.get(url).content.decode()
    assert "Saya tangani" in page and "X-1" in page
    assert CRISIS_TEXT not in page and "Siti Nurhaliza" not in page
    client.post(reverse("crisis-take", args=[crisis.public_id]))
    page = client.get(url).content.decode()
    assert CRISIS_TEXT in page and "Siti Nurhaliza" in page
    assert "Mulai sesi darurat" in page
    login(client, bu_wati)
    page = client.get(url).content.decode()
    assert "Ditangani oleh Budi Hartono" in page
    assert CRISIS_TEXT not in page
    response = client.post(reverse("crisis-take", args=[crisis.public_id]), follow=True)
    assert "sudah ditangani oleh Budi Hartono" in response.content.decode()


def test_starting_the_crisis_session_from_its_page(client, nabila, bu_wati):
    crisis = services.take(services.ask_for_help(nabila), by=bu_wati)
    login(client, bu_wati)
    response = client.post(
        reverse("crisis-start", args=[crisis.public_id]), {"limits_explained": "on"}
    )
    crisis.refresh_from_db()
    assert response["Location"] == reverse("session-detail", args=[crisis.session.public_id])
    assert crisis.consent_due_at is not None


def test_the_walk_in_page_finds_a_student_by_nis_or_name(client, dimas, bu_wati):
    DutyShift.objects.create(
        counselor=bu_wati,
        weekday=timezone.localtime().weekday(),
        start_time=datetime.time(0),
        end_time=datetime.time(23, 59, 59),
    )
    login(client, bu_wati)
    for query in ("1002", "Dimas"):
        page = client.get(reverse("crisis-walk-in"), {"q": query}).content.decode()
        assert "Dimas Pratama" in page
    client.post(reverse("crisis-walk-in-open", args=[dimas.counselee.public_id]))
    assert CrisisRequest.objects.get().via == "walk_in"


def test_the_coordinator_and_the_admin_edit_the_roster_and_nobody_else(
    client, coordinator, pak_budi, admin, siti
):
    form = {
        "counselor": pak_budi.pk,
        "weekday": 0,
        "start_time": "07:00",
        "end_time": "12:00",
        "place": "Ruang BK 1",
    }
    for user in (coordinator, admin):
        login(client, user)
        assert client.get(reverse("crisis-roster")).status_code == 200
        assert client.post(reverse("crisis-roster"), form).status_code == 302
    assert DutyShift.objects.count() == 2
    for user in (pak_budi, siti):
        login(client, user)
        assert client.get(reverse("crisis-roster")).status_code == 404
        assert client.post(reverse("crisis-roster"), form).status_code == 404
    assert DutyShift.objects.count() == 2


URLS = ["crisis-request", "crisis-take", "crisis-start", "crisis-status", "crisis-state"]


@pytest.mark.parametrize("who", ["dimas", "pak_eko", "admin", "guru_nina", "anonymous"])
def test_outsiders_reach_nothing_of_a_request(client, who, request, nabila, pak_budi):
    crisis = services.take(services.ask_for_help(nabila, text=CRISIS_TEXT), by=pak_budi)
    if who != "anonymous":
        login(client, request.getfixturevalue(who))
    for name in URLS:
        url = reverse(name, args=[crisis.public_id])
        for method in (client.get, client.post):
            response = method(url)
            if who == "anonymous":
                assert response.status_code == 302 and "/login" in response["Location"]
            else:
                assert response.status_code in (404, 405), (name, method)
                assert CRISIS_TEXT.encode() not in response.content


def test_wrong_methods_are_refused(client, siti, pak_budi):
    crisis = services.ask_for_help(siti)
    login(client, pak_budi)
    assert client.get(reverse("crisis-take", args=[crisis.public_id])).status_code == 405
    login(client, siti)
    assert client.get(reverse("crisis-ask")).status_code == 405


def test_the_text_is_stored_encrypted(siti):
    crisis = services.ask_for_help(siti, text=CRISIS_TEXT)
    with connection.cursor() as cursor:
        cursor.execute("SELECT text FROM crisis_crisisrequest WHERE id = %s", [crisis.pk])
        (raw,) = cursor.fetchone()
    assert CRISIS_TEXT not in raw


def test_placeholder_numbers_warn_in_production_and_bad_hours_stop_the_start(settings, db):
    from counseling.crisis import checks

    EmergencyContact.objects.create(
        name="Contoh", number="000", scope="school", is_placeholder=True
    )
    settings.DEBUG = True
    assert checks.check_emergency_numbers() == []
    settings.DEBUG = False
    assert [w.id for w in checks.check_emergency_numbers()] == ["amanah.W070"]
    assert checks.check_school_hours() == []
    settings.AMANAH_CRISIS_SCHOOL_HOURS = (datetime.time(15), datetime.time(7))
    assert [e.id for e in checks.check_school_hours()] == ["amanah.E070"]

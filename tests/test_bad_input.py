"""Bad input on every form: never a server error, and stored markup is shown escaped.

Hypothesis sends each form very long text, control characters (NUL among them), emoji,
right-to-left text, HTML and script, malformed dates and times, a field posted twice,
missing fields and values of the wrong type, mixed with valid values so that some
submissions are accepted and stored. The pages that show what was stored are then read
back: markup must come out as text.
"""

import datetime
from urllib.parse import quote

import pytest
from django.urls import reverse
from django.utils import timezone
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from sessions import availability
from sessions import services as session_services
from sessions.models import Booking
from tests.conftest import BOOKING_TOPIC, PASSWORD, login, second_factor, slot_at

FUZZ = settings(
    max_examples=25,
    deadline=None,
    database=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)

SCRIPT = "<script>alert(1)</script>"
IMAGE = '"><img src=x onerror=alert(1)>'
# What a page would contain if stored markup were rendered instead of escaped.
UNESCAPED = ("<script>alert", "<img src=x onerror")

LONG_TEXT = "Aku ingin bercerita. " * 500  # 10,500 characters
SAMPLES = [
    "",
    " ",
    "\x00",
    "Siti\x00Nurhaliza",
    "\x01\x02\x07\x08\x0b\x0c\x1b[31m\x7f",
    "\r\n\t\r\n",
    LONG_TEXT,
    "😀🙏🏽👨‍👩‍👧 sedih 😢",
    "مرحبا بالعالم \u202eabc\u202c",
    "שלום עולם",
    "\ufeff\u200b\u200d",
    SCRIPT,
    IMAGE,
    "<b>tebal</b> & <i>miring</i>",
    "{{ request }}{% debug %}",
    "'; DROP TABLE records_counselee; --",
    "2026-02-30",
    "2026-13-45T25:61",
    "31/12/2026",
    "0001-01-01",
    "9999-12-31",
    "0001-01-01T00:00",
    "9999-12-31T23:59",
    "23:59:59.999999",
    "25:61",
    "-1",
    "0",
    "99999999999999999999999999",
    "1e309",
    "NaN",
    "true",
    "on",
]
nasty = st.one_of(
    st.sampled_from(SAMPLES),
    st.text(max_size=40),
    st.text(max_size=10).map(lambda text: f"{text}\x00{text}"),
    st.text(st.characters(max_codepoint=0x1F), max_size=10),
    st.integers().map(str),
)
# A value, or the same field posted twice.
nasty_value = st.one_of(nasty, st.lists(nasty, min_size=2, max_size=2))


def form_data(valid: dict, extra=()):
    """Some fields valid, some bad, some duplicated, some left out."""
    fields = {name: st.one_of(st.just(value), nasty_value) for name, value in valid.items()}
    fields.update({name: nasty_value for name in extra})
    return st.fixed_dictionaries({}, optional=fields)


def assert_no_server_error(response):
    assert response.status_code < 500, response.status_code
    if response.get("Content-Type", "").startswith("text/html"):
        for marker in UNESCAPED:
            assert marker not in response.text


def read_back(client, url):
    """The page that shows what was stored: it loads, and shows markup as text."""
    response = client.get(url, follow=True)
    assert response.status_code == 200
    assert_no_server_error(response)
    return response


# Fixtures: records to post about.


@pytest.fixture
def counselor(bu_rina, client):
    return login(client, bu_rina)


@pytest.fixture
def siti_session(siti, bu_rina):
    session = session_services.create_walk_in_session(siti.counselee, by=bu_rina)
    session_services.start_session(session, by=bu_rina, limits_explained=True)
    return session


@pytest.fixture
def draft_note(siti_session, bu_rina):
    return session_services.write_note(siti_session, by=bu_rina, body="Draf pertama.")


@pytest.fixture
def final_note(siti_session, bu_rina):
    note = session_services.write_note(siti_session, by=bu_rina, body="Catatan final.")
    return session_services.finalise_note(note, by=bu_rina)


# Signing in.


@FUZZ
@given(data=form_data({"username": "siti", "password": PASSWORD}))
def test_login_survives_bad_input(client, siti, data):
    assert_no_server_error(client.post(reverse("login"), data))
    client.logout()


@FUZZ
@given(data=form_data({"token": "123456", "next": "/caseload/"}))
def test_second_factor_pages_survive_bad_input(client, bu_rina, pak_budi, data):
    second_factor(bu_rina)
    login(client, bu_rina, verified=False)
    assert_no_server_error(client.post(reverse("two-factor-verify"), data))
    login(client, pak_budi, verified=False)
    assert_no_server_error(client.post(reverse("two-factor-setup"), data))


# The student's forms.


@FUZZ
@given(
    data=form_data(
        {"understood": "on", "typed_name": "Nabila Azzahra", "version": "1", "next": "/book/"},
        extra=["text_hash"],
    )
)
def test_consent_acknowledgement_survives_bad_input(client, nabila, data):
    login(client, nabila)
    assert_no_server_error(client.post(reverse("consent"), data))
    read_back(client, reverse("consent"))


@FUZZ
@given(
    slot_key=st.one_of(st.none(), nasty.filter(bool)),
    username=st.one_of(st.none(), nasty.filter(bool)),
    data=form_data({"topic": BOOKING_TOPIC, "urgent": "on"}),
)
def test_booking_survives_bad_input_and_a_bad_slot_in_the_url(
    client, siti, bu_rina, rina_hours, slot_key, username, data
):
    login(client, siti)
    free = availability.free_slots(bu_rina)
    url = reverse(
        "book-confirm",
        args=[
            quote(username or bu_rina.username, safe=""),
            quote(slot_key or free[-1].key, safe=""),
        ],
    )
    assert_no_server_error(client.get(url))
    response = client.post(url, data)
    assert_no_server_error(response)
    for booking in Booking.objects.filter(counselee__user=siti):
        read_back(client, reverse("booking-detail", args=[booking.public_id]))


@FUZZ
@given(slot=nasty_value)
def test_rescheduling_survives_bad_input(client, siti, siti_booking, slot):
    login(client, siti)
    url = reverse("booking-reschedule", args=[siti_booking.public_id])
    assert_no_server_error(client.post(url, {"slot": slot}))


# The counselor's forms.


@FUZZ
@given(data=form_data({"reason": Booking.DeclineReason.SCHOOL_EVENT}))
def test_declining_survives_bad_input(counselor, siti_booking, data):
    url = reverse("booking-decline", args=[siti_booking.public_id])
    assert_no_server_error(counselor.post(url, data))


@FUZZ
@given(data=form_data({"mode": "face_to_face", "place": "Ruang BK", "minutes": "45"}))
def test_walk_in_session_survives_bad_input(counselor, siti, data):
    url = reverse("walk-in-create", args=[siti.counselee.public_id])
    response = counselor.post(url, data)
    assert_no_server_error(response)
    if response.status_code == 302:
        read_back(counselor, response["Location"])


NOTE = {
    "presenting_concern": "Cemas menjelang ujian.",
    "what_was_done": "Latihan pernapasan.",
    "agreed_follow_up": "Bertemu lagi Kamis.",
    "body": "Siti terbuka.",
}


@FUZZ
@given(data=form_data(NOTE))
def test_writing_a_note_survives_bad_input(counselor, siti_session, data):
    url = reverse("note-create", args=[siti_session.public_id])
    assert_no_server_error(counselor.post(url, data))
    read_back(counselor, reverse("session-detail", args=[siti_session.public_id]))


@FUZZ
@given(data=form_data(NOTE))
def test_editing_a_note_survives_bad_input(counselor, draft_note, data):
    url = reverse("note-edit", args=[draft_note.public_id])
    assert_no_server_error(counselor.post(url, data))
    read_back(counselor, reverse("session-detail", args=[draft_note.session.public_id]))


@FUZZ
@given(data=form_data({"body": "Siti mampir saat istirahat."}))
def test_adding_an_addendum_survives_bad_input(counselor, final_note, data):
    url = reverse("addendum-create", args=[final_note.public_id])
    assert_no_server_error(counselor.post(url, data))
    read_back(counselor, reverse("session-detail", args=[final_note.session.public_id]))


def _recently():
    return timezone.localtime().strftime("%Y-%m-%dT%H:%M")


@FUZZ
@given(
    data=form_data(
        {
            "reason": "danger_to_self",
            "recipient_name": "Ibu Suryani",
            "recipient_role": "parent",
            "recipient_role_detail": "Unit PPA",
            "recipient_institution": "Puskesmas",
            "what_was_shared": "Siti sulit tidur berminggu-minggu.",
            "disclosed_at": "NOW",
            "student_informed": "on",
            "not_informed_reason": "Belum sempat.",
        }
    )
)
def test_recording_a_disclosure_survives_bad_input(counselor, siti, data):
    if data.get("disclosed_at") == "NOW":
        data["disclosed_at"] = _recently()
    url = reverse("disclosure-create", args=[siti.counselee.public_id])
    response = counselor.post(url, data)
    assert_no_server_error(response)
    if response.status_code == 302:
        read_back(counselor, response["Location"])


@FUZZ
@given(data=form_data({"nis": "1001", "relation": "family"}))
def test_declaring_a_conflict_survives_bad_input(client, pak_budi, siti, data):
    login(client, pak_budi)
    assert_no_server_error(client.post(reverse("conflicts"), data))
    read_back(client, reverse("conflicts"))


@FUZZ
@given(
    data=form_data(
        {
            "nis": "1001",
            "justification": "Siti tidak pulang sejak kemarin; Bu Rina dinas luar.",
            "password": PASSWORD,
        }
    )
)
def test_requesting_emergency_access_survives_bad_input(client, pak_budi, siti, data):
    login(client, pak_budi)
    assert_no_server_error(client.post(reverse("emergency-access-request"), data))


HOURS = {
    "start_time": "08:00",
    "end_time": "12:00",
    "slot_minutes": "45",
    "buffer_minutes": "15",
    "mode": "face_to_face",
    "place": "Ruang BK 1",
}


@FUZZ
@given(
    weekly=form_data({f"weekly-{k}": v for k, v in {**HOURS, "weekday": "2"}.items()}),
    dated=form_data({f"dated-{k}": v for k, v in {**HOURS, "date": "DATE"}.items()}),
    day_off=form_data({"off-date": "DATE"}),
)
def test_adding_hours_and_days_off_survives_bad_input(counselor, weekly, dated, day_off):
    soon = (timezone.localdate() + datetime.timedelta(days=9)).isoformat()
    for data in (dated, day_off):
        for name, value in data.items():
            if value == "DATE":
                data[name] = soon
    assert_no_server_error(counselor.post(reverse("availability-weekly"), weekly))
    assert_no_server_error(counselor.post(reverse("availability-dated"), dated))
    assert_no_server_error(counselor.post(reverse("day-off-add"), day_off))
    read_back(counselor, reverse("availability"))


@FUZZ
@given(query=form_data({"q": "X-1", "page": "1"}))
def test_caseload_search_survives_bad_input(counselor, siti, query):
    assert_no_server_error(counselor.get(reverse("caseload"), query))


# The admin's forms.


@FUZZ
@given(
    query=form_data(
        {
            "nis": "1001",
            "actor": "bu_rina",
            "action": "view",
            "flag": "flagged",
            "date_from": "2026-01-01",
            "date_to": "2026-12-31",
            "before": "10",
        }
    )
)
def test_audit_filter_survives_bad_input(client, admin, siti, query):
    login(client, admin)
    assert_no_server_error(client.get(reverse("audit-log"), query))
    export = client.get(reverse("audit-export"), query)
    assert export.status_code < 500
    if export.streaming:
        b"".join(export.streaming_content)


@FUZZ
@given(comment=nasty_value)
def test_reviewing_emergency_access_survives_bad_input(client, admin, siti, pak_budi, comment):
    from counseling.audit import services as audit_services
    from counseling.audit.models import EmergencyAccess

    access = EmergencyAccess.objects.first() or audit_services.grant_emergency_access(
        siti.counselee, "Siti tidak pulang sejak kemarin malam.", by=pak_budi
    )
    login(client, admin)
    url = reverse("emergency-access-review", args=[access.public_id])
    assert_no_server_error(client.post(url, {"comment": comment}))
    read_back(client, reverse("emergency-access-detail", args=[access.public_id]))


@FUZZ
@given(query=form_data({"role__exact": "student", "q": "siti", "o": "1", "p": "1"}))
def test_admin_site_lists_survive_bad_filters(client, admin, siti, query):
    login(client, admin)
    for name in ("accounts_user_changelist", "records_counselee_changelist"):
        assert_no_server_error(client.get(reverse(f"admin:{name}"), query))


# Stored markup comes back as text.


def test_a_final_note_with_script_is_shown_escaped(counselor, siti_session):
    counselor.post(reverse("note-create", args=[siti_session.public_id]), {"body": SCRIPT})
    note = siti_session.notes.get()
    counselor.post(reverse("note-finalise", args=[note.public_id]))

    page = read_back(counselor, reverse("session-detail", args=[siti_session.public_id]))
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page.text


def test_a_booking_topic_with_markup_is_shown_escaped(client, siti, bu_rina, rina_hours):
    login(client, siti)
    url = reverse("book-confirm", args=[bu_rina.username, slot_at(bu_rina).key])
    response = client.post(url, {"topic": IMAGE})

    page = read_back(client, response["Location"])
    assert "&quot;&gt;&lt;img src=x onerror=alert(1)&gt;" in page.text


def test_a_disclosure_with_script_is_shown_escaped(counselor, siti):
    url = reverse("disclosure-create", args=[siti.counselee.public_id])
    response = counselor.post(
        url,
        {
            "reason": "danger_to_self",
            "recipient_name": SCRIPT,
            "recipient_role": "parent",
            "what_was_shared": SCRIPT,
            "disclosed_at": _recently(),
            "student_informed": "on",
        },
    )

    page = read_back(counselor, response["Location"])
    assert page.text.count("&lt;script&gt;alert(1)&lt;/script&gt;") >= 2


def test_a_place_with_script_is_shown_escaped(counselor, siti):
    url = reverse("walk-in-create", args=[siti.counselee.public_id])
    response = counselor.post(url, {"mode": "face_to_face", "place": SCRIPT, "minutes": "45"})

    page = read_back(counselor, response["Location"])
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page.text

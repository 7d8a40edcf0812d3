"""The pages measured by `make bench` run a fixed number of queries, whatever the data.

Each page is loaded with a little data and again with more; the count must not move.
The counts include the session, the user, the second factor, the access-log append and
the inbox's unread count in the header.
"""

import datetime

import pytest
from django.db import connection
from django.urls import reverse
from django.utils import timezone

from counseling.audit import log
from sessions import services
from tests.conftest import login, make_counselee, make_user

# On PostgreSQL an access-log append takes an advisory lock first: one query more.
LOCK = 1 if connection.vendor == "postgresql" else 0
# The unread count in the header of every page: one indexed COUNT.
INBOX = 1
CASELOAD_QUERIES = 5 + INBOX
RECORD_QUERIES = 12 + LOCK + INBOX
SESSION_QUERIES = 11 + LOCK + INBOX
# The NIS and actor filters look the person up first (the NIS by id alone, once, for the
# filter and the log entry); the chart, and the date filter, look up the first and last id
# of their period.
AUDIT_QUERIES = {"nis": 12 + LOCK + INBOX, "actor": 12 + LOCK + INBOX, "date": 13 + LOCK + INBOX}


def add_students(counselor, admin, count, start):
    from counseling.records import services as records_services

    for n in range(start, start + count):
        user = make_user(f"siswa{n}", f"Siswa {n}", "student")
        records_services.assign(counselor, make_counselee(user, f"9{n:04d}"), by=admin)


def add_session_with_notes(counselee, counselor, notes):
    session = services.create_walk_in_session(counselee, by=counselor, place="Ruang BK")
    services.start_session(session, by=counselor, limits_explained=True)
    for n in range(notes):
        note = services.write_note(session, by=counselor, presenting_concern=f"Catatan {n}")
        if n % 2:
            note = services.finalise_note(note, by=counselor)
            services.add_addendum(note, by=counselor, body="Adendum")
    return session


def test_the_caseload_page_runs_the_same_queries_for_any_caseload(
    client, bu_rina, siti, admin, django_assert_num_queries
):
    login(client, bu_rina)
    with django_assert_num_queries(CASELOAD_QUERIES):
        client.get(reverse("caseload"))
    add_students(bu_rina, admin, 30, start=1)
    with django_assert_num_queries(CASELOAD_QUERIES):
        assert client.get(reverse("caseload")).status_code == 200


def test_the_record_page_runs_the_same_queries_for_any_history(
    client, bu_rina, siti, django_assert_num_queries
):
    counselee = siti.counselee
    add_session_with_notes(counselee, bu_rina, 1)
    url = reverse("counselee-detail", args=[counselee.public_id])
    login(client, bu_rina)
    client.get(url)
    with django_assert_num_queries(RECORD_QUERIES):
        client.get(url)
    for _ in range(4):
        add_session_with_notes(counselee, bu_rina, 2)
    with django_assert_num_queries(RECORD_QUERIES):
        assert client.get(url).status_code == 200


def test_the_session_page_runs_the_same_queries_for_any_number_of_notes(
    client, bu_rina, siti, django_assert_num_queries
):
    few = add_session_with_notes(siti.counselee, bu_rina, 1)
    many = add_session_with_notes(siti.counselee, bu_rina, 6)
    login(client, bu_rina)
    client.get(reverse("session-detail", args=[few.public_id]))
    with django_assert_num_queries(SESSION_QUERIES):
        client.get(reverse("session-detail", args=[few.public_id]))
    with django_assert_num_queries(SESSION_QUERIES):
        assert client.get(reverse("session-detail", args=[many.public_id])).status_code == 200


@pytest.mark.parametrize("filter_by", ["nis", "actor", "date"])
def test_the_filtered_access_log_runs_the_same_queries_for_any_log(
    client, admin, bu_rina, siti, django_assert_num_queries, filter_by
):
    today = timezone.localdate().isoformat()
    query = {
        "nis": f"nis={siti.counselee.nis}",
        "actor": f"actor={bu_rina.username}",
        "date": f"date_from={today}&date_to={today}",
    }[filter_by]
    url = f"{reverse('audit-log')}?{query}"
    login(client, admin)
    client.get(url)
    with django_assert_num_queries(AUDIT_QUERIES[filter_by]):
        client.get(url)
    for _ in range(60):
        log.record(log.Action.VIEW, actor=bu_rina, obj=siti.counselee, counselee=siti.counselee)
    with django_assert_num_queries(AUDIT_QUERIES[filter_by]):
        assert client.get(url).status_code == 200


def test_an_old_day_of_the_access_log_is_found(client, admin, bu_rina, siti):
    log.record(log.Action.VIEW, actor=bu_rina, obj=siti.counselee, counselee=siti.counselee)
    yesterday = (timezone.localdate() - datetime.timedelta(days=1)).isoformat()
    login(client, admin)
    response = client.get(f"{reverse('audit-log')}?date_from={yesterday}&date_to={yesterday}")
    assert list(response.context["events"]) == []


def test_the_nis_filter_looks_the_student_up_once_and_decrypts_nothing(client, admin, siti):
    from django.test.utils import CaptureQueriesContext

    from counseling.encryption import encrypted_field_names
    from counseling.records.models import Counselee

    login(client, admin)
    url = f"{reverse('audit-log')}?nis={siti.counselee.nis}"
    client.get(url)
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200
    lookups = [q["sql"] for q in captured if q["sql"].startswith('SELECT "records_counselee"')]
    assert len(lookups) == 1
    encrypted = [f'"records_counselee"."{name}"' for name in encrypted_field_names(Counselee)]
    assert not any(column in q["sql"] for q in captured for column in encrypted)


# A booking POST (PostgreSQL adds the access log's lock). Before the counselor's lock:
# the session and user, the consent gate, the bookable counselor (the policy), the free
# slot (rules, days off, bookings, sessions), the rate limit and the student's record
# (its id, nothing decrypted). Under the lock: the lock, the policy's check, the free
# slot again, the student's active bookings, the insert (a savepoint) with the student's
# data key for the topic (a process asks once, then keeps it; each test starts afresh),
# the access-log entry (a savepoint, head, insert) and two notices; then the flash
# message in the session. The student is not fetched again for her notice.
BOOKING_POST_QUERIES = 32 + LOCK
# Refused before the lock: the slot is already taken, so no lock, no insert, no log.
BOOKING_REFUSED_QUERIES = 11


def _post_booking(client, counselor, slot):
    from django.test.utils import CaptureQueriesContext

    key = timezone.localtime(slot.start).strftime("%Y-%m-%dT%H%M")
    url = reverse("book-confirm", args=[counselor.username, key])
    with CaptureQueriesContext(connection) as captured:
        response = client.post(url, {"topic": ""})
    return response, [q["sql"] for q in captured]


def test_a_booking_post_runs_a_fixed_number_of_queries_and_decrypts_no_record(
    client, siti, bu_rina, rina_hours
):
    from counseling.encryption import encrypted_field_names
    from counseling.records.models import Counselee
    from tests.conftest import slot_at

    login(client, siti)
    client.get(reverse("book-slots", args=[bu_rina.username]))
    slot = slot_at(bu_rina)
    response, queries = _post_booking(client, bu_rina, slot)
    assert response.status_code == 302
    assert response["Location"].startswith("/bookings/")
    assert len(queries) == BOOKING_POST_QUERIES
    encrypted = [f'"records_counselee"."{name}"' for name in encrypted_field_names(Counselee)]
    assert not any(column in sql for sql in queries for column in encrypted)

    response, queries = _post_booking(client, bu_rina, slot)
    assert response.status_code == 302
    assert response["Location"] == reverse("book-slots", args=[bu_rina.username])
    assert len(queries) == BOOKING_REFUSED_QUERIES

"""The counselee record lists past sessions, for those who may read them only."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from sessions import services


def record_url(student):
    return reverse("counselee-detail", args=[student.counselee.public_id])


def session_link(session):
    return reverse("session-detail", args=[session.public_id])


@pytest.mark.parametrize("person", ["bu_rina", "bu_ani", "pak_eko"])
def test_readers_of_the_notes_see_the_sessions(client_for, request, siti, siti_session, person):
    response = client_for(request.getfixturevalue(person)).get(record_url(siti))
    assert response.status_code == 200
    assert session_link(siti_session) in response.text


def test_the_student_does_not_see_the_counselors_session_list(client_for, siti, siti_session):
    response = client_for(siti).get(record_url(siti))
    assert response.status_code == 200
    assert session_link(siti_session) not in response.text


def test_each_counselee_lists_only_her_own_sessions(client_for, siti, dimas, bu_rina, admin):
    from counseling.records import services as records

    records.assign(bu_rina, dimas.counselee, by=admin)
    sitis = services.create_walk_in_session(siti.counselee, by=bu_rina)
    dimass = services.create_walk_in_session(dimas.counselee, by=bu_rina)

    response = client_for(bu_rina).get(record_url(siti))

    assert session_link(sitis) in response.text
    assert session_link(dimass) not in response.text


def test_the_record_page_costs_the_same_queries_for_1_or_8_sessions(client_for, siti, bu_rina):
    client = client_for(bu_rina)
    counts = []
    for total in (1, 8):
        while siti.counselee.counseling_sessions.count() < total:
            services.create_walk_in_session(siti.counselee, by=bu_rina)
        with CaptureQueriesContext(connection) as queries:
            response = client.get(record_url(siti))
        assert response.text.count("/sessions/") >= total
        counts.append(len(queries))
    assert counts[0] == counts[1]

import pytest
from django.urls import reverse

from counseling.accounts.models import User
from counseling.records import services
from tests.conftest import make_counselee, make_user


def fill_caseload(counselor, admin, count, start=0):
    for n in range(start, start + count):
        student = make_user(f"murid{n}", f"Murid Nomor {n}", User.Role.STUDENT)
        services.assign(
            counselor, make_counselee(student, f"9{n:04d}", class_name="XI-2"), by=admin
        )


def test_the_caseload_lists_only_the_counselors_own_counselees(client_for, siti, dimas, bu_rina):
    response = client_for(bu_rina).get(reverse("caseload"))
    assert "Siti Nurhaliza" in response.text
    assert "Dimas Pratama" not in response.text


@pytest.mark.parametrize(
    ("query", "found"),
    [("siti", True), ("1001", True), ("x-1", True), ("dimas", False), ("1002", False)],
)
def test_search_by_name_nis_or_class_stays_inside_the_caseload(
    client_for, siti, dimas, bu_rina, query, found
):
    response = client_for(bu_rina).get(reverse("caseload"), {"q": query})
    assert ("Siti Nurhaliza" in response.text) is found
    assert "Dimas Pratama" not in response.text


def test_the_caseload_is_paginated(client_for, bu_rina, admin):
    fill_caseload(bu_rina, admin, 30)
    client = client_for(bu_rina)
    first = client.get(reverse("caseload"))
    second = client.get(reverse("caseload"), {"page": 2})
    assert first.text.count("Murid Nomor") == 25
    assert second.text.count("Murid Nomor") == 5


def test_the_caseload_query_count_does_not_grow_with_the_caseload(
    client_for, bu_rina, admin, django_assert_max_num_queries
):
    client = client_for(bu_rina)
    fill_caseload(bu_rina, admin, 2)
    client.get(reverse("caseload"))  # warm the session
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as small:
        client.get(reverse("caseload"))
    fill_caseload(bu_rina, admin, 40, start=2)
    with CaptureQueriesContext(connection) as large:
        client.get(reverse("caseload"))
    assert len(large) == len(small)
    # session, user, second-factor device, count, page, and the inbox's unread count
    assert len(small) <= 6

"""A NUL character in a URL is refused with 400, never a server error.

PostgreSQL refuses NUL in any text parameter, so before the refusal a NUL in a path
segment or a query value that reached a query ended in a 500 there (SQLite stores it).
"""

import pytest
from django.urls import reverse

from counseling.audit.models import AccessEvent
from tests.conftest import login


@pytest.mark.parametrize(
    "url",
    [
        "/book/%00/",
        "/book/bu_rina/%00/",
        "/admin/%00",
        "/student/?page=%00",
        "/student/?%00=1",
        "/accounts/login/?next=%00",
    ],
)
def test_a_nul_in_the_url_is_a_bad_request(client, siti, url):
    login(client, siti)

    response = client.get(url)

    assert response.status_code == 400
    assert "no-store" in response["Cache-Control"]


def test_a_nul_in_an_admin_list_filter_is_a_bad_request(client, admin):
    login(client, admin)

    response = client.get(reverse("admin:accounts_user_changelist"), {"role__exact": "\x00"})

    assert response.status_code == 400


def test_a_student_on_a_counselor_booking_page_that_does_not_exist_still_gets_404(client, siti):
    login(client, siti)

    assert client.get("/book/nobody/").status_code == 404


def test_a_nul_in_the_user_agent_is_left_out_of_the_access_log(client, siti):
    login(client, siti)

    response = client.get(
        reverse("counselee-detail", args=[siti.counselee.public_id]), HTTP_USER_AGENT="Uji\x00"
    )

    assert response.status_code == 200
    assert AccessEvent.objects.order_by("-id").first().user_agent == "Uji"

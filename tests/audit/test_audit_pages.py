"""The admin's access-log pages: filters, flags, chart, export; reading is logged."""

import csv
import io
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from counseling.audit import log
from counseling.audit.models import AccessEvent

SECRETS = ("Sering cemas", "Ibu Suryani", "0812-1111-2222", "Baru pindah")


@pytest.fixture
def history(siti, dimas, bu_rina, pak_budi):
    for _ in range(3):
        log.record(log.Action.VIEW, actor=bu_rina, obj=siti.counselee, counselee=siti.counselee)
    log.record(log.Action.VIEW, actor=pak_budi, obj=dimas.counselee, counselee=dimas.counselee)
    log.record(
        log.Action.DENIED,
        actor=pak_budi,
        object_type="records.counselee",
        object_id=str(siti.counselee.public_id),
        counselee=siti.counselee,
    )


def audit(client, **params):
    return client.get(reverse("audit-log"), params)


def listed_ids(response):
    return [e.id for e in response.context["events"]]


def test_filter_by_counselee(client_for, admin, history, siti):
    events = AccessEvent.objects.filter(counselee=siti.counselee).order_by("-id")
    expected = [e.id for e in events]
    response = audit(client_for(admin), nis="1001")
    assert response.status_code == 200
    assert listed_ids(response) == expected


def test_filter_by_actor_and_action(client_for, admin, history, pak_budi):
    response = audit(client_for(admin), actor="pak_budi", action="denied")
    [event] = response.context["events"]
    assert (event.actor, event.action) == (pak_budi, "denied")


def test_filter_flagged_denials(client_for, admin, history):
    response = audit(client_for(admin), flag="denied")
    assert {e.action for e in response.context["events"]} == {"denied"}


def test_filter_by_date_range(client_for, admin, history):
    from django.utils import timezone

    today = timezone.localdate().isoformat()
    assert listed_ids(audit(client_for(admin), date_from=today, date_to=today))
    assert listed_ids(audit(client_for(admin), date_to="2000-01-01")) == []


def test_a_reversed_date_range_gets_a_clear_message(client_for, admin, history):
    response = audit(client_for(admin), date_from="2030-01-02", date_to="2030-01-01")
    assert "Tanggal awal harus sebelum tanggal akhir" in response.text


def test_malformed_input_is_an_error_message_not_a_crash(client_for, admin, history):
    response = audit(client_for(admin), date_from="kemarin", action="nope", before="abc")
    assert response.status_code == 200
    assert 'class="error"' in response.text


def test_pages_follow_by_keyset(client_for, admin, siti, bu_rina):
    for _ in range(60):
        log.record(log.Action.VIEW, actor=bu_rina, obj=siti.counselee, counselee=siti.counselee)
    client = client_for(admin)
    first = audit(client, nis="1001")
    assert len(first.context["events"]) == 50
    second = audit(client, nis="1001", before=first.context["next_before"])
    assert max(listed_ids(second)) < min(listed_ids(first))


def test_the_page_shows_no_content(client_for, admin, history):
    response = audit(client_for(admin))
    for secret in SECRETS:
        assert secret not in response.text


def test_reading_the_log_is_logged_against_the_student_filtered(client_for, admin, history, siti):
    audit(client_for(admin), nis="1001")
    read = AccessEvent.objects.latest("id")
    assert (read.action, read.actor, read.counselee, read.purpose) == (
        "view",
        admin,
        siti.counselee,
        "audit",
    )


def test_the_chart_counts_events_per_day(client_for, admin, history):
    response = audit(client_for(admin), nis="1001")
    chart = response.context["chart"]
    assert len(chart) == 30
    # Today's bar includes this very read, which is itself an event about the student.
    assert chart[-1]["count"] == AccessEvent.objects.filter(counselee__nis="1001").count()
    assert "<svg" in response.text


def test_the_chart_geometry_is_not_localised(client_for, admin, history):
    # Indonesian writes 96,667 for 96.667; in an SVG attribute that is no number, and the
    # bar is not drawn.
    response = audit(client_for(admin), nis="1001")
    assert response.headers["Content-Language"] == "id"
    bars = re.findall(
        r'<rect x="([^"]*)" y="([^"]*)" width="([^"]*)" height="([^"]*)"', response.text
    )
    assert len(bars) == 30
    for bar in bars:
        assert all(re.fullmatch(r"\d+(\.\d+)?", number) for number in bar), bar
    assert bars[-1][3] == "100.0"


def test_the_query_count_is_constant(client_for, admin, siti, bu_rina):
    client = client_for(admin)
    audit(client)
    with CaptureQueriesContext(connection) as few:
        audit(client)
    for _ in range(40):
        log.record(log.Action.VIEW, actor=bu_rina, obj=siti.counselee, counselee=siti.counselee)
    with CaptureQueriesContext(connection) as many:
        audit(client)
    assert len(many) == len(few)


def test_export_streams_csv_and_is_an_event(client_for, admin, history):
    response = client_for(admin).get(reverse("audit-export"), {"nis": "1001"})
    assert response.status_code == 200
    assert response.streaming
    rows = list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode())))
    assert rows[0][0] == "id"
    assert {row[7] for row in rows[1:]} == {"1001"}
    export = AccessEvent.objects.filter(action="export").get()
    assert export.actor == admin
    for row in rows:
        for secret in SECRETS:
            assert secret not in ",".join(row)


@pytest.mark.parametrize("who", ["siti", "bu_rina"])
def test_only_admins_read_the_log(client_for, request, history, who):
    client = client_for(request.getfixturevalue(who))
    assert audit(client).status_code == 404
    assert client.get(reverse("audit-export")).status_code == 404


@pytest.mark.parametrize(
    "params",
    [
        {"date_from": "0001-01-01"},
        {"date_to": "9999-12-31"},
        {"date_from": "2099-01-01"},
    ],
)
def test_extreme_dates_are_an_error_message_or_an_empty_chart(client_for, admin, history, params):
    client = client_for(admin)
    response = audit(client, **params)
    assert response.status_code == 200
    export = client.get(reverse("audit-export"), params)
    assert export.status_code == 200


def test_an_invalid_filter_shows_and_exports_nothing(client_for, admin, history):
    client = client_for(admin)
    response = audit(client, date_from="kemarin")
    assert listed_ids(response) == []
    export = client.get(reverse("audit-export"), {"date_from": "kemarin"})
    rows = list(csv.reader(io.StringIO(b"".join(export.streaming_content).decode())))
    assert len(rows) == 1  # the header alone


def test_the_log_names_people_and_things_in_words(client_for, admin, history, siti, bu_rina):
    page = audit(client_for(admin), nis="1001").text
    assert "records.counselee" not in page
    assert "data konseli" in page
    assert f"{siti.full_name} <span" in page and "1001" in page
    assert bu_rina.full_name in page
    assert "(counselor)" not in page and "Konselor" in page


def test_filter_by_the_actors_name(client_for, admin, history, pak_budi):
    response = audit(client_for(admin), actor=pak_budi.full_name.split()[0].lower())
    assert {e.actor for e in response.context["events"]} == {pak_budi}
    assert audit(client_for(admin), actor="tidak ada orang ini").context["events"] == []


def test_the_export_is_in_the_schools_time_zone_with_its_offset(client_for, admin, history, siti):
    from django.utils import timezone

    response = client_for(admin).get(reverse("audit-export"), {"nis": "1001"})
    rows = list(csv.DictReader(io.StringIO(b"".join(response.streaming_content).decode())))
    event = AccessEvent.objects.get(pk=rows[0]["id"])
    assert rows[0]["occurred_at"] == timezone.localtime(event.occurred_at).isoformat()
    assert rows[0]["occurred_at"].endswith("+07:00")  # Asia/Jakarta, the default
    assert {row["counselee_name"] for row in rows} == {siti.full_name}
    assert "data konseli" in {row["object_label"] for row in rows}

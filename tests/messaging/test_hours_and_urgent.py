"""Office hours, the crisis button, and a message marked urgent."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from counseling.crisis.models import CrisisRequest
from counseling.messaging import hours, services
from counseling.notices.models import Notice
from sessions.models import AvailabilityRule, DayOff
from tests.conftest import login

pytestmark = pytest.mark.django_db


def _weekly(counselor, weekday, start=8, end=12):
    return AvailabilityRule.objects.create(
        counselor=counselor,
        weekday=weekday,
        start_time=datetime.time(start),
        end_time=datetime.time(end),
    )


def _at(day, hour):
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(hour)))


def test_within_her_hours_the_office_is_open(bu_rina):
    monday = datetime.date(2026, 3, 2)
    _weekly(bu_rina, monday.weekday())
    assert hours.office_hours(bu_rina, _at(monday, 9)) == hours.OfficeHours(True)


def test_outside_her_hours_it_says_when_a_reply_can_be_expected(bu_rina):
    monday = datetime.date(2026, 3, 2)
    _weekly(bu_rina, monday.weekday())
    result = hours.office_hours(bu_rina, _at(monday, 15))
    assert result == hours.OfficeHours(False, _at(monday + datetime.timedelta(days=7), 8))


def test_a_day_off_is_skipped(bu_rina):
    monday = datetime.date(2026, 3, 2)
    _weekly(bu_rina, monday.weekday())
    _weekly(bu_rina, monday.weekday() + 1)
    DayOff.objects.create(counselor=bu_rina, date=monday + datetime.timedelta(days=1))
    result = hours.office_hours(bu_rina, _at(monday, 15))
    assert result.next_start == _at(monday + datetime.timedelta(days=7), 8)


def test_the_student_sees_the_crisis_button_outside_hours(client, conversation, siti_online):
    # Bu Rina publishes no hours at all: the thread says so and offers the crisis button.
    page = login(client, siti_online).get(reverse("conversation", args=[conversation.public_id]))
    text = page.content.decode()
    assert "Di luar jam layanan" in text
    assert "Aku butuh bicara sekarang" in text
    assert reverse("book") in text


def test_inside_hours_there_is_no_banner(client, conversation, siti_online, bu_rina):
    now = timezone.localtime()
    AvailabilityRule.objects.create(
        counselor=bu_rina,
        date=now.date(),
        start_time=datetime.time(0, 0),
        end_time=datetime.time(23, 59),
    )
    page = login(client, siti_online).get(reverse("conversation", args=[conversation.public_id]))
    assert "Di luar jam layanan" not in page.content.decode()


def test_an_urgent_message_raises_the_crisis_pathway(
    client, conversation, siti_online, bu_rina, pak_budi, pak_konflik
):
    login(client, siti_online).post(
        reverse("message-send", args=[conversation.public_id]),
        {"body": "aku tidak aman di rumah", "urgent": "on"},
    )
    request = CrisisRequest.objects.get(counselee=conversation.counselee)
    assert request.via == CrisisRequest.Via.MESSAGE
    assert request.status == CrisisRequest.Status.WAITING
    # The request carries no line of the message: that stays in the conversation.
    assert request.text == ""
    alerted = set(
        Notice.objects.filter(kind=Notice.Kind.CRISIS_REQUEST).values_list(
            "recipient__username", flat=True
        )
    )
    assert alerted == {"bu_rina", "pak_budi"}
    assert all(
        n.about == str(request.public_id)
        for n in Notice.objects.filter(kind=Notice.Kind.CRISIS_REQUEST)
    )


def test_raise_urgent_is_the_one_entry_point(conversation, siti_online, bu_rina):
    first = services.raise_urgent(siti_online, conversation)
    alerted = Notice.objects.filter(kind=Notice.Kind.CRISIS_REQUEST).count()
    assert alerted >= 1
    # A second urgent line while the request waits is the same request: nobody twice.
    assert services.raise_urgent(siti_online, conversation) == first
    assert Notice.objects.filter(kind=Notice.Kind.CRISIS_REQUEST).count() == alerted


def test_a_counselor_cannot_mark_her_message_urgent(client, conversation, bu_rina):
    response = login(client, bu_rina).post(
        reverse("message-send", args=[conversation.public_id]),
        {"body": "balasan", "urgent": "on"},
    )
    assert response.status_code == 404
    assert not CrisisRequest.objects.exists()


def test_a_notice_window_under_a_minute_stops_start_up(settings):
    from counseling.messaging.checks import check_message_notice_window

    assert check_message_notice_window() == []
    settings.AMANAH_MESSAGE_NOTICE_MINUTES = 0
    assert [error.id for error in check_message_notice_window()] == ["amanah.E110"]

"""A counselor publishes weekly and one-off hours and days off; students see the result."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import timezone

from sessions import availability, hours
from sessions.models import AvailabilityRule, DayOff

WEEKLY = {
    "weekly-weekday": "2",
    "weekly-start_time": "08:00",
    "weekly-end_time": "12:00",
    "weekly-slot_minutes": "60",
    "weekly-buffer_minutes": "0",
    "weekly-mode": "face_to_face",
    "weekly-place": "Ruang BK 1",
}


def in_days(days):
    return timezone.localdate() + datetime.timedelta(days=days)


def test_a_counselor_adds_weekly_hours_and_students_get_slots(client_for, bu_rina):
    client = client_for(bu_rina)

    response = client.post(reverse("availability-weekly"), WEEKLY)

    assert response["Location"] == reverse("availability")
    rule = AvailabilityRule.objects.get()
    assert (rule.counselor, rule.weekday, rule.slot_minutes, rule.place) == (
        bu_rina,
        2,
        60,
        "Ruang BK 1",
    )
    wednesdays = [s for s in availability.free_slots(bu_rina) if s.start.weekday() == 2]
    assert wednesdays
    assert {timezone.localtime(s.start).hour for s in wednesdays} <= {8, 9, 10, 11}
    page = client.get(reverse("availability"))
    assert "Rabu" in page.text and "Ruang BK 1" in page.text


def test_a_counselor_adds_hours_on_one_date(client_for, bu_rina):
    day = in_days(3)
    client_for(bu_rina).post(
        reverse("availability-dated"),
        {
            "dated-date": day.isoformat(),
            "dated-start_time": "13:00",
            "dated-end_time": "14:30",
            "dated-slot_minutes": "30",
            "dated-buffer_minutes": "15",
            "dated-mode": "online",
            "dated-place": "",
        },
    )
    slots = availability.free_slots(bu_rina)
    assert [timezone.localtime(s.start).strftime("%H:%M") for s in slots] == ["13:00", "13:45"]
    assert {timezone.localtime(s.start).date() for s in slots} == {day}


def test_hours_that_end_before_they_start_are_refused_on_the_form(client_for, bu_rina):
    response = client_for(bu_rina).post(
        reverse("availability-weekly"), {**WEEKLY, "weekly-end_time": "07:00"}
    )
    assert response.status_code == 200
    assert "Jam selesai harus setelah jam mulai" in response.text
    assert not AvailabilityRule.objects.exists()


def test_hours_shorter_than_one_session_are_refused_by_the_service(client_for, bu_rina):
    response = client_for(bu_rina).post(
        reverse("availability-weekly"), {**WEEKLY, "weekly-end_time": "08:30"}
    )
    assert "lebih pendek dari satu sesi" in response.text
    assert not AvailabilityRule.objects.exists()


def test_a_day_off_removes_that_days_slots_until_it_is_deleted(client_for, bu_rina, rina_hours):
    client = client_for(bu_rina)
    day = in_days(3)

    client.post(reverse("day-off-add"), {"off-date": day.isoformat()})
    again = client.post(reverse("day-off-add"), {"off-date": day.isoformat()})

    assert "sudah menjadi hari libur" in again.text
    day_off = DayOff.objects.get()
    assert day not in {timezone.localtime(s.start).date() for s in availability.free_slots(bu_rina)}

    client.post(reverse("day-off-delete", args=[day_off.pk]))
    assert not DayOff.objects.exists()
    assert day in {timezone.localtime(s.start).date() for s in availability.free_slots(bu_rina)}


def test_a_counselor_deletes_her_own_hours(client_for, bu_rina, rina_hours):
    rule = AvailabilityRule.objects.filter(counselor=bu_rina).first()
    response = client_for(bu_rina).post(reverse("availability-delete", args=[rule.pk]))
    assert response["Location"] == reverse("availability")
    assert not AvailabilityRule.objects.filter(pk=rule.pk).exists()


def test_another_counselor_cannot_delete_them(client_for, pak_budi, bu_rina, rina_hours):
    from counseling.audit.models import AccessEvent

    rule = AvailabilityRule.objects.filter(counselor=bu_rina).first()
    day_off = hours.add_day_off(in_days(5), by=bu_rina)
    client = client_for(pak_budi)

    assert client.post(reverse("availability-delete", args=[rule.pk])).status_code == 404
    assert client.post(reverse("day-off-delete", args=[day_off.pk])).status_code == 404
    assert AvailabilityRule.objects.filter(pk=rule.pk).exists()
    assert DayOff.objects.filter(pk=day_off.pk).exists()
    assert AccessEvent.objects.latest("id").action == AccessEvent.Action.DENIED


@pytest.mark.parametrize(
    "name", ["availability-weekly", "availability-dated", "day-off-add", "availability-delete"]
)
def test_changes_reject_get(client_for, bu_rina, rina_hours, name):
    args = [AvailabilityRule.objects.first().pk] if name == "availability-delete" else []
    assert client_for(bu_rina).get(reverse(name, args=args)).status_code == 405


def test_a_student_cannot_publish_hours(client_for, siti):
    assert client_for(siti).post(reverse("availability-weekly"), WEEKLY).status_code == 404
    with pytest.raises(PermissionDenied):
        hours.add_hours(by=siti, weekday=0, start_time=datetime.time(8), end_time=datetime.time(9))
    assert not AvailabilityRule.objects.exists()


def test_hours_are_weekly_or_dated_and_slots_have_a_set_length(bu_rina):
    with pytest.raises(ValidationError):
        hours.add_hours(
            by=bu_rina,
            weekday=0,
            date=in_days(1),
            start_time=datetime.time(8),
            end_time=datetime.time(9),
        )
    with pytest.raises(ValidationError):
        hours.add_hours(
            by=bu_rina,
            weekday=0,
            start_time=datetime.time(8),
            end_time=datetime.time(9),
            slot_minutes=50,
        )


@pytest.mark.parametrize("when", ["0001-01-01", "9999-12-31", "2000-01-01"])
def test_dates_far_off_are_refused_with_a_message(client_for, bu_rina, when):
    from sessions.models import AvailabilityRule, DayOff

    client = client_for(bu_rina)
    client.post(reverse("day-off-add"), {"date": when})
    response = client.post(
        reverse("availability-dated"),
        {
            "date": when,
            "start_time": "08:00",
            "end_time": "12:00",
            "slot_minutes": "45",
            "buffer_minutes": "15",
            "mode": "face_to_face",
            "place": "Ruang BK",
        },
        follow=True,
    )
    assert response.status_code == 200
    assert not DayOff.objects.exists()
    assert not AvailabilityRule.objects.exists()


def test_overlapping_weekly_hours_are_refused_naming_the_clash(client_for, bu_rina):
    hours.add_hours(by=bu_rina, weekday=0, start_time=datetime.time(8), end_time=datetime.time(12))
    page = client_for(bu_rina).post(
        reverse("availability-weekly"),
        {
            "weekly-weekday": "0",
            "weekly-start_time": "11:00",
            "weekly-end_time": "13:00",
            "weekly-slot_minutes": "45",
            "weekly-buffer_minutes": "15",
            "weekly-mode": "face_to_face",
        },
    )
    assert page.status_code == 200
    assert "bertumpuk" in page.text
    assert "Senin, 08:00\u201312:00" in page.text
    assert bu_rina.availability_rules.count() == 1


def test_hours_on_a_date_may_not_overlap_the_weekly_hours_of_its_weekday(bu_rina):
    day = timezone.localdate() + datetime.timedelta(days=7)
    hours.add_hours(
        by=bu_rina, weekday=day.weekday(), start_time=datetime.time(8), end_time=datetime.time(12)
    )
    with pytest.raises(ValidationError, match="bertumpuk"):
        hours.add_hours(
            by=bu_rina, date=day, start_time=datetime.time(9), end_time=datetime.time(10)
        )
    # And weekly hours may not overlap hours already published on a date of that weekday.
    other = day + datetime.timedelta(days=1)
    hours.add_hours(by=bu_rina, date=other, start_time=datetime.time(8), end_time=datetime.time(9))
    with pytest.raises(ValidationError, match="bertumpuk"):
        hours.add_hours(
            by=bu_rina,
            weekday=other.weekday(),
            start_time=datetime.time(8, 30),
            end_time=datetime.time(10),
        )


def test_back_to_back_hours_are_accepted(bu_rina):
    hours.add_hours(by=bu_rina, weekday=2, start_time=datetime.time(8), end_time=datetime.time(10))
    hours.add_hours(by=bu_rina, weekday=2, start_time=datetime.time(10), end_time=datetime.time(12))
    hours.add_hours(by=bu_rina, weekday=3, start_time=datetime.time(8), end_time=datetime.time(10))
    assert bu_rina.availability_rules.count() == 3

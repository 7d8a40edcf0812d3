"""What the e-mails say: when and where, never the topic or the student, with a valid .ics.

One story produces every kind of e-mail: Siti books Bu Rina urgently with a topic only
Bu Rina may read, books a second time and is declined, is confirmed, reschedules, is
reminded a day and an hour before, and Bu Rina finally cancels.
"""

import datetime
import re

import icalendar
import pytest

from counseling.celery import app as project_app
from counseling.notices import kinds, publishing
from counseling.notices.models import Notice
from sessions import bookings, ics
from sessions.models import Booking
from tests.sessions.outbox_support import (
    PLACE,
    TOPIC,
    everything_in,
    free_starts,
    give_addresses,
    ics_of,
    open_hours,
)

Kind = Notice.Kind
HOUR = datetime.timedelta(hours=1)
SUBJECT_KIND = {f"[Amanah] {headline}": kind for kind, headline in kinds.HEADLINES.items()}


@pytest.fixture(autouse=True)
def _deliver_in_process(monkeypatch):
    monkeypatch.setitem(project_app.conf, "task_always_eager", True)


@pytest.fixture
def story(siti, bu_rina, pak_budi, mailoutbox, monkeypatch):
    """Every kind of e-mail about Siti's bookings: a list of (e-mail, booking it is about)."""
    from django.utils import timezone

    give_addresses(siti, bu_rina, pak_budi)
    open_hours(bu_rina)
    nine, ten, eleven, twelve = free_starts(bu_rina)
    told = []

    def deliver(about):
        already = len(mailoutbox)
        publishing.requeue()
        told.extend((mail, about) for mail in mailoutbox[already:])

    first = bookings.book(siti.counselee, bu_rina, nine, by=siti, topic=TOPIC, urgent=True)
    deliver(first)
    other = bookings.book(siti.counselee, bu_rina, ten, by=siti, topic=TOPIC)
    deliver(other)
    bookings.decline(other, Booking.DeclineReason.SCHOOL_EVENT, by=bu_rina)
    deliver(other)
    bookings.confirm(first, by=bu_rina)
    deliver(first)
    moved = bookings.reschedule(first, eleven, by=siti)
    deliver(moved)
    bookings.confirm(moved, by=bu_rina)
    deliver(moved)
    # Another urgent request, which Pak Budi takes: Bu Rina is told it is handled.
    taken = bookings.book(siti.counselee, bu_rina, twelve, by=siti, urgent=True)
    deliver(taken)
    bookings.take_urgent(taken, by=pak_budi)
    deliver(taken)
    bookings.cancel(taken, by=siti)
    deliver(taken)
    for before in (24 * HOUR, HOUR):
        monkeypatch.setattr(timezone, "now", lambda before=before: moved.start - before)
        deliver(moved)
    bookings.cancel(moved, by=bu_rina)
    deliver(moved)

    assert not Notice.objects.filter(email_status=Notice.EmailStatus.PENDING).exists()
    assert len(told) == len(mailoutbox)
    return told


def kind_of(mail):
    return SUBJECT_KIND[mail.subject]


def test_the_story_sends_every_kind_of_email(story):
    assert {kind_of(mail) for mail, _booking in story} == kinds.BOOKING_KINDS


def test_no_email_carries_the_topic(story):
    assert story
    for mail, _booking in story:
        text = everything_in(mail)
        assert TOPIC not in text
        assert "zebrafinch" not in text.lower()
        assert "ayah tiri" not in text.lower()


def test_no_email_names_the_student(story, siti):
    for mail, _booking in story:
        readable = "\n".join([mail.subject, mail.body, *(str(a[1]) for a in mail.attachments)])
        for word in ("Siti", "Nurhaliza", siti.counselee.nis, siti.counselee.class_name):
            # As a whole word: the NIS "1001" is also in a DTSTAMP written at 21:00:13.
            found = re.search(rf"\b{re.escape(word)}\b", readable, re.IGNORECASE)
            assert found is None, (kind_of(mail), word)
        if mail.to != [siti.email]:
            # A counselor's e-mail does not even carry her address.
            assert siti.email not in everything_in(mail), kind_of(mail)


def test_every_email_says_when_and_where(story):
    for mail, booking in story:
        start, end = (timezone_local(t).strftime("%H.%M") for t in (booking.start, booking.end))
        assert f"pukul {start}\N{EN DASH}{end}" in mail.body, kind_of(mail)
        assert f"Tempat: {PLACE}" in mail.body


def timezone_local(moment):
    from django.utils import timezone

    return timezone.localtime(moment)


def test_every_email_to_the_student_carries_a_calendar_file(story, siti):
    for mail, _booking in story:
        for_student = mail.to == [siti.email]
        counselor_only = kind_of(mail) in {
            Kind.BOOKING_REQUESTED,
            Kind.URGENT_REQUEST,
            Kind.URGENT_TAKEN,
        }
        to_both = kind_of(mail) in {Kind.BOOKING_CHANGED, Kind.BOOKING_CANCELLED}
        assert for_student != counselor_only or to_both
        assert (ics_of(mail) is not None) == (not counselor_only), kind_of(mail)


def assert_well_formed(text):
    """RFC 5545 at the octet level: CRLF only, folded at 75 octets, UTC times."""
    assert text.endswith("\r\n")
    assert "\n" not in text.replace("\r\n", "") and "\r" not in text.replace("\r\n", "")
    lines = text.split("\r\n")[:-1]
    assert all(len(line.encode()) <= 75 for line in lines)
    unfolded = text.replace("\r\n ", "").split("\r\n")[:-1]
    for line in unfolded:
        if line.startswith(("DTSTART", "DTEND", "DTSTAMP")):
            assert re.fullmatch(r"DT(START|END|STAMP):\d{8}T\d{6}Z", line), line
    calendar = icalendar.Calendar.from_ical(text)
    assert calendar["VERSION"] == "2.0" and calendar["PRODID"]
    [event] = calendar.walk("VEVENT")
    for required in ("UID", "DTSTAMP", "DTSTART", "DTEND", "SUMMARY", "ORGANIZER", "SEQUENCE"):
        assert required in event, required
    return calendar, event


def test_the_calendar_files_are_valid_and_follow_the_appointment(story):
    for mail, booking in story:
        if ics_of(mail) is None:
            continue
        calendar, event = assert_well_formed(ics_of(mail))
        kind = kind_of(mail)
        # One appointment, one UID: from the request through the move to the cancellation.
        series = booking.rescheduled_from or booking
        assert str(event["UID"]) == f"{series.public_id}@amanah"
        assert event.decoded("DTSTART") == booking.start
        assert event.decoded("DTEND") == booking.end
        assert str(event["LOCATION"]) == PLACE
        removes = kind in {Kind.BOOKING_CANCELLED, Kind.BOOKING_DECLINED}
        assert str(calendar["METHOD"]) == ("CANCEL" if removes else "PUBLISH")
        assert (str(event["STATUS"]) == "CANCELLED") == removes
        # A later version of the appointment outranks every earlier one: each move, and
        # the removal, counts one up.
        moves = 1 if booking.rescheduled_from else 0
        assert int(event["SEQUENCE"]) == moves + removes, kind


def test_a_long_place_name_is_folded_and_read_back_whole(siti, bu_rina):
    open_hours(bu_rina)
    booking = bookings.book(siti.counselee, bu_rina, free_starts(bu_rina)[0], by=siti)
    booking.place = "Ruang Bimbingan dan Konseling — Gedung Utama, lantai dua; sebelah perpustakaan"

    _calendar, event = assert_well_formed(ics.calendar(booking))

    assert str(event["LOCATION"]) == booking.place
    assert str(event["STATUS"]) == "TENTATIVE"

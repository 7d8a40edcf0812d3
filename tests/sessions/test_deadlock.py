"""Students booking while counselors read records: no deadlock, on PostgreSQL.

A booking locks its counselor's user row and later appends to the access log, which
waits for the log's advisory lock. A page view holds that lock while it inserts a log
entry whose foreign key to the same counselor needs a KEY SHARE lock on the row. With a
full FOR UPDATE the two waited for each other and PostgreSQL killed one ("deadlock
detected"); FOR NO KEY UPDATE does not conflict with KEY SHARE.
"""

import threading
import time

import pytest
from django.contrib.messages.storage.fallback import FallbackStorage
from django.contrib.sessions.backends.db import SessionStore
from django.db import OperationalError, connection, connections, transaction
from django.test import Client, RequestFactory
from django.urls import reverse

from counseling.accounts.models import User
from counseling.audit import log
from sessions import booking_views, bookings
from sessions.bookings import BookingRefused
from sessions.models import Booking
from tests.conftest import login, make_counselee, make_user, open_hours, slot_at

pytestmark = [
    pytest.mark.skipif(
        connection.vendor != "postgresql",
        reason="row locks and advisory locks are PostgreSQL's; CI runs this on PostgreSQL",
    ),
    pytest.mark.xdist_group("races"),
    pytest.mark.django_db(transaction=True),
]


def backend_pid():
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        return cursor.fetchone()[0]


def waits_for_a_lock(pid) -> bool:
    with connection.cursor() as cursor:
        cursor.execute("SELECT wait_event_type FROM pg_stat_activity WHERE pid = %s", [pid])
        row = cursor.fetchone()
    return row is not None and row[0] == "Lock"


def until(condition, seconds=10):
    deadline = time.monotonic() + seconds
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError("the other transaction neither waited nor finished")
        time.sleep(0.02)


def in_threads(*targets):
    errors = []

    def run(target):
        try:
            target()
        except BaseException as error:  # pytest's own failures too: reported by the test
            errors.append(repr(error))
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(t,)) for t in targets]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return errors


def test_a_booking_holding_the_counselor_does_not_deadlock_a_page_view(siti, bu_rina):
    """The interleaving that deadlocked, forced: the booking holds the counselor's row,
    a page view of that counselor appends to the log, then the booking appends too."""
    locked, reader_done = threading.Event(), threading.Event()
    reader = {}

    def booking():
        with transaction.atomic():
            bookings._lock_counselor(bu_rina)
            locked.set()
            until(
                lambda: (
                    reader_done.is_set() or ("pid" in reader and waits_for_a_lock(reader["pid"]))
                )
            )
            log.record(log.Action.CREATE, actor=siti, counselee=siti.counselee)

    def page_view():
        reader["pid"] = backend_pid()
        locked.wait(10)
        log.record(
            log.Action.VIEW,
            actor=bu_rina,
            obj=siti.counselee,
            counselee=siti.counselee,
            purpose=log.Purpose.CASELOAD,
        )
        reader_done.set()

    assert in_threads(booking, page_view) == []
    assert reader_done.is_set()


def test_readers_and_bookers_at_once_see_no_error(siti, bu_rina, consent_v1):
    open_hours(bu_rina)
    students = [siti]
    for n in range(2):
        student = make_user(f"murid{n}", f"Murid {n}", User.Role.STUDENT)
        make_counselee(student, f"90{n}")
        students.append(student)
    slots = [slot_at(bu_rina, days=2 + n, hour=9) for n in range(len(students))]
    record = reverse("counselee-detail", args=[siti.counselee.public_id])
    stop = time.monotonic() + 4
    done = {"reads": 0, "bookings": 0}

    def booker(student, slot):
        def run():
            while time.monotonic() < stop:
                try:
                    booking = bookings.book(student.counselee, bu_rina, slot.start, by=student)
                except BookingRefused:
                    continue
                bookings.cancel(booking, by=student)
                done["bookings"] += 1

        return run

    def reader():
        client = login(Client(), bu_rina)
        while time.monotonic() < stop:
            assert client.get(record).status_code == 200
            done["reads"] += 1

    errors = in_threads(
        reader, reader, *(booker(s, slot) for s, slot in zip(students, slots, strict=True))
    )
    assert errors == []
    assert done["reads"] > 0 and done["bookings"] > 0


def test_a_postgresql_deadlock_is_reported_not_taken_for_a_busy_sqlite(siti, dimas):
    """The retry for SQLite's "database is locked" must not swallow PostgreSQL's
    "deadlock detected ... blocked by process": that is a fault to see, not to retry."""
    request = RequestFactory().post("/")
    request.user = siti
    request.session = SessionStore()
    request._messages = FallbackStorage(request)
    first_locked, other, outcome = threading.Event(), {}, {}

    def lock(user):
        User.objects.select_for_update().get(pk=user.pk)

    def deadlocked_change():
        # This side detects the deadlock first, and is the one PostgreSQL cancels.
        with transaction.atomic():
            with connection.cursor() as cursor:
                cursor.execute("SET LOCAL deadlock_timeout = '100ms'")
            lock(siti)
            first_locked.set()
            until(lambda: "pid" in other and waits_for_a_lock(other["pid"]))
            lock(dimas)

    def victim():
        try:
            outcome["returned"] = booking_views.attempt(request, deadlocked_change)
        except OperationalError as error:
            outcome["raised"] = str(error)

    def other_side():
        with transaction.atomic():
            with connection.cursor() as cursor:
                cursor.execute("SET LOCAL deadlock_timeout = '10s'")
            other["pid"] = backend_pid()
            lock(dimas)
            first_locked.wait(10)
            lock(siti)

    assert in_threads(victim, other_side) == []
    assert "returned" not in outcome
    assert "deadlock detected" in outcome["raised"]
    assert list(request._messages) == []


def test_a_student_moving_a_booking_waits_for_another_booking_without_a_deadlock(
    siti, bu_rina, siti_booking
):
    # Another student's booking holds Bu Rina's row and is about to append to the log
    # while Siti moves her booking: the move must queue on the counselor's row first,
    # never hold the log's lock and then wait for that row.
    new_slot = slot_at(bu_rina, days=3, hour=10)
    locked = threading.Event()
    mover = {}

    def another_booking():
        with transaction.atomic():
            bookings._lock_counselor(bu_rina)
            locked.set()
            until(lambda: "pid" in mover and waits_for_a_lock(mover["pid"]))
            log.record(log.Action.CREATE, actor=siti, counselee=siti.counselee)

    def siti_moves():
        mover["pid"] = backend_pid()
        locked.wait(10)
        bookings.reschedule(siti_booking, new_slot.start, by=siti)

    assert in_threads(another_booking, siti_moves) == []
    moved = Booking.objects.get(rescheduled_from=siti_booking)
    assert moved.start == new_slot.start

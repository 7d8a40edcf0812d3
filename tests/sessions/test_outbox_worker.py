"""Notifications through a real Redis and a real Celery worker, in this process.

Each test session (each xdist worker) starts a redis-server of its own on a free port, so
a test may stop it without touching the machine's Redis. The Celery app has the project's
CELERY_* settings (socket timeouts, publish retry policy), only the broker differs. The
worker runs in a thread of the test process, so it uses the test database; the tests are
transactional, because the worker cannot see a test's uncommitted transaction.
"""

import socket
import subprocess
import threading
import time
from contextlib import contextmanager

import pytest
from celery.contrib.testing.app import TestApp, setup_default_app
from django.conf import settings

from counseling.accounts.models import User
from sessions import bookings, tasks
from sessions.models import Booking, OutboxMessage
from tests.conftest import make_user
from tests.sessions.outbox_support import free_starts, give_addresses, open_hours

pytestmark = pytest.mark.django_db(transaction=True)

Kind = OutboxMessage.Kind
# "Within a few seconds": one publish against a stopped Redis fails at once; against a
# hung one it costs one socket timeout (2 s), and then the process stops trying.
STOPPED_BUDGET = 1.5
HUNG_BUDGET = 4.0


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class RedisServer:
    """A redis-server of this test session's own, that a test may stop and start again."""

    def __init__(self):
        self.port = free_port()
        self.url = f"redis://127.0.0.1:{self.port}/0"
        self.process = None

    def start(self):
        self.process = subprocess.Popen(
            [
                *("redis-server", "--bind", "127.0.0.1", "--port", str(self.port)),
                *("--save", "", "--appendonly", "no", "--daemonize", "no"),
            ],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        deadline = time.monotonic() + 10
        while not self._answers():
            if self.process.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError(f"redis-server did not start on port {self.port}")
            time.sleep(0.02)

    def stop(self):
        self.process.terminate()
        self.process.wait(timeout=10)
        self.process = None

    def _answers(self) -> bool:
        try:
            with socket.create_connection(("127.0.0.1", self.port), timeout=0.5) as conn:
                conn.sendall(b"PING\r\n")
                return conn.recv(7).startswith(b"+PONG")
        except OSError:
            return False


class SilentServer:
    """A hung Redis: it accepts connections and never says a word."""

    def __init__(self):
        self.listener = socket.create_server(("127.0.0.1", 0))
        self.url = f"redis://127.0.0.1:{self.listener.getsockname()[1]}/0"
        self.accepted = []
        threading.Thread(target=self._accept, daemon=True).start()

    def _accept(self):
        while True:
            try:
                self.accepted.append(self.listener.accept()[0])
            except OSError:  # closed
                return

    def close(self):
        self.listener.close()
        for conn in self.accepted:
            conn.close()


def project_celery_config(broker_url) -> dict:
    """The project's CELERY_* settings as Celery reads them, on another broker."""
    config = {
        name.removeprefix("CELERY_").lower(): getattr(settings, name)
        for name in dir(settings)
        if name.startswith("CELERY_")
    }
    return {**config, "broker_url": broker_url, "task_always_eager": False}


@pytest.fixture(scope="session")
def own_redis():
    server = RedisServer()
    server.start()
    yield server
    if server.process:
        server.stop()


@pytest.fixture(scope="session")
def celery_config(own_redis):
    return project_celery_config(own_redis.url)


@pytest.fixture(scope="session")
def celery_includes():
    return ("sessions.tasks",)


@pytest.fixture(autouse=True)
def _fresh_process_state(own_redis):
    # A test that found the broker down leaves publishing paused in this process, and
    # may have left its Redis stopped; neither may leak into the next test.
    tasks._publishing_paused_until = 0.0
    if own_redis.process is None:
        own_redis.start()
    yield
    tasks._publishing_paused_until = 0.0


@pytest.fixture
def hours(siti, bu_rina, pak_budi):
    give_addresses(siti, bu_rina, pak_budi)
    return open_hours(bu_rina)


@contextmanager
def broker_at(url):
    """Make a Celery app on `url` the current one, as the web process would have it."""
    app = TestApp(config=project_celery_config(url))
    with setup_default_app(app):
        app.set_current()
        app.set_default()
        yield app


def wait_for(condition, timeout=15.0):
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            return False
        time.sleep(0.05)
    return True


def test_the_worker_mails_a_booking_once(celery_worker, hours, siti, bu_rina, mailoutbox):
    booking = bookings.book(siti.counselee, bu_rina, free_starts(bu_rina)[0], by=siti)

    assert wait_for(lambda: len(mailoutbox) == 2)
    assert sorted(m.to[0] for m in mailoutbox) == [bu_rina.email, siti.email]
    made = OutboxMessage.objects.get(booking=booking, kind=Kind.BOOKING_MADE)
    # Redelivered, retried, re-queued: the same message again sends nothing.
    assert tasks.deliver_outbox_message.delay(made.pk).get(timeout=10) is False
    assert tasks.deliver_outbox_message.delay(made.pk).get(timeout=10) is False
    assert tasks.requeue_due_messages.delay().get(timeout=10) == 0
    assert len(mailoutbox) == 2
    assert set(OutboxMessage.objects.values_list("attempts", flat=True)) == {1}
    assert not OutboxMessage.objects.filter(sent_at=None).exists()


def test_two_copies_of_the_task_in_the_queue_send_one_email(
    celery_worker, hours, siti, bu_rina, mailoutbox
):
    tasks._publishing_paused_until = float("inf")  # queue the two copies by hand only
    booking = bookings.book(siti.counselee, bu_rina, free_starts(bu_rina)[0], by=siti)
    made = OutboxMessage.objects.get(booking=booking, kind=Kind.BOOKING_MADE)

    copies = [tasks.deliver_outbox_message.delay(made.pk) for _ in range(2)]

    assert sorted(copy.get(timeout=10) for copy in copies) == [False, True]
    assert [m.to for m in mailoutbox] == [[siti.email]]


def test_redis_stopped_during_a_booking(celery_worker, own_redis, hours, siti, bu_rina, mailoutbox):
    own_redis.stop()
    started = time.monotonic()
    booking = bookings.book(siti.counselee, bu_rina, free_starts(bu_rina)[0], by=siti)
    took = time.monotonic() - started

    assert took < STOPPED_BUDGET, f"booking took {took:.2f} s with Redis stopped"
    assert Booking.objects.filter(pk=booking.pk).exists()
    pending = OutboxMessage.objects.filter(booking=booking, sent_at=None, claimed_at=None)
    assert pending.count() == 2
    assert mailoutbox == []

    own_redis.start()
    # What beat does every minute; the worker reconnects on its own.
    assert tasks.requeue_due_messages.delay().get(timeout=30) == 2

    assert wait_for(lambda: len(mailoutbox) == 2)
    assert tasks.requeue_due_messages.delay().get(timeout=10) == 0
    assert sorted(m.to[0] for m in mailoutbox) == [bu_rina.email, siti.email]
    assert set(OutboxMessage.objects.values_list("attempts", flat=True)) == {1}


def test_a_hung_redis_does_not_stall_an_urgent_booking(hours, siti, bu_rina, mailoutbox):
    # An urgent request writes a message to every counselor, so six here (made, requested,
    # four urgent), each of which would wait out the socket timeout if the process kept
    # trying: 12 s. One timeout, and the rest are left to the re-queue.
    for username in ("pak_eko", "bu_ani"):
        give_addresses(make_user(username, username, User.Role.COUNSELOR))
    hung = SilentServer()
    try:
        with broker_at(hung.url):
            started = time.monotonic()
            booking = bookings.book(
                siti.counselee, bu_rina, free_starts(bu_rina)[0], by=siti, urgent=True
            )
            took = time.monotonic() - started
    finally:
        hung.close()

    assert took < HUNG_BUDGET, f"booking took {took:.2f} s with Redis hung"
    assert hung.accepted, "the booking never tried the hung broker"
    assert Booking.objects.filter(pk=booking.pk).exists()
    assert OutboxMessage.objects.filter(booking=booking, sent_at=None).count() == 6
    assert mailoutbox == []

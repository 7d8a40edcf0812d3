"""Notifications through a real Redis and a real Celery worker, in this process.

Each test session (each xdist worker) starts a redis-server of its own on a free port, so
a test may stop it without touching the machine's Redis. The Celery app has the project's
CELERY_* settings (socket timeouts, publish retry policy, the e-mail queue), only the
broker differs. The worker runs in a thread of the test process, so it uses the test
database; the tests are transactional, because the worker cannot see a test's
uncommitted transaction.
"""

import pytest

from counseling.accounts.models import User
from counseling.notices import publishing
from counseling.notices.models import Notice
from counseling.notices.tasks import deliver_notice, requeue_due_notices
from sessions import bookings
from sessions.models import Booking
from tests.conftest import make_user
from tests.processes import RedisServer, SilentServer, broker_at, project_celery_config, wait_for
from tests.sessions.outbox_support import free_starts, give_addresses, open_hours

pytestmark = pytest.mark.django_db(transaction=True)

Kind = Notice.Kind
Status = Notice.EmailStatus


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
    return ("counseling.notices.tasks",)


@pytest.fixture(scope="session")
def celery_worker_parameters():
    # The default queue and the e-mail queue, as the two production workers serve them.
    return {"queues": ("celery", "email")}


@pytest.fixture(autouse=True)
def _fresh_process_state(own_redis):
    # A test that found the broker down leaves publishing paused in this process, and
    # may have left its Redis stopped; neither may leak into the next test.
    publishing._publisher().paused_until = 0.0
    if own_redis.process is None:
        own_redis.start()
    yield
    publishing._publisher().paused_until = 0.0


@pytest.fixture
def hours(siti, bu_rina, pak_budi):
    give_addresses(siti, bu_rina, pak_budi)
    return open_hours(bu_rina)


def pending(booking):
    return Notice.objects.filter(booking=booking, email_status=Status.PENDING)


def test_the_worker_mails_a_booking_once(celery_worker, hours, siti, bu_rina, mailoutbox):
    booking = bookings.book(siti.counselee, bu_rina, free_starts(bu_rina)[0], by=siti)

    assert wait_for(lambda: len(mailoutbox) == 2)
    assert sorted(m.to[0] for m in mailoutbox) == [bu_rina.email, siti.email]
    made = Notice.objects.get(booking=booking, kind=Kind.BOOKING_MADE)
    # Redelivered, retried, re-queued: the same notice again sends nothing.
    assert deliver_notice.delay(made.pk).get(timeout=10) is False
    assert deliver_notice.delay(made.pk).get(timeout=10) is False
    assert requeue_due_notices.delay().get(timeout=10) == 0
    assert len(mailoutbox) == 2
    assert set(Notice.objects.values_list("attempts", flat=True)) == {1}
    assert not Notice.objects.exclude(email_status=Status.SENT).exists()


def test_two_copies_of_the_task_in_the_queue_send_one_email(
    celery_worker, hours, siti, bu_rina, mailoutbox
):
    publishing._publisher().paused_until = float("inf")  # queue the two copies by hand only
    booking = bookings.book(siti.counselee, bu_rina, free_starts(bu_rina)[0], by=siti)
    made = Notice.objects.get(booking=booking, kind=Kind.BOOKING_MADE)

    copies = [deliver_notice.delay(made.pk) for _ in range(2)]

    assert sorted(copy.get(timeout=10) for copy in copies) == [False, True]
    assert [m.to for m in mailoutbox] == [[siti.email]]


def test_redis_stopped_during_a_booking(celery_worker, own_redis, hours, siti, bu_rina, mailoutbox):
    own_redis.stop()
    booking = bookings.book(siti.counselee, bu_rina, free_starts(bu_rina)[0], by=siti)

    assert Booking.objects.filter(pk=booking.pk).exists()
    # The hand-over failed and gave the notices back to the re-queue.
    assert wait_for(lambda: publishing._publisher().paused_until > 0)
    assert pending(booking).filter(queued_at=None, claimed_at=None).count() == 2
    assert mailoutbox == []

    own_redis.start()
    # What beat does every 15 seconds; the worker reconnects on its own.
    assert requeue_due_notices.delay().get(timeout=30) == 2

    assert wait_for(lambda: len(mailoutbox) == 2)
    assert requeue_due_notices.delay().get(timeout=10) == 0
    assert sorted(m.to[0] for m in mailoutbox) == [bu_rina.email, siti.email]
    assert set(Notice.objects.values_list("attempts", flat=True)) == {1}


def test_a_hung_redis_leaves_an_urgent_booking_made_and_its_notices_pending(
    celery_worker, hours, siti, bu_rina, mailoutbox
):
    # An urgent request writes a notice to every counselor: six here (made, requested,
    # four urgent). The web request hands them to a thread of its process, so a broker
    # that never answers holds that thread, never the booking.
    for username in ("pak_eko", "bu_ani"):
        give_addresses(make_user(username, username, User.Role.COUNSELOR))
    hung = SilentServer()
    try:
        with broker_at(hung.url):
            booking = bookings.book(
                siti.counselee, bu_rina, free_starts(bu_rina)[0], by=siti, urgent=True
            )
            assert Booking.objects.filter(pk=booking.pk).exists()
            assert pending(booking).count() == 6
            assert wait_for(lambda: hung.accepted), "the hand-over never tried the broker"
            assert pending(booking).count() == 6
    finally:
        hung.close()
    # The broker failed: the notices are the re-queue's, and still pending.
    assert wait_for(lambda: pending(booking).filter(queued_at=None).count() == 6)
    assert mailoutbox == []

    # Redis answers again: the next re-queue (beat, every 15 s) sends them, once.
    assert requeue_due_notices.delay().get(timeout=30) == 6
    assert wait_for(lambda: len(mailoutbox) == 6)
    assert not pending(booking).exists()

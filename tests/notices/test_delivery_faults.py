"""Delivery faults with real processes: Celery workers started as an operator starts them,
a redis-server of the test's own, a mail server that never answers, a real SMTP sink.

The workers are subprocesses that use the test database, so these tests need one a
second process can open: PostgreSQL. (pytest-django keeps a SQLite test database in
memory, where no other process can reach it.)
"""

import datetime

import pytest
from django.db import connection, transaction
from django.utils import timezone

from consent import services as consent_services
from consent.models import Disclosure
from counseling import notices
from counseling.notices.models import Notice
from counseling.notices.tasks import requeue_due_notices
from tests.processes import (
    CeleryWorker,
    RedisServer,
    SilentServer,
    SmtpSink,
    broker_at,
    wait_for,
)
from tests.sessions.outbox_support import give_addresses

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(
        connection.vendor != "postgresql",
        reason="a worker process cannot open pytest-django's in-memory SQLite database",
    ),
]

Kind = Notice.Kind
Status = Notice.EmailStatus


@pytest.fixture(scope="module")
def redis_server():
    server = RedisServer()
    server.start()
    yield server
    server.stop()


@pytest.fixture
def broker(redis_server):
    """The test's Redis, empty, as the broker of this process and of its workers."""
    redis_server.flush()
    with broker_at(redis_server.url):
        yield redis_server.url


@pytest.fixture
def workers(tmp_path):
    started = []

    def start(**kwargs):
        worker = CeleryWorker(tmp_path, **kwargs)
        started.append(worker)
        return worker

    yield start
    for worker in started:
        worker.kill()


def notify_committed(recipient, kind=Kind.CASE_ENDED, **kwargs):
    with transaction.atomic():
        return notices.notify(recipient, kind, **kwargs)


def state(notice):
    notice.refresh_from_db()
    return notice


def test_a_hung_mail_server_holds_neither_alerts_nor_the_requeue(
    broker, workers, siti, bu_rina, pak_budi
):
    give_addresses(bu_rina, pak_budi)
    hung = SilentServer()
    try:
        # Each process as README runs it: e-mail on its own worker, everything else on
        # the default one. The mail server hangs for longer than this whole test.
        common = {"broker_url": broker, "email_port": hung.port, "email_timeout": 120}
        workers(queues="email", **common)
        workers(queues="celery", **common)
        stuck = notify_committed(bu_rina)
        assert wait_for(lambda: state(stuck).claimed_at is not None and hung.accepted, 60)

        # The daily reminder (default queue) still runs and writes its notice.
        disclosure = consent_services.record_disclosure(
            siti.counselee,
            by=bu_rina,
            reason="danger_to_self",
            recipient_name="Ibu Suryani",
            recipient_role="parent",
            what_was_shared="x",
            student_informed=False,
            not_informed_reason="Menunggu pendamping.",
        )
        Disclosure.objects.filter(pk=disclosure.pk).update(
            disclosed_at=timezone.now() - datetime.timedelta(days=8)
        )
        from consent.tasks import remind_counselors_to_inform_students

        remind_counselors_to_inform_students.delay()
        reminder = Notice.objects.filter(kind=Kind.DISCLOSURE_REMINDER, recipient=bu_rina)
        assert wait_for(reminder.exists, 60), "the default worker is stalled too"

        # And the re-queue still runs: a notice the broker never got is handed over.
        waiting = notify_committed(pak_budi)
        Notice.objects.filter(pk=waiting.pk).update(queued_at=None)
        requeue_due_notices.delay()
        assert wait_for(lambda: state(waiting).queued_at is not None, 60)
        assert state(stuck).email_status == Status.PENDING
        assert state(stuck).sent_at is None
    finally:
        hung.close()


def test_the_emails_a_killed_worker_was_sending_arrive_after_it(
    broker, workers, bu_rina, pak_budi, siti
):
    give_addresses(bu_rina, pak_budi, siti)
    hung = SilentServer()
    common = {"broker_url": broker, "email_port": hung.port, "email_timeout": 5}
    first = workers(queues="email", **common)
    default = workers(queues="celery", **common)
    in_flight = notify_committed(bu_rina)
    queued = [notify_committed(pak_budi), notify_committed(siti)]
    assert wait_for(lambda: state(in_flight).claimed_at is not None and hung.accepted, 30)

    first.kill()  # SIGKILL, in the middle of a send
    hung.close()
    sink = SmtpSink(port=hung.port)  # the mail server is back, on the same address
    try:
        assert state(in_flight).email_status == Status.PENDING
        assert state(in_flight).claimed_at is not None
        workers(queues="email", **common)

        def everything_arrived():
            # What beat does every 15 seconds; the default worker runs it.
            requeue_due_notices.delay()
            return len(sink.messages) >= 3

        assert wait_for(everything_arrived, 120, interval=2), default.output()
        assert sink.recipients() == sorted([bu_rina.email, pak_budi.email, siti.email])
        assert state(in_flight).email_status == Status.SENT
        assert state(in_flight).attempts == 2
        assert all(state(notice).email_status == Status.SENT for notice in queued)
    finally:
        sink.stop()

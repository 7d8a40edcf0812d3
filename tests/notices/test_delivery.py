"""The e-mail channel against real mail servers on 127.0.0.1: one that takes the message
(aiosmtpd), one that accepts and never answers, and a port where nothing listens."""

import datetime
import smtplib
import threading

import pytest
from django.db import connections
from django.utils import timezone

from counseling import notices
from counseling.celery import app as project_app
from counseling.notices import delivery, publishing
from counseling.notices.models import Notice
from counseling.notices.tasks import deliver_notice
from sessions import bookings
from tests.processes import SilentServer, SmtpSink, free_port
from tests.sessions.outbox_support import TOPIC, free_starts, give_addresses, open_hours
from tests.subprocesses import run

Kind = Notice.Kind
Status = Notice.EmailStatus


@pytest.fixture(autouse=True)
def _deliver_in_process(monkeypatch):
    monkeypatch.setitem(project_app.conf, "task_always_eager", True)


@pytest.fixture
def smtp_to(settings):
    """`smtp_to(port)`: from now on e-mail really goes by SMTP to 127.0.0.1:port."""

    def use(port, timeout=10):
        settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
        settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", port
        settings.EMAIL_USE_TLS = settings.EMAIL_USE_SSL = False
        settings.EMAIL_TIMEOUT = timeout

    return use


@pytest.fixture
def sink():
    server = SmtpSink()
    yield server
    server.stop()


def deliver_within(notice_id, seconds):
    """Run the delivery in a thread; None if it is still running after `seconds`."""
    result = []

    def deliver():
        try:
            result.append(deliver_notice(notice_id))
        finally:
            connections.close_all()

    worker = threading.Thread(target=deliver)
    worker.start()
    worker.join(timeout=seconds)
    return result[0] if result else None


def test_email_timeout_is_set_and_read_from_the_environment():
    code = "from django.conf import settings; print(settings.EMAIL_TIMEOUT)"
    args = ["-c", f"import django; django.setup(); {code}"]
    default = run(*args, DJANGO_SETTINGS_MODULE="counseling.settings")
    assert default.stdout.strip() == "10", default.stderr
    chosen = run(*args, DJANGO_SETTINGS_MODULE="counseling.settings", EMAIL_TIMEOUT="3")
    assert chosen.stdout.strip() == "3", chosen.stderr


def test_the_delivery_limits_follow_from_the_email_timeout(settings):
    assert delivery.SOFT_TIME_LIMIT >= 2 * settings.EMAIL_TIMEOUT
    assert delivery.TIME_LIMIT > delivery.SOFT_TIME_LIMIT
    # A claim outlives any send that may still be running under it.
    assert delivery.CLAIM_TIMEOUT.total_seconds() > delivery.TIME_LIMIT
    # ...and is short enough that a dead worker's e-mail goes out within a minute.
    assert delivery.CLAIM_TIMEOUT + datetime.timedelta(seconds=15) <= datetime.timedelta(minutes=1)
    assert deliver_notice.time_limit == delivery.TIME_LIMIT
    assert deliver_notice.acks_late and deliver_notice.reject_on_worker_lost


def test_email_has_a_queue_of_its_own_that_a_plain_worker_serves_too(settings):
    from counseling.celery import app

    assert app.amqp.router.route({}, deliver_notice.name)["queue"].name == "email"
    assert {queue.name for queue in settings.CELERY_TASK_QUEUES} == {"celery", "email"}


def test_a_notice_reaches_a_real_mail_server_once(bu_rina, sink, smtp_to):
    give_addresses(bu_rina)
    smtp_to(sink.port)
    notice = notices.notify(bu_rina, Kind.CASE_ENDED)

    assert deliver_notice(notice.pk) is True
    assert deliver_notice(notice.pk) is False

    [(to, message)] = sink.messages
    assert to == [bu_rina.email]
    assert message["Subject"] == "[Amanah] Seorang konseli mengakhiri konseling"
    notice.refresh_from_db()
    assert (notice.email_status, notice.last_error) == (Status.SENT, "")


# The delivery runs in a thread of its own, with its own database connection.
@pytest.mark.django_db(transaction=True)
def test_a_mail_server_that_never_answers_is_given_up_on_and_backed_off(bu_rina, smtp_to):
    give_addresses(bu_rina)
    hung = SilentServer()
    smtp_to(hung.port, timeout=1)
    notice = notices.notify(bu_rina, Kind.CASE_ENDED)
    try:
        result = deliver_within(notice.pk, seconds=30)
    finally:
        hung.close()

    assert hung.accepted, "the delivery never reached the hung server"
    assert result is False, "the send was still waiting on a server that never answers"
    notice.refresh_from_db()
    assert notice.email_status == Status.PENDING
    assert notice.last_error == "SMTPServerDisconnected"
    assert notice.claimed_at is None and notice.queued_at is None
    assert notice.next_attempt_at >= timezone.now() + delivery.FIRST_BACKOFF - datetime.timedelta(
        seconds=5
    )


def test_the_back_off_doubles_up_to_an_hour():
    waits = [delivery.backoff(n).total_seconds() for n in range(1, 10)]
    assert waits == [30, 60, 120, 240, 480, 960, 1920, 3600, 3600]


def test_after_the_last_attempt_the_email_is_given_up_and_the_inbox_keeps_it(
    bu_rina, smtp_to, monkeypatch
):
    give_addresses(bu_rina)
    smtp_to(free_port())  # nothing listens there
    notice = notices.notify(bu_rina, Kind.CASE_ENDED)
    now = timezone.now()
    for attempt in range(1, delivery.MAX_ATTEMPTS + 1):
        Notice.objects.filter(pk=notice.pk).update(next_attempt_at=now)
        assert deliver_notice(notice.pk) is False
        notice.refresh_from_db()
        assert notice.attempts == attempt

    assert notice.email_status == Status.FAILED
    assert notice.last_error == "ConnectionRefusedError"
    assert notices.unread_count(bu_rina) == 1
    Notice.objects.filter(pk=notice.pk).update(next_attempt_at=now)
    assert publishing.requeue() == 0


def test_a_refused_recipient_is_recorded_without_the_address():
    error = smtplib.SMTPRecipientsRefused(
        {"siti.nurhaliza@rumah.example": (550, b"5.1.1 <siti.nurhaliza@rumah.example> unknown")}
    )
    assert delivery.error_summary(error) == "SMTPRecipientsRefused 550"
    reply = smtplib.SMTPDataError(554, b"message about Siti rejected")
    assert delivery.error_summary(reply) == "SMTPDataError 554"


def test_a_student_without_an_address_gets_the_notice_in_her_inbox_never_marked_sent(
    siti, bu_rina, mailoutbox, django_capture_on_commit_callbacks
):
    give_addresses(bu_rina)
    assert siti.email == ""
    open_hours(bu_rina)
    with django_capture_on_commit_callbacks(execute=True):
        booking = bookings.book(siti.counselee, bu_rina, free_starts(bu_rina)[0], by=siti)

    made = Notice.objects.get(booking=booking, kind=Kind.BOOKING_MADE)
    assert (made.email_status, made.sent_at) == (Status.NO_ADDRESS, None)
    assert [m.to for m in mailoutbox] == [[bu_rina.email]]
    assert notices.unread_count(siti) == 1
    assert publishing.requeue() == 0


def test_each_email_is_in_its_recipients_language(
    siti, bu_rina, sink, smtp_to, django_capture_on_commit_callbacks
):
    give_addresses(siti, bu_rina)
    siti.language = "en"
    siti.save(update_fields=["language"])
    open_hours(bu_rina)
    smtp_to(sink.port)
    with django_capture_on_commit_callbacks(execute=True):
        bookings.book(siti.counselee, bu_rina, free_starts(bu_rina)[0], by=siti, topic=TOPIC)

    subjects = {to[0]: message["Subject"] for to, message in sink.messages}
    assert subjects == {
        siti.email: "[Amanah] Your counseling appointment request has been sent",
        bu_rina.email: "[Amanah] Ada permintaan jadwal konseling baru",
    }
    english = next(m for to, m in sink.messages if to == [siti.email])
    body = english.get_payload()[0].get_payload(decode=True).decode()
    assert "Time:" in body and TOPIC not in body

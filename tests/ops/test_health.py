"""The health report: each part, what makes it fail, and that it tells nobody's name."""

import datetime
import json
import time

import pytest
from django.core.management import call_command
from django.utils import timezone

from counseling.audit import chain
from counseling.notices.models import Notice
from counseling.ops import health, heartbeat
from counseling.ops.models import ChainVerification
from tests.ops.stack import Processes, RedisServer, free_port

pytestmark = pytest.mark.django_db


def verified(intact=True, hours_ago=1.0):
    entry = health.record_verification(
        chain.Head(3, 3, "a" * 64),
        None if intact else chain.Break(2, timezone.now(), "entry was altered"),
    )
    ChainVerification.objects.filter(pk=entry.pk).update(
        verified_at=timezone.now() - datetime.timedelta(hours=hours_ago)
    )


@pytest.fixture(scope="module")
def own_redis(tmp_path_factory):
    processes = Processes(tmp_path_factory.mktemp("redis"))
    yield RedisServer(processes)
    processes.stop_all()


@pytest.fixture
def with_broker(settings, own_redis):
    """Settings of a server with a worker and beat, on a Redis of this module's own."""
    settings.CELERY_TASK_ALWAYS_EAGER = False
    settings.CELERY_BROKER_URL = own_redis.url
    heartbeat.client().flushdb()
    return settings


def test_healthz_answers_without_sign_in_and_names_nobody(client, siti, siti_booking):
    verified()
    response = client.get("/healthz")

    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    report = response.json()
    assert report["ok"] is True
    assert set(report["checks"]) == {
        "database",
        "redis",
        "worker",
        "beat",
        "outbox",
        "audit_chain",
    }
    text = response.content.decode()
    for revealing in ("Siti", "siti", "1001", siti.counselee.class_name, "student", "counselee"):
        assert revealing not in text


def test_healthz_refuses_other_methods(client):
    assert client.post("/healthz").status_code == 405


def test_in_the_embedded_default_there_is_no_worker_to_miss():
    verified()
    checks = health.report()["checks"]
    assert checks["worker"] == {"ok": True, "in_use": False}
    assert checks["beat"] == {"ok": True, "in_use": False}
    assert checks["redis"] == {"ok": True, "in_use": False}


def test_a_chain_never_verified_broken_or_not_verified_lately_fails(client):
    assert client.get("/healthz").status_code == 503
    assert health.report()["checks"]["audit_chain"]["error"] == "never verified"

    verified(intact=False)
    checks = health.report()["checks"]["audit_chain"]
    assert (checks["ok"], checks["intact"]) == (False, False)

    verified(intact=True, hours_ago=30)
    assert health.report()["checks"]["audit_chain"]["ok"] is False

    verified(intact=True, hours_ago=1)
    assert health.report()["checks"]["audit_chain"]["ok"] is True
    assert client.get("/healthz").status_code == 200


def test_the_outbox_backlog_counts_messages_due_and_unsent(siti_booking, siti):
    Notice.objects.all().delete()
    now = timezone.now()
    Status = Notice.EmailStatus

    def message(**fields):
        return Notice.objects.create(
            booking=siti_booking, kind=Notice.Kind.BOOKING_MADE, recipient=siti, **fields
        )

    message(send_after=now - datetime.timedelta(minutes=3))
    message(send_after=now - datetime.timedelta(minutes=50), email_status=Status.SENT)
    message(send_after=now - datetime.timedelta(minutes=50), email_status=Status.CANCELLED)
    message(send_after=now + datetime.timedelta(hours=20))  # a reminder not yet due

    count, oldest = health.outbox_backlog(now)
    assert count == 1
    assert now - oldest == datetime.timedelta(minutes=3)
    verified()
    assert health.report()["checks"]["outbox"]["ok"] is True

    message(send_after=now - datetime.timedelta(minutes=11))
    outbox = health.report()["checks"]["outbox"]
    assert (outbox["ok"], outbox["pending"]) == (False, 2)
    assert outbox["oldest_seconds"] >= 11 * 60


def test_heartbeats_make_the_worker_and_beat_well(with_broker):
    verified()
    assert health.report()["checks"]["worker"] == {
        "ok": False,
        "last_seen_seconds": None,
        "running": 0,
    }

    heartbeat.beat("worker", "worker@a")
    heartbeat.beat("worker", "worker@b")
    heartbeat.beat("beat")
    report = health.report()
    assert report["ok"] is True
    assert report["checks"]["worker"]["running"] == 2
    assert report["checks"]["beat"]["last_seen_seconds"] < 5


def test_a_stale_heartbeat_fails(with_broker):
    verified()
    heartbeat.beat("worker", "worker@a")
    old = time.time() - heartbeat.max_age() - 1
    heartbeat.client().set(heartbeat.PREFIX + "beat", repr(old))

    checks = health.report()["checks"]
    assert checks["worker"]["ok"] is True
    assert checks["beat"]["ok"] is False
    assert checks["beat"]["last_seen_seconds"] > heartbeat.max_age()


def test_redis_unreachable_fails_redis_and_the_heartbeats(settings):
    settings.CELERY_TASK_ALWAYS_EAGER = False
    settings.CELERY_BROKER_URL = f"redis://127.0.0.1:{free_port()}/0"
    verified()
    checks = health.report()["checks"]
    assert checks["redis"] == {"ok": False, "error": "ConnectionError"}
    assert checks["worker"]["ok"] is False
    assert checks["beat"]["ok"] is False
    assert checks["database"] == {"ok": True}


def test_check_health_prints_the_report_and_exits_1_on_a_problem(capsys):
    with pytest.raises(SystemExit) as exit:
        call_command("check_health")
    assert exit.value.code == 1
    assert json.loads(capsys.readouterr().out)["checks"]["audit_chain"]["ok"] is False

    verified()
    call_command("check_health", "--quiet")
    assert capsys.readouterr().out == ""
    call_command("check_health")
    assert json.loads(capsys.readouterr().out)["ok"] is True

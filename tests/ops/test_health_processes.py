"""/healthz with Amanah really running: gunicorn, a Celery worker and beat, each a process
of its own on a database and a Redis of the test's own, with production settings.

Heartbeats come every second here (HEARTBEAT_SECONDS=1), so a stopped process is stale
after four seconds.
"""

import http.client
import json

import pytest

from tests.ops.stack import (
    RedisServer,
    beat_args,
    create_database,
    drop_database,
    free_port,
    gunicorn_args,
    manage,
    needs_postgresql,
    own_database_name,
    production_env,
    wait_for,
    worker_args,
)

pytestmark = needs_postgresql


@pytest.fixture
def stack(processes, tmp_path):
    redis = RedisServer(processes)
    name = own_database_name("health")
    env = production_env(create_database(name), redis.url)
    manage(env, "migrate", "--no-input", "-v0")
    manage(env, "verify_audit", "-v0")
    yield env
    processes.stop_all()
    drop_database(name)


def healthz(port):
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    try:
        connection.request("GET", "/healthz?probe=query-kept-out-of-logs")
        response = connection.getresponse()
        return response.status, json.loads(response.read()), response.getheader("X-Request-ID")
    except OSError:
        return None, None, None
    finally:
        connection.close()


def failing_parts(port):
    status, report, _ = healthz(port)
    if status is None:
        return None
    return status, sorted(name for name, check in report["checks"].items() if not check["ok"])


def test_healthz_goes_503_when_the_worker_or_beat_stops(processes, stack, tmp_path):
    port = free_port()
    processes.start("web", gunicorn_args(port), stack)
    processes.start("worker", worker_args(), stack)
    processes.start("beat", beat_args(tmp_path / "celerybeat-schedule"), stack)

    all_well = wait_for(lambda: failing_parts(port) == (200, []), timeout=60)
    assert all_well, (failing_parts(port), processes.output("web"), processes.output("worker"))
    _, report, request_id = healthz(port)
    assert set(report["checks"]) == {
        "database",
        "redis",
        "worker",
        "beat",
        "outbox",
        "audit_chain",
    }
    assert report["checks"]["worker"]["running"] == 1
    assert report["checks"]["audit_chain"]["intact"] is True

    processes.stop("worker")
    assert wait_for(lambda: failing_parts(port) == (503, ["worker"]), timeout=30)
    cron = manage(stack, "check_health", check=False)
    assert cron.returncode == 1
    assert json.loads(cron.stdout)["checks"]["worker"]["ok"] is False

    processes.start("worker-again", worker_args(), stack)
    assert wait_for(lambda: failing_parts(port) == (200, []), timeout=60)
    assert manage(stack, "check_health", "--quiet", check=False).stdout == ""

    processes.stop("beat")
    assert wait_for(lambda: failing_parts(port) == (503, ["beat"]), timeout=30)

    # gunicorn's access log: JSON, the request id Amanah answered with, no query string.
    web_log = processes.output("web")
    access = [
        json.loads(line)
        for line in web_log.splitlines()
        if line.startswith("{") and '"gunicorn.access"' in line
    ]
    line = next(entry for entry in access if entry["request_id"] == request_id)
    assert (line["method"], line["path"], line["status"]) == ("GET", "/healthz", 200)
    assert line["time"].endswith("Z")
    assert "query-kept-out-of-logs" not in web_log

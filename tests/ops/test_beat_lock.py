"""Exactly one beat: two real `celery beat` processes started at once send each nightly job
once, and when the one sending dies the other takes over without sending it again."""

import json
import os
import signal
import time

import redis

from counseling.ops.beat import LOCK_KEY
from tests.ops.stack import (
    RedisServer,
    beat_args,
    database_url,
    needs_postgresql,
    production_env,
    wait_for,
)

pytestmark = needs_postgresql

# As in tests/ops/beat_app.py, which is not imported here: it rewrites the app's schedule.
PROBE_TASK = "tests.ops.nightly_probe"


def sent(client) -> list[tuple[str, int]]:
    """(number of the entry, sending pid) of each probe message beat put in the default queue."""
    found = []
    for raw in client.lrange("celery", 0, -1):
        headers = json.loads(raw)["headers"]
        if headers["task"].startswith(PROBE_TASK):
            origin_pid = int(headers["origin"].split("@")[0].removeprefix("gen"))
            found.append((headers["task"].removeprefix(PROBE_TASK + "-"), origin_pid))
    return sorted(found)


def holder_pid(client) -> int | None:
    token = client.get(LOCK_KEY)
    return int(token.decode().split(":")[1]) if token else None


def started(processes, name):
    return "beat: Starting..." in processes.output(name)


def test_two_beats_send_each_nightly_job_once(processes, tmp_path, django_db_setup):
    from django.db import connection

    server = RedisServer(processes)
    client = redis.Redis.from_url(server.url)
    now = time.time()
    first, second = now + 8, now + 16
    env = production_env(
        database_url(connection.settings_dict["NAME"]),
        server.url,
        # Production checks are not the point here, and the test database was written
        # with the checkout's development keys.
        DEBUG="on",
        HEARTBEAT_SECONDS="0.5",
        NIGHTLY_AT=f"{first},{second}",
    )
    for key in ("FIELD_ENCRYPTION_KEY", "AUDIT_HMAC_KEY", "SECRET_KEY"):
        env.pop(key)
    beats = {
        name: processes.start(
            name, beat_args(tmp_path / f"{name}.schedule", app="tests.ops.beat_app"), env
        )
        for name in ("beat-a", "beat-b")
    }
    assert wait_for(lambda: all(started(processes, name) for name in beats), timeout=first - now)
    assert time.time() < first, "the beats took too long to start for this test's timing"

    assert wait_for(lambda: sent(client), timeout=first - time.time() + 5)
    time.sleep(1.5)  # ample time for a second copy, if a second beat were sending
    [(entry, sender)] = sent(client)
    assert entry == "0"
    assert sender == holder_pid(client)
    standby = next(name for name, p in beats.items() if p.pid != sender)
    assert "standing by: nightly-0" in processes.output(standby)

    # The sending beat dies without a word (no clean release of the lock).
    holder = next(name for name, p in beats.items() if p.pid == sender)
    os.killpg(beats[holder].pid, signal.SIGKILL)
    processes.stop(holder)
    assert wait_for(lambda: holder_pid(client) == beats[standby].pid, timeout=10)

    assert wait_for(lambda: len(sent(client)) == 2, timeout=second - time.time() + 5)
    time.sleep(1.5)
    assert sent(client) == [("0", sender), ("1", beats[standby].pid)]

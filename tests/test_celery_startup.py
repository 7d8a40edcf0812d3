"""The Celery worker and beat refuse to start when a start-up check fails.

Celery logs an exception raised in `worker_init` and then says "ready": only a real
worker, started as an operator starts it, shows whether the process really stops. Each
test starts `celery worker` or `celery beat` in a subprocess against a migrated database
of its own, with a Redis server of its own as the broker.
"""

import os
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest
from cryptography.fernet import Fernet

from tests.subprocesses import ROOT, manage

CELERY = str(Path(sys.executable).parent / "celery")
# How long a process may take to stop by itself, or to say it is running.
DEADLINE = 60


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture(scope="module")
def broker():
    port = free_port()
    server = subprocess.Popen(
        [
            *("redis-server", "--bind", "127.0.0.1", "--port", str(port)),
            *("--save", "", "--appendonly", "no"),
        ],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    yield f"redis://127.0.0.1:{port}/0"
    server.terminate()
    server.wait(timeout=10)


@pytest.fixture(scope="module")
def database(tmp_path_factory):
    """A database migrated (so holding the encryption canary) under `right`."""
    path = tmp_path_factory.mktemp("celery") / "amanah.sqlite3"
    url = f"sqlite:///{path}"
    right = Fernet.generate_key().decode()
    migrated = manage(
        "migrate", "--no-input", DATABASE_URL=url, FIELD_ENCRYPTION_KEY=right, DEBUG="on"
    )
    assert migrated.returncode == 0, migrated.stderr
    return {"url": url, "right": right}


def start(kind, database, broker, tmp_path, key, **env):
    environment = {
        k: v for k, v in os.environ.items() if k not in ("DEBUG", "DJANGO_SETTINGS_MODULE")
    }
    environment.update(
        DATABASE_URL=database["url"],
        FIELD_ENCRYPTION_KEY=key,
        CELERY_BROKER_URL=broker,
        DEBUG="on",
    )
    environment.update(env)
    if kind == "worker":
        args = [
            "worker",
            "--pool",
            "solo",
            "--loglevel",
            "info",
            "--without-heartbeat",
            "--without-gossip",
            "--without-mingle",
        ]
    else:  # beat logs each pass of its scheduler at debug level: proof that it runs
        args = ["beat", "--loglevel", "debug", "--schedule", str(tmp_path / "schedule")]
    return subprocess.Popen(
        [CELERY, "-A", "counseling", *args],
        cwd=ROOT,
        env=environment,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )


def wait_for_line(process, text) -> str:
    """Read the process's output until `text` appears or the process ends; return it all."""
    seen = []
    deadline = time.monotonic() + DEADLINE
    for line in process.stdout:
        seen.append(line)
        if text in line or time.monotonic() > deadline:
            break
    return "".join(seen)


def stop(process):
    process.terminate()
    try:
        process.wait(timeout=DEADLINE)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()


# What each process prints once it runs: the worker's banner line; beat, once it has its
# schedule and the lock that lets it send it (counseling.ops.beat).
RUNNING = {"worker": "ready.", "beat": "beat holds the scheduler lock"}


@pytest.mark.parametrize("kind", ["worker", "beat"])
def test_it_refuses_to_start_with_a_wrong_encryption_key(kind, database, broker, tmp_path):
    process = start(kind, database, broker, tmp_path, key=Fernet.generate_key().decode())
    try:
        output, _ = process.communicate(timeout=DEADLINE)
    finally:
        if process.poll() is None:
            stop(process)
    assert process.returncode != 0, output
    assert "refuses to start" in output
    assert "amanah.E020" in output
    assert RUNNING[kind] not in output


@pytest.mark.parametrize("kind", ["worker", "beat"])
def test_it_refuses_to_start_when_a_production_check_fails(kind, database, broker, tmp_path):
    # DEBUG off with the development .env secrets and no ALLOWED_HOSTS: what
    # `manage.py check` refuses, the worker and beat refuse too.
    process = start(kind, database, broker, tmp_path, key=database["right"], DEBUG="off")
    try:
        output, _ = process.communicate(timeout=DEADLINE)
    finally:
        if process.poll() is None:
            stop(process)
    assert process.returncode != 0, output
    assert "amanah.E004" in output
    assert RUNNING[kind] not in output


@pytest.mark.parametrize("kind", ["worker", "beat"])
def test_it_starts_with_the_right_key(kind, database, broker, tmp_path):
    process = start(kind, database, broker, tmp_path, key=database["right"])
    try:
        output = wait_for_line(process, RUNNING[kind])
        assert RUNNING[kind] in output, output
        assert process.poll() is None, output
    finally:
        stop(process)
    assert "refuses to start" not in output

"""Real processes and servers for the delivery stories, all on 127.0.0.1.

A redis-server of the test's own, a server that accepts connections and never answers
(a hung Redis or a hung mail server: to a client they look the same), a real SMTP sink
(aiosmtpd), and Celery workers in subprocesses that use the test database.
"""

import email
import os
import signal
import socket
import subprocess
import sys
import threading
import time
import uuid
from contextlib import contextmanager, suppress
from pathlib import Path

from celery.contrib.testing.app import TestApp, setup_default_app
from django.conf import settings
from django.db import connection

ROOT = Path(__file__).resolve().parent.parent


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def wait_for(condition, timeout=15.0, interval=0.05):
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            return False
        time.sleep(interval)
    return True


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

    def flush(self):
        with socket.create_connection(("127.0.0.1", self.port), timeout=2) as conn:
            conn.sendall(b"FLUSHALL\r\n")
            conn.recv(16)

    def _answers(self) -> bool:
        try:
            with socket.create_connection(("127.0.0.1", self.port), timeout=0.5) as conn:
                conn.sendall(b"PING\r\n")
                return conn.recv(7).startswith(b"+PONG")
        except OSError:
            return False


class SilentServer:
    """Accepts connections and never says a word: a hung Redis, or a hung mail server."""

    def __init__(self, port=0):
        self.listener = socket.create_server(("127.0.0.1", port))
        self.port = self.listener.getsockname()[1]
        self.url = f"redis://127.0.0.1:{self.port}/0"
        self.accepted = []
        threading.Thread(target=self._accept, daemon=True).start()

    def _accept(self):
        while True:
            try:
                self.accepted.append(self.listener.accept()[0])
            except OSError:  # closed
                return

    def close(self):
        # A thread blocked in accept() keeps a closed socket listening; shutdown wakes it.
        with suppress(OSError):
            self.listener.shutdown(socket.SHUT_RDWR)
        self.listener.close()
        for conn in self.accepted:
            conn.close()


class SmtpSink:
    """A real SMTP server (aiosmtpd) that keeps every message it is given."""

    def __init__(self, port=None):
        from aiosmtpd.controller import Controller

        self.messages = []
        self.port = port or free_port()
        self.controller = Controller(self, hostname="127.0.0.1", port=self.port)
        self.controller.start()

    async def handle_DATA(self, server, session, envelope):
        self.messages.append((list(envelope.rcpt_tos), email.message_from_bytes(envelope.content)))
        return "250 OK"

    def recipients(self) -> list[str]:
        return sorted(address for to, _message in self.messages for address in to)

    def stop(self):
        self.controller.stop()


def database_url() -> str:
    """The URL of the database this test runs on, for a process started by the test."""
    settings = connection.settings_dict
    user, host, port = settings["USER"], settings["HOST"], settings["PORT"]
    return f"postgres://{user}@{host}:{port}/{settings['NAME']}"


class CeleryWorker:
    """`celery -A counseling worker` in a process group of its own, as an operator runs it.

    It reads its settings from the environment like every Amanah process: the test's
    database, the test's Redis, the given mail server. DEBUG is on so that the
    development secrets of the test run pass the start-up checks.
    """

    def __init__(self, tmp_path, *, queues, broker_url, email_port, email_timeout, **env):
        self.name = f"{queues.replace(',', '-')}-{uuid.uuid4().hex[:8]}"
        self.log = Path(tmp_path) / f"worker-{self.name}.log"
        environment = {
            **{k: v for k, v in os.environ.items() if not k.startswith("PYTEST")},
            "DEBUG": "on",
            "DJANGO_SETTINGS_MODULE": "counseling.settings",
            "DATABASE_URL": database_url(),
            "CELERY_BROKER_URL": broker_url,
            "EMAIL_URL": f"smtp://127.0.0.1:{email_port}",
            "EMAIL_TIMEOUT": str(email_timeout),
            **env,
        }
        self.process = subprocess.Popen(
            [
                *(sys.executable, "-m", "celery", "-A", "counseling", "worker"),
                *("-Q", queues, "-c", "1", "-P", "prefork", "-n", f"{self.name}@%h"),
                *("--without-gossip", "--without-mingle", "--without-heartbeat"),
                *("-l", "info"),
            ],
            cwd=ROOT,
            env=environment,
            # Amanah's processes log JSON lines to the console (LOGGING), not to -f.
            stdout=self.log.open("w"),
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        ready = wait_for(lambda: self.log.exists() and "ready." in self.log.read_text(), 60)
        if not ready:
            self.kill()
            raise RuntimeError(f"worker {self.name} did not start:\n{self.output()}")

    def output(self) -> str:
        return self.log.read_text() if self.log.exists() else ""

    def kill(self):
        """SIGKILL to the whole group: the main process and its pool, mid-task or not."""
        if self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGKILL)
        self.process.wait(timeout=10)


def project_celery_config(broker_url) -> dict:
    """The project's CELERY_* settings as Celery reads them, on another broker."""
    config = {
        name.removeprefix("CELERY_").lower(): getattr(settings, name)
        for name in dir(settings)
        if name.startswith("CELERY_")
    }
    return {**config, "broker_url": broker_url, "task_always_eager": False}


@contextmanager
def broker_at(url):
    """Make a Celery app on `url` the current one, as the web process would have it."""
    app = TestApp(config=project_celery_config(url))
    with setup_default_app(app):
        app.set_current()
        app.set_default()
        yield app

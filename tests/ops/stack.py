"""Amanah's processes for real, for the tests that need them: a redis-server of the test's
own, a PostgreSQL database of its own, gunicorn, a Celery worker and beat, started as an
operator starts them and stopped by their process id.

These tests run on PostgreSQL only (the production database); on SQLite they skip.
"""

import contextlib
import os
import secrets
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import psycopg
import pytest
from cryptography.fernet import Fernet
from django.db import connection
from psycopg import sql

ROOT = Path(__file__).resolve().parents[2]
BIN = Path(sys.executable).parent

needs_postgresql = pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="starts Amanah's processes against PostgreSQL, the production database",
)


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def wait_for(condition, timeout=30.0, every=0.1):
    """Poll `condition` until it returns something true; that value, or None on timeout."""
    deadline = time.monotonic() + timeout
    while True:
        value = condition()
        if value or time.monotonic() > deadline:
            return value
        time.sleep(every)


class Processes:
    """Child processes with their output in files; stopped by pid at the end."""

    def __init__(self, log_dir: Path):
        self.log_dir = log_dir
        self.started: dict[str, subprocess.Popen] = {}

    def start(self, name, args, env, cwd=ROOT):
        log = (self.log_dir / f"{name}.log").open("ab")
        process = subprocess.Popen(
            args, cwd=cwd, env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True
        )
        self.started[name] = process
        return process

    def output(self, name) -> str:
        path = self.log_dir / f"{name}.log"
        return path.read_text(errors="replace") if path.exists() else ""

    def _signal(self, process, sig):
        if process.poll() is None:
            # The whole group: honcho and make start children of their own.
            with contextlib.suppress(ProcessLookupError):
                os.killpg(process.pid, sig)

    def _wait(self, process, timeout):
        try:
            process.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            self._signal(process, signal.SIGKILL)
            process.wait(timeout=10)
        return process.returncode

    def stop(self, name, sig=signal.SIGTERM, timeout=30):
        process = self.started.pop(name)
        self._signal(process, sig)
        return self._wait(process, timeout)

    def stop_all(self, timeout=30):
        """Stop everything at once (each in its own way), then wait for each."""
        stopping = [self.started.pop(name) for name in list(self.started)]
        for process in stopping:
            self._signal(process, signal.SIGTERM)
        for process in stopping:
            self._wait(process, timeout)


class RedisServer:
    def __init__(self, processes: Processes):
        self.port = free_port()
        self.url = f"redis://127.0.0.1:{self.port}/0"
        processes.start(
            f"redis-{self.port}",
            [
                *("redis-server", "--bind", "127.0.0.1", "--port", str(self.port)),
                *("--save", "", "--appendonly", "no"),
            ],
            os.environ.copy(),
        )
        if not wait_for(self._answers, timeout=10):
            raise RuntimeError(f"redis-server did not start on port {self.port}")

    def _answers(self) -> bool:
        try:
            with socket.create_connection(("127.0.0.1", self.port), timeout=0.5) as conn:
                conn.sendall(b"PING\r\n")
                return conn.recv(7).startswith(b"+PONG")
        except OSError:
            return False


def _server() -> dict:
    settings = connection.settings_dict
    return {
        "host": settings["HOST"] or "127.0.0.1",
        "port": int(settings["PORT"] or 5432),
        "user": settings["USER"] or "postgres",
        "password": settings["PASSWORD"] or None,
    }


def database_url(name: str, port: int | None = None) -> str:
    """The URL of database `name` on the test server, or on `port` of the same host."""
    server = _server()
    password = f":{server['password']}" if server["password"] else ""
    port = port or server["port"]
    return f"postgres://{server['user']}{password}@{server['host']}:{port}/{name}"


def _admin_connection():
    return psycopg.connect(**_server(), dbname="postgres", autocommit=True)


def create_database(name: str) -> str:
    drop_database(name)
    with _admin_connection() as admin:
        admin.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
    return database_url(name)


def drop_database(name: str) -> None:
    with _admin_connection() as admin:
        drop = sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)")
        admin.execute(drop.format(sql.Identifier(name)))


def own_database_name(purpose: str) -> str:
    """A database name of this test run's own (the test database's name, xdist worker
    included, and the purpose)."""
    return f"{connection.settings_dict['NAME']}_{purpose}"[:63]


def production_env(database: str, broker: str, **extra) -> dict:
    """What /etc/amanah/amanah.env holds on a server, with fresh keys, as a process
    environment. The development `.env` of the checkout stays out of it."""
    env = {k: v for k, v in os.environ.items() if k not in ("DEBUG", "DJANGO_SETTINGS_MODULE")}
    env.update(
        DEBUG="off",
        SECRET_KEY=secrets.token_urlsafe(50),
        FIELD_ENCRYPTION_KEY=Fernet.generate_key().decode(),
        AUDIT_HMAC_KEY=secrets.token_urlsafe(50),
        ALLOWED_HOSTS="127.0.0.1,localhost",
        DATABASE_URL=database,
        CELERY_BROKER_URL=broker,
        # Nothing listens there unless a test starts a sink; no test here needs the mail.
        EMAIL_URL=f"smtp://127.0.0.1:{free_port()}",
        DEFAULT_FROM_EMAIL="Amanah <bk@amanah.test>",
        ADMINS="it@amanah.test",
        SITE_URL="https://bk.amanah.test",
        SECURE_SSL_REDIRECT="off",
        HEARTBEAT_SECONDS="1",
        PATH=f"{BIN}{os.pathsep}{os.environ.get('PATH', '')}",
    )
    env.update(extra)
    return env


def manage(env, *args, check=True, timeout=120):
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=timeout,
        check=check,
    )


def gunicorn_args(port, workers=1):
    return [
        *(str(BIN / "gunicorn"), "--config", "deploy/gunicorn.conf.py", "counseling.wsgi"),
        *("--bind", f"127.0.0.1:{port}", "--workers", str(workers)),
    ]


def worker_args():
    return [
        *(str(BIN / "celery"), "--quiet", "--app", "counseling", "worker"),
        *("--queues", "celery,email", "--concurrency", "1", "--loglevel", "INFO"),
    ]


def beat_args(schedule_file, app="counseling"):
    return [
        *(str(BIN / "celery"), "--quiet", "--app", app, "beat"),
        *("--schedule", str(schedule_file), "--loglevel", "INFO"),
    ]


class Browser:
    """A user's browser in a few lines of http.client: it keeps cookies (the session and
    CSRF cookies are Secure, which Python's cookie jar would not send over plain HTTP)
    and sends the CSRF secret with every form."""

    CSRF = "opsopsopsopsopsopsopsopsopsops12"  # an unmasked 32-character CSRF secret

    def __init__(self, port, host="127.0.0.1", https=False, headers=None):
        self.port, self.host, self.https = port, host, https
        self.headers = headers or {}
        self.cookies = {"csrftoken": self.CSRF}

    def request(self, method, path, body=None, headers=None):
        import http.client
        import ssl

        if self.https:
            context = ssl._create_unverified_context()  # noqa: S323 (a throw-away certificate)
            connection = http.client.HTTPSConnection(
                "127.0.0.1", self.port, timeout=30, context=context
            )
        else:
            connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=30)
        cookie = "; ".join(f"{name}={value}" for name, value in self.cookies.items())
        secure = self.https or self.headers.get("X-Forwarded-Proto") == "https"
        scheme = "https" if secure else "http"
        all_headers = {
            "Host": self.host,
            "Cookie": cookie,
            "Referer": f"{scheme}://{self.host}/",
            **self.headers,
            **(headers or {}),
        }
        try:
            connection.request(method, path, body=body, headers=all_headers)
            response = connection.getresponse()
            content = response.read().decode(errors="replace")
            for name, value in response.getheaders():
                if name.lower() == "set-cookie":
                    pair = value.split(";", 1)[0]
                    key, _, cookie_value = pair.partition("=")
                    self.cookies[key.strip()] = cookie_value.strip()
            return response.status, dict(response.getheaders()), content
        finally:
            connection.close()

    def get(self, path):
        return self.request("GET", path)

    def post(self, path, fields):
        from urllib.parse import urlencode

        # Signing in rotates the CSRF cookie; the form sends whatever the cookie holds now.
        body = urlencode({"csrfmiddlewaretoken": self.cookies["csrftoken"], **fields})
        return self.request(
            "POST", path, body, {"Content-Type": "application/x-www-form-urlencoded"}
        )

    def sign_in(self, username, password):
        self.get("/accounts/login/")
        status, headers, _ = self.post(
            "/accounts/login/", {"username": username, "password": password}
        )
        assert status == 302, f"{username} could not sign in"
        return headers

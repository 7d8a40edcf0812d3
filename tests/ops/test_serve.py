"""`make serve` for real: production settings on this machine, gunicorn, worker, beat and
the mail sink under honcho. A student signs in, books a session, and its e-mail arrives in
the sink; the topic she typed is in none of the e-mails."""

import email
import email.policy
import http.client
import re
import sys
from pathlib import Path

import pytest

from tests.ops.stack import (
    Browser,
    RedisServer,
    database_url,
    drop_database,
    free_port,
    needs_postgresql,
    own_database_name,
    wait_for,
)

pytestmark = needs_postgresql

TOPIC = "RAHASIA-SERVE-3306: aku dirundung di grup kelas"
BOOKED = "Permintaan jadwal konselingmu sudah terkirim"


@pytest.fixture
def serve_dir(processes, tmp_path):
    redis = RedisServer(processes)
    name = own_database_name("serve")
    drop_database(name)
    web, mail = free_port(), free_port()
    directory = tmp_path / "serve"
    directory.mkdir()
    # What an operator might change in .serve/env; `make serve` adds the rest and the keys.
    (directory / "env").write_text(
        f"DATABASE_URL={database_url(name)}\n"
        f"CELERY_BROKER_URL={redis.url}\n"
        f"GUNICORN_BIND=127.0.0.1:{web}\n"
        f"SITE_URL=http://127.0.0.1:{web}\n"
        f"MAIL_SINK=127.0.0.1:{mail}\n"
        f"EMAIL_URL=smtp://127.0.0.1:{mail}\n"
        "HEARTBEAT_SECONDS=1\n"
        f"STATIC_ROOT={tmp_path / 'static'}\n"
    )
    yield directory, web
    processes.stop_all()
    drop_database(name)


def mails(directory: Path) -> dict[str, email.message.EmailMessage]:
    new = directory / "mail" / "new"
    if not new.exists():
        return {}
    return {
        path.name: email.message_from_bytes(path.read_bytes(), policy=email.policy.default)
        for path in new.iterdir()
    }


def healthy(port):
    try:
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
        connection.request("GET", "/healthz")
        return connection.getresponse().status == 200
    except OSError:
        return False


def test_make_serve_books_a_session_and_delivers_its_email(processes, serve_dir):
    directory, port = serve_dir
    environment = {
        k: v
        for k, v in __import__("os").environ.items()
        if k not in ("DEBUG", "DATABASE_URL", "DJANGO_SETTINGS_MODULE", "CELERY_BROKER_URL")
    }
    environment["PATH"] = f"{Path(sys.executable).parent}:{environment.get('PATH', '')}"
    processes.start("make-serve", ["make", "serve", f"SERVE_DIR={directory}"], environment)

    assert wait_for(lambda: healthy(port), timeout=120), processes.output("make-serve")[-3000:]
    settings = (directory / "env").read_text()
    assert "DEBUG=off" in settings and "FIELD_ENCRYPTION_KEY=" in settings
    before = set(mails(directory))

    browser = Browser(port)
    browser.sign_in("siswa1", "amanah-demo")
    status, headers, _ = browser.get("/book/")
    assert status == 302
    status, _, page = browser.get(headers["Location"])
    assert status == 200
    first_slot = re.search(r'href="(/book/konselor1/[^"/]+/)"', page).group(1)
    status, headers, _ = browser.post(first_slot, {"topic": TOPIC})
    assert status == 302 and "/bookings/" in headers["Location"]

    def booked_mail():
        return [
            message
            for name, message in mails(directory).items()
            if name not in before
            and message["To"] == "siswa1@demo.amanah.test"
            and BOOKED in message["Subject"]
        ]

    assert wait_for(booked_mail, timeout=60), processes.output("make-serve")[-3000:]
    everything = "\n".join(message.as_string() for message in mails(directory).values())
    assert TOPIC not in everything
    assert "bk@amanah.test" in booked_mail()[0]["From"]

    assert processes.stop("make-serve") is not None

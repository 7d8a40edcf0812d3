"""Scaling out, where it can run on one machine: two app servers behind the nginx sample
(deploy/nginx/amanah.conf) sharing sessions through the database, and Amanah through a
real PgBouncer in transaction mode.

nginx and pgbouncer come from Debian (.ci/run installs them); without them these skip.
"""

import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

import pytest

from tests.ops.stack import (
    ROOT,
    Browser,
    Processes,
    RedisServer,
    create_database,
    database_url,
    drop_database,
    free_port,
    gunicorn_args,
    manage,
    needs_postgresql,
    own_database_name,
    production_env,
    wait_for,
)

# One xdist worker for both tests, so that they share the seeded database.
pytestmark = [needs_postgresql, pytest.mark.xdist_group("ops-scaling")]
HOST = "bk.sekolah.sch.id"


def answers(port, https=False):
    try:
        return Browser(port, host=HOST, https=https).get("/healthz")[0]
    except OSError:
        return None


@pytest.fixture(scope="module")
def seeded(django_db_setup, tmp_path_factory):
    """A fresh database with the demo school, and production settings for it."""
    name = own_database_name("scaling")
    processes = Processes(tmp_path_factory.mktemp("scaling-redis"))
    redis = RedisServer(processes)
    env = production_env(
        create_database(name),
        redis.url,
        ALLOWED_HOSTS=HOST,
        SECURE_SSL_REDIRECT="on",
        TRUST_X_FORWARDED_FOR="on",
        CONN_MAX_AGE="60",
        STATIC_ROOT=str(tmp_path_factory.mktemp("static")),
    )
    manage(env, "migrate", "--no-input", "-v0")
    manage({**env, "DEBUG": "on"}, "seed_demo")
    manage(env, "collectstatic", "--no-input", "-v0")
    yield name, env
    processes.stop_all()
    drop_database(name)


def nginx_site(work: Path, https_port, http_port, app_ports) -> Path:
    """deploy/nginx/amanah.conf as shipped, but on free ports, in front of `app_ports`,
    with a throw-away certificate."""
    subprocess.run(
        [
            *("openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1"),
            *("-subj", f"/CN={HOST}", "-keyout", str(work / "key.pem")),
            *("-out", str(work / "cert.pem")),
        ],
        check=True,
        capture_output=True,
    )
    site = (ROOT / "deploy/nginx/amanah.conf").read_text()
    replacements = {
        "    server 127.0.0.1:8000;\n": "".join(f"    server 127.0.0.1:{p};\n" for p in app_ports),
        "    listen 80;\n": f"    listen 127.0.0.1:{http_port};\n",
        "    listen [::]:80;\n": "",
        "    listen 443 ssl http2;\n": f"    listen 127.0.0.1:{https_port} ssl http2;\n",
        "    listen [::]:443 ssl http2;\n": "",
        f"/etc/letsencrypt/live/{HOST}/fullchain.pem": str(work / "cert.pem"),
        f"/etc/letsencrypt/live/{HOST}/privkey.pem": str(work / "key.pem"),
    }
    for old, new in replacements.items():
        assert old in site, f"deploy/nginx/amanah.conf no longer has {old!r}"
        site = site.replace(old, new)
    (work / "amanah.conf").write_text(site)
    main = work / "nginx.conf"
    temp = "".join(
        f"    {kind}_temp_path {work / kind};\n"
        for kind in ("client_body", "proxy", "fastcgi", "uwsgi", "scgi")
    )
    main.write_text(
        f"pid {work / 'nginx.pid'};\nerror_log stderr;\ndaemon off;\nevents {{}}\n"
        f"http {{\n{temp}    include {work / 'amanah.conf'};\n}}\n"
    )
    return main


@pytest.mark.skipif(not shutil.which("nginx"), reason="nginx is not installed")
def test_two_app_servers_behind_the_proxy_share_the_session(processes, seeded, tmp_path):
    _name, env = seeded
    app_ports = [free_port(), free_port()]
    for number, port in enumerate(app_ports):
        processes.start(f"app-{number}", gunicorn_args(port), env)
    https_port, http_port = free_port(), free_port()
    main = nginx_site(tmp_path, https_port, http_port, app_ports)
    processes.start("nginx", ["nginx", "-p", str(tmp_path), "-c", str(main)], dict(os.environ))
    assert wait_for(lambda: all(answers(p) for p in app_ports), timeout=60)
    assert wait_for(lambda: answers(https_port, https=True), timeout=20), processes.output("nginx")

    # Plain HTTP is sent to HTTPS by the proxy.
    status, headers, _ = Browser(http_port, host=HOST).get("/bookings/")
    assert (status, headers["Location"]) == (301, f"https://{HOST}/bookings/")

    student = Browser(https_port, host=HOST, https=True)
    student.sign_in("siswa1", "amanah-demo")
    forged = {"X-Forwarded-For": "203.0.113.9", "X-Forwarded-Proto": "http"}
    for _ in range(8):
        # Signed in on whichever app server answers; Django saw HTTPS (no redirect).
        status, _, page = student.request("GET", "/bookings/", headers=forged)
        assert status == 200
        assert "siswa1" in page or "Siti" in page

    for number in range(2):
        access = [
            line
            for line in processes.output(f"app-{number}").splitlines()
            if '"gunicorn.access"' in line and '"/bookings/"' in line
        ]
        assert access, f"app server {number} answered none of the student's pages"
        assert all('"forwarded_for": "127.0.0.1"' in line for line in access)
    assert "203.0.113.9" not in processes.output("app-0") + processes.output("app-1")


def start_pgbouncer(processes, port) -> None:
    work = Path(tempfile.mkdtemp(prefix="amanah-pgbouncer-"))
    work.chmod(0o755)  # pgbouncer refuses to run as root; it runs as postgres and reads this
    (work / "users.txt").write_text('"postgres" ""\n')
    (work / "pgbouncer.ini").write_text(
        "[databases]\n* = host=127.0.0.1 port=5432\n\n[pgbouncer]\n"
        f"listen_addr = 127.0.0.1\nlisten_port = {port}\nunix_socket_dir =\n"
        f"auth_type = trust\nauth_file = {work / 'users.txt'}\n"
        # Two server connections for every client: transactions of different clients
        # really do take turns on the same PostgreSQL session.
        "pool_mode = transaction\ndefault_pool_size = 2\nmax_client_conn = 50\n"
        "ignore_startup_parameters = extra_float_digits,options\n"
    )
    command = ["pgbouncer", str(work / "pgbouncer.ini")]
    if os.geteuid() == 0:
        command = ["runuser", "-u", "postgres", "--", *command]
    processes.start("pgbouncer", command, dict(os.environ))


APPEND = """
import os
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "counseling.settings")
import django
django.setup()
from counseling.audit import log
for _ in range(40):
    log.record(log.Action.AUDIT_VERIFIED, object_type="ops.pgbouncer-test")
"""


@pytest.mark.skipif(not shutil.which("pgbouncer"), reason="pgbouncer is not installed")
def test_amanah_through_pgbouncer_in_transaction_mode(processes, seeded):
    name, env = seeded
    port = free_port()
    start_pgbouncer(processes, port)
    through = {
        **env,
        "DATABASE_URL": database_url(name, port=port),
        "DISABLE_SERVER_SIDE_CURSORS": "on",
    }
    pooler_answers = ["psql", through["DATABASE_URL"], "-Atc", "SELECT 1"]
    assert wait_for(
        lambda: subprocess.run(pooler_answers, capture_output=True).returncode == 0, timeout=20
    ), processes.output("pgbouncer")

    # Four processes append to the access log at once, over two server connections: the
    # transaction-scoped advisory lock keeps one chain.
    writers = [
        subprocess.Popen([sys.executable, "-c", APPEND], cwd=ROOT, env=through) for _ in range(4)
    ]
    assert [writer.wait(timeout=120) for writer in writers] == [0, 0, 0, 0]
    verified = manage(through, "verify_audit", check=False)
    assert verified.returncode == 0, verified.stderr
    checked = manage(env, "shell", "-v0", "-c", _COUNT_APPENDED).stdout.strip()
    assert checked == "160"

    # A web process through the pooler, with persistent connections (CONN_MAX_AGE=60).
    web = free_port()
    processes.start("web", gunicorn_args(web, workers=2), {**through, "ALLOWED_HOSTS": HOST})
    assert wait_for(lambda: answers(web), timeout=60)
    # As the proxy would send it: the request came over HTTPS.
    student = Browser(web, host=HOST, headers={"X-Forwarded-Proto": "https"})
    student.sign_in("siswa1", "amanah-demo")
    for _ in range(6):
        assert student.get("/bookings/")[0] == 200


_COUNT_APPENDED = (
    "from counseling.audit.models import AccessEvent; "
    "print(AccessEvent.objects.filter(object_type='ops.pgbouncer-test').count())"
)

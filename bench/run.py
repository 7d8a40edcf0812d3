"""`make bench`: seed a dedicated PostgreSQL database, serve it with gunicorn, measure.

    python -m bench.run --scale 0.05          # what `make bench` runs
    python -m bench.run --scale 1 --reuse     # measure again without re-seeding

Writes bench/results.json and bench/RESULTS.md. Every figure is the median over
`--runs` runs; see README, "Benchmark".
"""

import argparse
import base64
import datetime
import json
import os
import platform
import re
import secrets
import socket
import subprocess
import sys
import time
from pathlib import Path

from bench import budgets, http, report

ROOT = Path(__file__).resolve().parent.parent
STATE = ROOT / "bench" / ".state"
PYTHON = sys.executable


def log(message):
    print(f"[bench {time.strftime('%H:%M:%S')}] {message}", flush=True)


def _fernet_key() -> str:
    return base64.urlsafe_b64encode(secrets.token_bytes(32)).decode()


def environment(database: str, keys: list[str], state: dict) -> dict:
    """Production-like settings from the environment, as an operator would set them."""
    env = dict(os.environ)
    env.update(
        DJANGO_SETTINGS_MODULE="bench.settings",
        DEBUG="off",
        DATABASE_URL=f"postgres://postgres@127.0.0.1:5432/{database}",
        SECRET_KEY=state["secret_key"],
        AUDIT_HMAC_KEY=state["audit_hmac_key"],
        FIELD_ENCRYPTION_KEY=",".join(keys),
        ALLOWED_HOSTS="127.0.0.1,localhost",
        # Nothing listens there: the benchmark runs no worker, and no mail is sent.
        EMAIL_URL="smtp://127.0.0.1:2525",
        DEFAULT_FROM_EMAIL="Amanah <bk@bench.amanah.test>",
        ADMINS="bench@bench.amanah.test",
        # A Redis database of its own, emptied of the benchmark's tasks afterwards.
        CELERY_BROKER_URL=os.environ.get("BENCH_BROKER_URL", "redis://127.0.0.1:6379/13"),
        CONN_MAX_AGE="60",
        LOG_LEVEL="WARNING",
    )
    return env


def manage(env, *args, **kwargs):
    return subprocess.run([PYTHON, "manage.py", *args], cwd=ROOT, env=env, check=True, **kwargs)


def prepare_database(args) -> tuple[dict, float | None]:
    """(state, seconds seeding took or None when reused)."""
    STATE.mkdir(exist_ok=True)
    state_file = STATE / f"{args.database}.json"
    if args.reuse and state_file.exists():
        state = json.loads(state_file.read_text())
        if state.get("scale") == args.scale:
            log(f"Reusing {args.database} (scale {args.scale})")
            return state, None
    state = {
        "scale": args.scale,
        "secret_key": secrets.token_urlsafe(50),
        "audit_hmac_key": secrets.token_urlsafe(50),
        "keys": [_fernet_key()],
    }
    log(f"Creating database {args.database}")
    subprocess.run(
        ["dropdb", "-h", "127.0.0.1", "-U", "postgres", "--if-exists", "--force", args.database],
        check=True,
    )
    subprocess.run(["createdb", "-h", "127.0.0.1", "-U", "postgres", args.database], check=True)
    env = environment(args.database, state["keys"], state)
    manage(env, "migrate", "--no-input", "-v0")
    started = time.monotonic()
    manage(env, "seed_scale", "--scale", str(args.scale))
    seconds = time.monotonic() - started
    state["seed_seconds"] = round(seconds, 1)
    state_file.write_text(json.dumps(state))
    return state, seconds


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start_gunicorn(env, workers):
    from django.urls import reverse

    port = free_port()
    manage(env, "collectstatic", "--no-input", "-v0")
    process = subprocess.Popen(
        [
            str(Path(PYTHON).parent / "gunicorn"),
            "counseling.wsgi",
            "--bind",
            f"127.0.0.1:{port}",
            "--workers",
            str(workers),
            "--backlog",
            "2048",
            "--timeout",
            "120",
        ],
        cwd=ROOT,
        env=env,
    )
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            status, _headers, _body = http.Client(port).get(reverse("login"))
            if status == 200:
                return process, port
        except OSError:
            pass
        if process.poll() is not None:
            raise SystemExit("gunicorn did not start")
        time.sleep(0.3)
    process.terminate()
    raise SystemExit("gunicorn did not answer within 60 s")


def timed_command(env, *args) -> tuple[float, float, str]:
    """(seconds, peak resident MB, output) of a management command run in a subprocess.

    The peak is GNU time's maximum resident set size: the largest of the process and the
    worker processes it waited for, not their sum.
    """
    result = subprocess.run(
        ["/usr/bin/time", "-v", PYTHON, "manage.py", *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    if result.returncode != 0:
        raise SystemExit(f"{' '.join(args)} failed:\n{result.stdout}\n{result.stderr[-3000:]}")
    peak_kb = int(re.search(r"Maximum resident set size \(kbytes\): (\d+)", result.stderr)[1])
    elapsed = re.search(r"Elapsed \(wall clock\) time.*: (?:(\d+):)?(\d+):([\d.]+)", result.stderr)
    hours, minutes, seconds = int(elapsed[1] or 0), int(elapsed[2]), float(elapsed[3])
    return hours * 3600 + minutes * 60 + seconds, peak_kb / 1024, result.stdout


def machine() -> dict:
    cpu = next(
        (
            line.split(":", 1)[1].strip()
            for line in Path("/proc/cpuinfo").read_text().splitlines()
            if line.startswith("model name")
        ),
        platform.processor(),
    )
    memory_kb = int(re.search(r"MemTotal:\s+(\d+)", Path("/proc/meminfo").read_text())[1])
    postgres = subprocess.run(
        ["psql", "-h", "127.0.0.1", "-U", "postgres", "-Atc", "SHOW server_version"],
        capture_output=True,
        text=True,
        check=False,
    ).stdout.strip()
    return {
        "cpu": cpu,
        "cores": os.cpu_count(),
        "memory_gb": round(memory_kb / 1024 / 1024, 1),
        "python": platform.python_version(),
        "postgresql": postgres,
        "load_average_at_start": os.getloadavg()[0],
    }


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scale", type=float, default=float(os.environ.get("BENCH_SCALE", 0.05)))
    parser.add_argument("--database", default=os.environ.get("BENCH_DATABASE", "amanah_bench"))
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--requests", type=int, default=50, help="Requests per page per run.")
    parser.add_argument("--workers", type=int, default=4, help="gunicorn workers.")
    parser.add_argument("--rush-students", type=int, default=1000)
    parser.add_argument(
        "--rush-concurrency",
        type=int,
        default=20,
        help="Clients at a time in the second, bounded rush (the first sends all at once).",
    )
    parser.add_argument("--reuse", action="store_true", help="Keep an already seeded database.")
    parser.add_argument("--seed-only", action="store_true", help="Prepare the database, stop.")
    parser.add_argument("--output", default=str(ROOT / "bench"))
    args = parser.parse_args(argv)

    started = time.monotonic()
    info = machine()
    state, seed_seconds = prepare_database(args)
    if args.seed_only:
        return 0
    env = environment(args.database, state["keys"], state)
    # A reused database gets the migrations added since it was seeded.
    manage(env, "migrate", "--no-input", "-v0")
    # The seed writes content under the master key (the older form); the pages are measured
    # with each counselee's content under her own data key, as a migrated school has it.
    log("migrate_to_data_keys")
    seconds, peak, _ = timed_command(env, "migrate_to_data_keys", "-v0")
    migrate_to_data_keys = {
        "migrate_to_data_keys_seconds": round(seconds, 1),
        "migrate_to_data_keys_peak_mb": round(peak),
    }
    os.environ.update(env)
    import django

    django.setup()
    from bench import measure

    results = {"scale": args.scale, **measure.sizes()}
    results["seed_seconds"] = state.get("seed_seconds") if seed_seconds is None else seed_seconds
    results["database_reused"] = seed_seconds is None
    results.update(migrate_to_data_keys)
    results.update(measure.floors())

    gunicorn, port = start_gunicorn(env, args.workers)
    try:
        log(f"gunicorn on 127.0.0.1:{port} with {args.workers} workers")
        results.update(
            measure.pages(
                port, runs=args.runs, requests=args.requests, workers=args.workers, log=log
            )
        )
        results.update(measure.booking_rush(port, students=args.rush_students, log=log))
        # The same rush with a bounded number of clients at a time, for comparison.
        results.update(
            measure.booking_rush(
                port,
                students=args.rush_students,
                concurrency=args.rush_concurrency,
                prefix="booking_rush_bounded",
                log=log,
            )
        )
        # The first rush again through a booking view with no confidentiality layer, and
        # through a view that does nothing at all: the floors under its p95.
        for floor in ("bare", "nothing"):
            results.update(
                measure.booking_rush(
                    port,
                    students=args.rush_students,
                    prefix=f"booking_rush_{floor}",
                    floor=floor,
                    log=log,
                )
            )
    finally:
        gunicorn.terminate()
        gunicorn.wait(timeout=30)
        measure.forget_queued_tasks()

    log("verify_audit")
    seconds, peak, _ = timed_command(env, "verify_audit", "-v0")
    results.update(verify_audit_seconds=round(seconds, 1), verify_audit_peak_mb=round(peak))

    log("rotate_encryption_key")
    new_keys = [_fernet_key(), *state["keys"]]
    # Saved first: an interrupted rotation leaves values under the new key, which a later
    # --reuse run must be able to read.
    state["keys"] = new_keys
    (STATE / f"{args.database}.json").write_text(json.dumps(state))
    rotate_env = {**env, "FIELD_ENCRYPTION_KEY": ",".join(new_keys)}
    seconds, peak, _ = timed_command(rotate_env, "rotate_encryption_key", "-v0")
    results.update(rotate_seconds=round(seconds, 1), rotate_peak_mb=round(peak))
    results["rotated_values"] = measure.encrypted_values()

    results["bench_seconds"] = round(time.monotonic() - started)
    results["date"] = datetime.datetime.now().astimezone().isoformat(timespec="seconds")
    results["machine"] = info
    results["medians_of_runs"] = args.runs
    results["requests_per_run"] = args.requests
    results["gunicorn_workers"] = args.workers
    output = Path(args.output)
    (output / "results.json").write_text(json.dumps(results, indent=2, sort_keys=True) + "\n")
    (output / "RESULTS.md").write_text(report.markdown(results, budgets.BUDGETS))
    log(f"Done in {results['bench_seconds']} s: {output / 'RESULTS.md'}")
    failed = [b.key for b in budgets.BUDGETS if not b.met(results)]
    if failed:
        log("Budgets missed: " + ", ".join(failed))
    return 0


if __name__ == "__main__":
    sys.exit(main())

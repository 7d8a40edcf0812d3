"""`make bench`: seed a dedicated PostgreSQL database, serve it with gunicorn, measure.

    python -m bench.run --scale 0.05                      # what `make bench` runs
    python -m bench.run --scale 1 --ladder 0.05,0.25 --reuse  # the committed run
    python -m bench.run --scale 0.01 --rush-students 100 --runs 1 --requests 5 \
        --output /tmp/bench-smoke                            # a quick check of the harness

Writes bench/results.json, bench/RESULTS.md and the charts (bench/*.svg). Every figure
stands beside its floor, measured in the same run; see README, "Benchmark".
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

from bench import budgets, charts, http, report

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
    worker processes it waited for, not their sum. `timed_command.cpu` keeps the CPU
    seconds (user and system) of the process and those workers.
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
    timed_command.cpu = sum(
        float(re.search(rf"{kind} time \(seconds\): ([\d.]+)", result.stderr)[1])
        for kind in ("User", "System")
    )
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


def _levels(text: str) -> list[int | None]:
    """ "all,10,20,50" -> [None, 10, 20, 50]: all at once, then so many in flight."""
    return [None if part == "all" else int(part) for part in text.split(",") if part]


def _ladder(text: str, scale: float) -> list[float]:
    """The scales of the ladder, the run's own among them; by default a fifth of it too."""
    scales = {float(part) for part in text.split(",") if part} or {round(scale / 5, 4)}
    return sorted({*scales, scale})


def ladder_point(args) -> int:
    """Seed (or reuse) the database of one scale, serve it, and write each page's time and
    query count to `args.ladder_point`: one step of the scale ladder, in its own process."""
    state, _seconds = prepare_database(args)
    env = environment(args.database, state["keys"], state)
    manage(env, "migrate", "--no-input", "-v0")
    os.environ.update(env)
    import django

    django.setup()
    from bench import measure

    gunicorn, port = start_gunicorn(env, args.workers)
    try:
        figures = measure.page_queries(port)
    finally:
        gunicorn.terminate()
        gunicorn.wait(timeout=30)
    Path(args.ladder_point).write_text(json.dumps({"sizes": measure.sizes(), "pages": figures}))
    return 0


def scale_ladder(args, own: dict) -> dict:
    """{scale: {page: {p50_ms, queries}}}: the run's own scale from its measurements, the
    others each from a database of its own (seeded once, reused afterwards)."""
    ladder = {}
    for scale in _ladder(args.ladder, args.scale):
        if scale == args.scale:
            ladder[str(scale)] = own
            continue
        log(f"scale ladder: {scale}")
        out = STATE / f"ladder-{scale}.json"
        database = f"{args.database}_s{str(scale).replace('.', '_')}"
        subprocess.run(
            [
                PYTHON,
                "-m",
                "bench.run",
                "--scale",
                str(scale),
                "--database",
                database,
                "--workers",
                str(args.workers),
                "--reuse",
                "--ladder-point",
                str(out),
            ],
            cwd=ROOT,
            check=True,
        )
        ladder[str(scale)] = json.loads(out.read_text())["pages"]
    return ladder


def constant_queries(ladder: dict) -> bool:
    """Whether each page runs the same number of queries at every scale."""
    pages = {page for figures in ladder.values() for page in figures}
    return len(ladder) > 1 and all(
        len({figures[page]["queries"] for figures in ladder.values() if page in figures}) == 1
        for page in pages
    )


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scale", type=float, default=float(os.environ.get("BENCH_SCALE", 0.05)))
    parser.add_argument("--database", default=os.environ.get("BENCH_DATABASE", "amanah_bench"))
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--requests", type=int, default=50, help="Requests per page per run.")
    parser.add_argument(
        "--workers",
        type=int,
        default=os.cpu_count(),
        help="gunicorn sync workers (default: one per core; more send more bookings down "
        "the refused-under-lock path and lower the rush's throughput).",
    )
    parser.add_argument(
        "--rush-students", type=int, default=1000, help="Students in each booking rush."
    )
    parser.add_argument(
        "--rush-bounded-students",
        type=int,
        default=400,
        help="Students in each rush with a bounded number in flight (all at once: "
        "--rush-students).",
    )
    parser.add_argument(
        "--rush-levels",
        default="all,10,20,50",
        help="Clients in flight in each rush: 'all' at once, then bounded numbers.",
    )
    parser.add_argument(
        "--rush-repeats",
        type=int,
        default=2,
        help="Times Amanah's rush and the bare one are run, interleaved, at each level.",
    )
    parser.add_argument(
        "--ladder",
        default=os.environ.get("BENCH_LADDER", ""),
        help="Scales for the cost-growth ladder, e.g. 0.05,0.25 (the run's own is added; "
        "default: a fifth of it).",
    )
    parser.add_argument("--ladder-point", help=argparse.SUPPRESS)
    parser.add_argument("--reuse", action="store_true", help="Keep an already seeded database.")
    parser.add_argument("--seed-only", action="store_true", help="Prepare the database, stop.")
    parser.add_argument("--output", default=str(ROOT / "bench"))
    args = parser.parse_args(argv)
    if args.ladder_point:
        return ladder_point(args)

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
        results.update(
            measure.messaging(
                port, runs=args.runs, requests=args.requests, workers=args.workers, log=log
            )
        )
        series = measure.rush_series(
            port,
            students=args.rush_students,
            levels=_levels(args.rush_levels),
            repeats=args.rush_repeats,
            log=log,
            bounded_students=args.rush_bounded_students,
        )
        # The floor of any signed-in request, once: a view that only answers.
        nothing = measure.booking_rush(port, students=args.rush_students, floor="nothing", log=log)
        results.update(measure.rush_results(series, nothing))
    finally:
        gunicorn.terminate()
        gunicorn.wait(timeout=30)
        measure.forget_queued_tasks()

    log("verify_audit")
    seconds, peak, _ = timed_command(env, "verify_audit", "-v0")
    verify_cpu = timed_command.cpu
    floor = measure.hashing_floor(results["audit_events"])
    results.update(
        verify_audit_seconds=round(seconds, 1),
        verify_audit_peak_mb=round(peak),
        verify_audit_cpu_seconds=round(verify_cpu, 1),
        verify_audit_floor_cpu_seconds=round(floor, 1),
        verify_audit_floor_ratio=round(verify_cpu / floor, 2) if floor else None,
    )

    log("rotate_encryption_key")
    new_keys = [_fernet_key(), *state["keys"]]
    # Saved first: an interrupted rotation leaves values under the new key, which a later
    # --reuse run must be able to read.
    state["keys"] = new_keys
    (STATE / f"{args.database}.json").write_text(json.dumps(state))
    rotate_env = {**env, "FIELD_ENCRYPTION_KEY": ",".join(new_keys)}
    seconds, peak, _ = timed_command(rotate_env, "rotate_encryption_key", "-v0")
    results.update(
        rotate_seconds=round(seconds, 1),
        rotate_peak_mb=round(peak),
        rotate_cpu_seconds=round(timed_command.cpu, 1),
    )
    results["rotated_values"] = measure.encrypted_values()
    # Each value decrypted under the old key and encrypted under the new one, nothing else.
    rotate_floor = (
        results["rotated_values"]
        * (results["fernet_decrypt_us"] + results["fernet_encrypt_us"])
        / 1e6
    )
    results["rotate_floor_cpu_seconds"] = round(rotate_floor, 1)
    results["rotate_floor_ratio"] = (
        round(results["rotate_cpu_seconds"] / rotate_floor, 2) if rotate_floor else None
    )

    own = {
        page: {"p50_ms": results[f"{page}_p50_ms"], "queries": results[f"{page}_queries"]}
        for page, _label in report.PAGES
    }
    results["scale_ladder"] = scale_ladder(args, own)
    results["scale_ladder_constant_queries"] = constant_queries(results["scale_ladder"])

    results["bench_seconds"] = round(time.monotonic() - started)
    results["date"] = datetime.datetime.now().astimezone().isoformat(timespec="seconds")
    results["machine"] = info
    results["medians_of_runs"] = args.runs
    results["requests_per_run"] = args.requests
    results["gunicorn_workers"] = args.workers
    results["rush_levels"] = args.rush_levels
    results["rush_repeats"] = args.rush_repeats
    results["rush_bounded_students"] = args.rush_bounded_students
    output = Path(args.output)
    output.mkdir(parents=True, exist_ok=True)
    (output / "results.json").write_text(json.dumps(results, indent=2, sort_keys=True) + "\n")
    charts.write(results, output)
    (output / "RESULTS.md").write_text(report.markdown(results, budgets.BUDGETS))
    log(f"Done in {results['bench_seconds']} s: {output / 'RESULTS.md'}")
    failed = budgets.missed(results)
    if failed:
        log("Budgets missed: " + ", ".join(failed))
    # A page whose queries grow with the data fails the run, whatever else it met.
    if not results["scale_ladder_constant_queries"]:
        log("Queries grow with the data: see the scale ladder in RESULTS.md")
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())

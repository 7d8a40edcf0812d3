"""Measure what the delivery faults cost: a hung Redis, a killed worker, a Redis restart.

    python -m bench.faults                      # on the PostgreSQL database amanah_faults

It drops and creates the database, migrates it, seeds the demo school, and then:

1. **Hung Redis.** A server that accepts connections and never answers is the broker of
   a fresh process; it times a student's first booking request through the whole
   Django stack (an ordinary one, then an urgent one that notifies every counselor), and
   checks that the bookings are made and their notices left pending for the re-queue.
2. **Worker killed mid-delivery.** A default worker, beat and an e-mail worker run as
   README says; the mail server hangs, so the e-mail worker is in the middle of a send
   when it is killed with SIGKILL. The mail server comes back (a real SMTP sink) and a
   new e-mail worker starts: it times, from the kill, when each e-mail arrives.
3. **Redis restart.** Notices are handed to the broker while no e-mail worker runs, and
   Redis (which keeps nothing on disk here) is restarted, losing them; an e-mail worker
   starts again: it times, from the restart, when each arrives.

Speed belongs here, not in the tests: the tests assert the behaviour, this prints the
times (README, "Operations", quotes them).
"""

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def log(message):
    print(f"[faults {time.strftime('%H:%M:%S')}] {message}", flush=True)


def _environment(database: str, broker_url: str) -> dict:
    return {
        **os.environ,
        "DEBUG": "on",
        "DJANGO_SETTINGS_MODULE": "counseling.settings",
        "DATABASE_URL": f"postgres://postgres@127.0.0.1:5432/{database}",
        "CELERY_BROKER_URL": broker_url,
        "LOG_LEVEL": "WARNING",
    }


def _recreate(database: str) -> None:
    pg = ["-h", "127.0.0.1", "-U", "postgres"]
    subprocess.run(["dropdb", *pg, "--if-exists", "--force", database], check=True)
    subprocess.run(["createdb", *pg, database], check=True)


# 1. A hung Redis, in a process of its own whose broker it is.


def hung_redis() -> dict:
    """Run inside the child process: time two booking requests with the broker hung."""
    import django

    django.setup()
    from django.test import Client
    from django.urls import reverse

    from counseling.accounts.models import User
    from counseling.notices.models import Notice
    from sessions import availability
    from sessions.models import Booking

    results = {}
    for username, counselor_name, urgent in (
        ("siswa2", "konselor1", False),
        # siswa1 has no urgent request in the demo, so none of hers is held back.
        ("siswa1", "konselor1", True),
    ):
        student = User.objects.get(username=username)
        counselor = User.objects.get(username=counselor_name)
        slot = availability.free_slots(counselor)[0]
        client = Client(HTTP_HOST="127.0.0.1")
        client.force_login(student)
        url = reverse("book-confirm", args=[counselor.username, slot.key])
        data = {"topic": "", **({"urgent": "on"} if urgent else {})}
        started = time.monotonic()
        response = client.post(url, data)
        took = time.monotonic() - started
        booking = Booking.objects.filter(counselee__user=student, start=slot.start).first()
        results["urgent" if urgent else "ordinary"] = {
            "seconds": round(took, 3),
            "status": response.status_code,
            "booked": booking is not None,
            "notices": Notice.objects.filter(booking=booking).count(),
        }
    # The hand-over gives up in its thread; the notices wait, pending, for the re-queue.
    deadline = time.monotonic() + 30
    pending = Notice.objects.filter(booking__isnull=False, email_status="pending", queued_at=None)
    while time.monotonic() < deadline and pending.count() < sum(
        r["notices"] for r in results.values()
    ):
        time.sleep(0.2)
    results["left_pending_for_the_requeue"] = pending.count()
    return results


def measure_hung_redis(database: str) -> dict:
    from tests.processes import SilentServer

    hung = SilentServer()
    try:
        child = subprocess.run(
            [sys.executable, "-m", "bench.faults", "--child-hung-redis"],
            cwd=ROOT,
            env=_environment(database, hung.url),
            capture_output=True,
            text=True,
            timeout=300,
            check=True,
        )
    finally:
        hung.close()
    return json.loads(child.stdout.strip().splitlines()[-1])


# 2 and 3. Workers, beat and Redis as processes; this process writes the notices.


class Beat:
    def __init__(self, tmp: Path, env: dict):
        self.process = subprocess.Popen(
            [
                *(sys.executable, "-m", "celery", "-A", "counseling", "beat"),
                *("-s", str(tmp / "beat-schedule"), "-l", "warning"),
            ],
            cwd=ROOT,
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            start_new_session=True,
        )

    def stop(self):
        self.process.kill()
        self.process.wait(timeout=10)


def _arrivals(sink, count, since, timeout=180.0) -> list[float]:
    seen = {}
    deadline = time.monotonic() + timeout
    while len(seen) < count and time.monotonic() < deadline:
        for index in range(len(sink.messages)):
            seen.setdefault(index, round(time.monotonic() - since, 1))
        time.sleep(0.2)
    return sorted(seen.values())


def _write_notices(people) -> list:
    from django.db import transaction

    from counseling import notices
    from counseling.notices.models import Notice

    with transaction.atomic():
        return [notices.notify(person, Notice.Kind.CASE_ENDED) for person in people]


def measure_workers(database: str, redis, tmp: Path) -> dict:
    from counseling.accounts.models import User
    from counseling.notices import delivery
    from counseling.notices.models import Notice
    from tests.processes import CeleryWorker, SilentServer, SmtpSink, wait_for

    people = list(User.objects.filter(username__in=["konselor1", "konselor2", "admin"]))
    hung = SilentServer()
    common = {"broker_url": redis.url, "email_port": hung.port, "email_timeout": 10}
    started = []
    results = {
        "email_timeout_s": 10,
        "claim_timeout_s": delivery.CLAIM_TIMEOUT.total_seconds(),
        "requeue_every_s": 15,
    }
    try:
        env = {**_environment(database, redis.url), "EMAIL_TIMEOUT": "10"}
        started.append(CeleryWorker(tmp, queues="celery", **common))
        beat = Beat(tmp, env)
        first = CeleryWorker(tmp, queues="email", **common)
        started.append(first)

        # 2. Killed in the middle of a send.
        written = _write_notices(people)
        claimed = Notice.objects.filter(pk__in=[n.pk for n in written], claimed_at__isnull=False)
        assert wait_for(lambda: claimed.exists() and hung.accepted, 60), "nothing was claimed"
        first.kill()
        killed_at = time.monotonic()
        hung.close()
        sink = SmtpSink(port=hung.port)
        started.append(CeleryWorker(tmp, queues="email", **common))
        arrivals = _arrivals(sink, len(written), killed_at)
        results["killed_worker"] = {
            "emails": len(written),
            "arrived_s_after_kill": arrivals,
            "duplicates": len(sink.messages) - len(written),
        }
        log(f"killed worker: {results['killed_worker']}")

        # 3. Redis restarted while its queue held e-mails no worker had taken.
        started.pop().kill()
        sink.messages.clear()
        written = _write_notices(people)
        queued = Notice.objects.filter(pk__in=[n.pk for n in written], queued_at__isnull=False)
        assert wait_for(lambda: queued.count() == len(written), 30), "not handed over"
        redis.stop()
        redis.start()
        restarted_at = time.monotonic()
        started.append(CeleryWorker(tmp, queues="email", **common))
        arrivals = _arrivals(sink, len(written), restarted_at)
        results["redis_restart"] = {
            "emails": len(written),
            "arrived_s_after_restart": arrivals,
            "duplicates": len(sink.messages) - len(written),
        }
        log(f"Redis restart: {results['redis_restart']}")
        sink.stop()
        beat.stop()
    finally:
        for worker in started:
            worker.kill()
        hung.close()
    return results


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database", default="amanah_faults")
    parser.add_argument("--child-hung-redis", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.child_hung_redis:
        print(json.dumps(hung_redis()))
        return

    log(f"database {args.database}: create, migrate, seed the demo school")
    _recreate(args.database)
    env = _environment(args.database, "memory://")
    del env["CELERY_BROKER_URL"]  # tasks run in-process while seeding
    manage = [sys.executable, "manage.py"]
    subprocess.run([*manage, "migrate", "-v0"], cwd=ROOT, env=env, check=True)
    subprocess.run([*manage, "seed_demo"], cwd=ROOT, env=env, check=True, capture_output=True)

    log("1. a hung Redis: a student's first booking request")
    results = {"hung_redis": measure_hung_redis(args.database)}
    log(f"hung Redis: {results['hung_redis']}")

    from tests.processes import RedisServer

    redis = RedisServer()
    redis.start()
    os.environ.update(_environment(args.database, redis.url))
    import django

    django.setup()
    from counseling.notices.models import Notice

    # What the demo and step 1 wrote is no part of what follows.
    Notice.objects.update(email_status=Notice.EmailStatus.SENT)
    try:
        with tempfile.TemporaryDirectory() as tmp:
            log("2. an e-mail worker killed mid-send; 3. a Redis restart")
            results |= measure_workers(args.database, redis, Path(tmp))
    finally:
        if redis.process:
            redis.stop()
    print(json.dumps(results, indent=2))


if __name__ == "__main__":
    main()

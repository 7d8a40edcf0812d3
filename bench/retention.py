"""Benchmark of per-counselee data keys: master-key rotation at district scale, the cost of
reading sealed values against master-key values, and erasing 1,000 counselees.

    python -m bench.retention [--database amanah_bench_retention] [--keys 20000] [--erase 1000]

It drops and creates its own PostgreSQL database (local, trusted), migrates it, and writes
`bench/RETENTION.md`. Each figure stands beside its floor: the raw cryptography the step
does, measured in the same run, and their ratio.
"""

import argparse
import os
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def _setup(database: str) -> None:
    subprocess.run(
        ["dropdb", "-h", "127.0.0.1", "-U", "postgres", "--if-exists", database], check=True
    )
    subprocess.run(["createdb", "-h", "127.0.0.1", "-U", "postgres", database], check=True)
    os.environ["DATABASE_URL"] = f"postgres://postgres@127.0.0.1:5432/{database}"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "counseling.settings")
    os.environ.setdefault("DEBUG", "on")
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)


def _timed(fn):
    start = time.perf_counter()
    result = fn()
    return time.perf_counter() - start, result


def rotation(n_keys: int) -> dict:
    import uuid

    from cryptography.fernet import Fernet, MultiFernet
    from encrypted_model_fields import fields as package

    from counseling import keys, rotation
    from counseling.retention.models import DataKey

    old = package.CRYPTER
    DataKey.objects.bulk_create(
        [
            DataKey(
                counselee_uid=uuid.uuid4(),
                wrapped=keys.wrap(Fernet.generate_key()),
                master_version=keys.master_version(),
            )
            for _ in range(n_keys)
        ],
        batch_size=2000,
    )
    new = Fernet.generate_key().decode()
    from django.conf import settings

    configured = [new, *settings.FIELD_ENCRYPTION_KEY]
    package.CRYPTER = MultiFernet([Fernet(k) for k in configured])
    run = rotation.Rotation(configured, 1000, workers=os.cpu_count() or 1)
    tally = rotation.Tally()
    seconds, _ = _timed(lambda: run.rotate_model(DataKey, ["wrapped"], tally, lambda t: None))
    run.close()
    sample = list(DataKey.objects.values_list("wrapped", flat=True)[:n_keys])
    crypter = MultiFernet([Fernet(k) for k in configured])
    floor, _ = _timed(lambda: [crypter.rotate(w.encode()) for w in sample])
    package.CRYPTER = old
    return {
        "data_keys": n_keys,
        "rewrapped": tally.rotated,
        "seconds": round(seconds, 2),
        "floor_seconds": round(floor, 2),
        "ratio": round(seconds / floor, 2) if floor else None,
    }


def reading(n_values: int) -> dict:
    """Opening sealed values (data key cached) against master-key values, per value."""
    import uuid

    from counseling import fernet, keys

    text = "Siswa bercerita tentang tekanan ujian dan hubungan dengan orang tua. " * 3
    legacy = [fernet.encrypt(text) for _ in range(n_values)]
    key_id, data_key = keys.create_key(uuid.uuid4())
    sealed = [str(keys.seal(data_key, key_id, text)) for _ in range(n_values)]
    keys.clear_cache()
    first, _ = _timed(lambda: keys.open_token(sealed[0]))  # fetch and unwrap once
    master, _ = _timed(lambda: [fernet.decrypt(t) for t in legacy])
    data, _ = _timed(lambda: [keys.open_token(t) for t in sealed])
    return {
        "values": n_values,
        "master_key_us": round(master / n_values * 1e6, 1),
        "data_key_us": round(data / n_values * 1e6, 1),
        "ratio": round(data / master, 3),
        "first_value_of_a_counselee_ms": round(first * 1e3, 2),
    }


def erasing(n_counselees: int) -> dict:
    import datetime

    from django.utils import timezone

    from counseling.accounts.models import User
    from counseling.audit import verification
    from counseling.records.models import Counselee
    from counseling.retention import erasure
    from counseling.retention.models import SchoolStatus
    from sessions.models import CounselingSession, SessionNote

    admin = User.objects.create_user(username="bench-admin", full_name="A", role="admin")
    counselor = User.objects.create_user(username="bench-bk", full_name="B", role="counselor")
    start = timezone.now() - datetime.timedelta(days=2000)
    for i in range(n_counselees):
        user = User.objects.create_user(username=f"s{i}", full_name=f"S {i}", role="student")
        counselee = Counselee.objects.create(
            user=user, nis=f"B{i}", class_name="XII-1", background_notes="Latar belakang."
        )
        for j in range(2):
            session = CounselingSession.objects.create(
                counselee=counselee,
                counselor=counselor,
                scheduled_start=start + datetime.timedelta(hours=j),
                scheduled_end=start + datetime.timedelta(hours=j, minutes=45),
                status=CounselingSession.Status.COMPLETED,
                place="Ruang BK",
            )
            SessionNote.objects.create(session=session, author=counselor, body="Catatan sesi.")
        SchoolStatus.objects.create(
            counselee=counselee,
            status=SchoolStatus.Status.GRADUATED,
            since=datetime.date(2015, 6, 20),
            set_by=admin,
            set_at=start,
        )
    seconds, outcome = _timed(erasure.erase_due)
    verify, (_head, broken) = _timed(verification.verify)
    return {
        "counselees": n_counselees,
        "erased": len(outcome.erased),
        "failed": len(outcome.failed),
        "seconds": round(seconds, 1),
        "ms_per_counselee": round(seconds / max(n_counselees, 1) * 1e3, 1),
        "chain_verifies": broken is None,
        "verify_seconds": round(verify, 1),
    }


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database", default="amanah_bench_retention")
    parser.add_argument("--keys", type=int, default=20_000)
    parser.add_argument("--values", type=int, default=20_000)
    parser.add_argument("--erase", type=int, default=1_000)
    args = parser.parse_args(argv)
    sys.path.insert(0, str(ROOT))
    _setup(args.database)
    results = {
        "rotation": rotation(args.keys),
        "reading": reading(args.values),
        "erasure": erasing(args.erase),
    }
    r, v, e = results["rotation"], results["reading"], results["erasure"]
    lines = [
        "# Per-counselee data keys: benchmark",
        "",
        "`python -m bench.retention` on PostgreSQL, this machine. Each figure beside its floor.",
        "",
        "| what | figure | floor | ratio |",
        "| --- | --- | --- | --- |",
        f"| master-key rotation: {r['data_keys']} data keys re-wrapped | {r['seconds']} s | "
        f"{r['floor_seconds']} s (MultiFernet.rotate of each, in one process) | {r['ratio']} |",
        f"| opening one stored value, data key cached | {v['data_key_us']} µs | "
        f"{v['master_key_us']} µs (the same value under the master key) | {v['ratio']} |",
        f"| first value of a counselee in a process (key fetched, unwrapped) | "
        f"{v['first_value_of_a_counselee_ms']} ms | | |",
        f"| erasing {e['counselees']} counselees (2 sessions, 2 notes each) | {e['seconds']} s "
        f"({e['ms_per_counselee']} ms each; {e['erased']} erased, {e['failed']} failed) | | |",
        f"| access log verified after the erasures | {e['chain_verifies']} "
        f"({e['verify_seconds']} s) | | |",
        "",
    ]
    (ROOT / "bench" / "RETENTION.md").write_text("\n".join(lines))
    print("\n".join(lines))
    return 0


if __name__ == "__main__":
    sys.exit(main())

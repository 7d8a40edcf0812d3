"""The restore drill, as README's runbook has it: seed, back up with deploy/backup, restore
with deploy/restore into a new database, and prove it: the access log verifies to the same
head, every encrypted value reads with the keys kept apart, and without them Amanah
refuses with a clear message."""

import re
import subprocess

import pytest
from cryptography.fernet import Fernet

from tests.ops.stack import (
    ROOT,
    RedisServer,
    create_database,
    drop_database,
    manage,
    needs_postgresql,
    own_database_name,
    production_env,
)

pytestmark = needs_postgresql


def run(args, env, **kwargs):
    return subprocess.run(args, cwd=ROOT, env=env, capture_output=True, text=True, timeout=120)


def age_key(directory, name):
    """(private key file, public key file) of a new age key pair."""
    private = directory / f"{name}.txt"
    made = subprocess.run(["age-keygen", "-o", str(private)], capture_output=True, text=True)
    public = directory / f"{name}.pub"
    public.write_text(re.search(r"age1\w+", made.stderr).group(0) + "\n")
    return private, public


@pytest.fixture
def databases(processes):
    names = [own_database_name(f"drill_{part}") for part in ("source", "restored", "spare")]
    urls = [create_database(name) for name in names]
    yield urls
    for name in names:
        drop_database(name)


def test_a_backup_restores_and_proves_itself(processes, databases, tmp_path):
    source, restored, spare = databases
    redis = RedisServer(processes)
    env = production_env(source, redis.url)
    manage(env, "migrate", "--no-input", "-v0")
    manage({**env, "DEBUG": "on"}, "seed_demo")
    head = re.search(r"head (#\d+:\w+)", manage(env, "verify_audit").stdout).group(1)
    values = manage(env, "verify_encryption").stdout

    private, public = age_key(tmp_path, "backup-key")
    backup_dir = tmp_path / "backups"
    backup = run(
        ["deploy/backup"],
        {**env, "BACKUP_DIR": str(backup_dir), "BACKUP_RECIPIENTS_FILE": str(public)},
    )
    assert backup.returncode == 0, backup.stderr
    [dump] = backup_dir.glob("amanah-*.dump.age")
    raw = dump.read_bytes()
    assert b"PGDMP" not in raw and b"siswa1" not in raw  # encrypted, not merely compressed

    restore = run(["deploy/restore", str(dump), restored], {**env, "AGE_IDENTITY": str(private)})
    assert restore.returncode == 0, restore.stderr

    # Proof, with the three keys kept apart from the backup.
    kept = {**env, "DATABASE_URL": restored}
    verified = manage(kept, "verify_audit", "--expect-head", head.removeprefix("#"), check=False)
    assert verified.returncode == 0, verified.stderr
    assert f"head {head}" in verified.stdout
    assert manage(kept, "verify_encryption").stdout == values
    assert "0 values" not in values

    # Without the kept encryption key: a clear refusal, nothing shown as if it were text.
    other_key = {**kept, "FIELD_ENCRYPTION_KEY": Fernet.generate_key().decode()}
    refused = manage(other_key, "verify_encryption", check=False)
    assert refused.returncode != 0
    assert "amanah.E020" in refused.stderr
    assert "FIELD_ENCRYPTION_KEY cannot decrypt the encryption canary" in refused.stderr
    # Without the kept chain key the log does not verify.
    other_chain_key = {**kept, "AUDIT_HMAC_KEY": "not-the-key-" * 5}
    assert manage(other_chain_key, "verify_audit", check=False).returncode != 0

    # Without the backup's private key: nothing restored, and it says why.
    wrong, _ = age_key(tmp_path, "another-key")
    refused = run(["deploy/restore", str(dump), spare], {**env, "AGE_IDENTITY": str(wrong)})
    assert refused.returncode != 0
    assert "cannot be decrypted" in refused.stderr
    assert "Nothing was restored" in refused.stderr
    tables = run(
        ["psql", spare, "-Atc", "SELECT count(*) FROM pg_tables WHERE schemaname = 'public'"],
        env,
    )
    assert tables.stdout.strip() == "0"
    # And a restore never writes over a database that holds tables.
    again = run(["deploy/restore", str(dump), restored], {**env, "AGE_IDENTITY": str(private)})
    assert again.returncode != 0
    assert "already holds" in again.stderr

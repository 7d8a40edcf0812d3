"""Two PostgreSQL roles: the app's role can append to the access log and nothing more.

deploy/postgresql-roles.sql is applied with psql to the test database, with two roles
made for the test (roles belong to the whole cluster, hence the unique names), and
everything is given back to the superuser afterwards.
"""

import os
import secrets
import subprocess
from pathlib import Path

import pytest
from django.db import DatabaseError, connection

from counseling import checks
from counseling.audit import log
from counseling.audit.models import AccessEvent, AuditCheckpoint
from tests.subprocesses import ROOT, manage

pytestmark = [
    pytest.mark.skipif(connection.vendor != "postgresql", reason="database roles are PostgreSQL's"),
    pytest.mark.django_db(transaction=True),
]

SCRIPT = Path(ROOT, "deploy", "postgresql-roles.sql")


def psql(*args, user=None):
    settings = connection.settings_dict
    return subprocess.run(
        [
            *("psql", "-X", "-v", "ON_ERROR_STOP=1", "-h", settings["HOST"] or "127.0.0.1"),
            *("-p", str(settings["PORT"] or 5432), "-U", user or settings["USER"]),
            *("-d", settings["NAME"], *args),
        ],
        capture_output=True,
        text=True,
        timeout=120,
    )


@pytest.fixture
def roles(transactional_db):
    suffix = f"{os.getpid()}_{secrets.token_hex(3)}"
    owner, app = f"amanah_test_owner_{suffix}", f"amanah_test_app_{suffix}"
    superuser = connection.settings_dict["USER"]
    connection.close()  # psql takes the tables' locks to change their owner
    applied = psql("-v", f"migration_role={owner}", "-v", f"app_role={app}", "-f", str(SCRIPT))
    try:
        assert applied.returncode == 0, applied.stderr
        yield owner, app
    finally:
        connection.close()
        restored = psql(
            "-c",
            f'ALTER DATABASE "{connection.settings_dict["NAME"]}" OWNER TO "{superuser}"',
            "-c",
            f'REASSIGN OWNED BY "{owner}", "{app}" TO "{superuser}"',
            "-c",
            f'DROP OWNED BY "{app}"',
            "-c",
            f'DROP OWNED BY "{owner}"',
            "-c",
            f'DROP ROLE "{owner}"',
            "-c",
            f'DROP ROLE "{app}"',
        )
        assert restored.returncode == 0, restored.stderr


class as_role:
    """Run this connection's statements with `role`'s privileges (SET ROLE)."""

    def __init__(self, role):
        self.role = role

    def __enter__(self):
        with connection.cursor() as cursor:
            cursor.execute(f'SET ROLE "{self.role}"')

    def __exit__(self, *exc):
        with connection.cursor() as cursor:
            cursor.execute("RESET ROLE")


def table_owner(table):
    with connection.cursor() as cursor:
        cursor.execute("SELECT tableowner FROM pg_tables WHERE tablename = %s", [table])
        return cursor.fetchone()[0]


@pytest.mark.parametrize("table", ["audit_accessevent", "audit_auditcheckpoint"])
@pytest.mark.parametrize(
    "statement",
    [
        "UPDATE {table} SET last_hash = last_hash",
        "DELETE FROM {table}",
        "TRUNCATE {table}",
        "ALTER TABLE {table} DISABLE TRIGGER ALL",
        "ALTER TABLE {table} OWNER TO CURRENT_USER",
        "DROP TABLE {table} CASCADE",
    ],
)
def test_the_app_role_cannot_change_the_log_or_its_checkpoints(roles, siti, table, statement):
    owner, app = roles
    if table == "audit_accessevent":
        statement = statement.replace("last_hash", "hash")
    with (
        as_role(app),
        pytest.raises(DatabaseError, match=r"permission denied|must be owner"),
        connection.cursor() as cursor,
    ):
        cursor.execute(statement.format(table=table))
    assert table_owner(table) == owner
    assert AccessEvent.objects.exists()


def test_the_app_role_cannot_skip_the_triggers(roles):
    _owner, app = roles
    with (
        as_role(app),
        pytest.raises(DatabaseError, match="permission denied"),
        connection.cursor() as cursor,
    ):
        cursor.execute("SET session_replication_role = replica")


def test_the_app_role_appends_to_the_log_and_changes_other_tables(roles, siti, bu_rina):
    _owner, app = roles
    with as_role(app):
        event = log.record(
            log.Action.VIEW, actor=bu_rina, obj=siti.counselee, counselee=siti.counselee
        )
        AuditCheckpoint.objects.create(
            entry_count=event.id, last_id=event.id, last_hash=event.hash, key_version="v"
        )
        siti.email = "siti@sekolah.test"
        siti.save(update_fields=["email"])
        from django.contrib.sessions.models import Session

        Session.objects.all().delete()
    assert AccessEvent.objects.latest("id") == event


def test_tables_of_later_migrations_are_granted_to_the_app_role(roles):
    owner, app = roles
    with as_role(owner), connection.cursor() as cursor:
        cursor.execute("CREATE TABLE amanah_later_table (id bigint PRIMARY KEY)")
    try:
        with as_role(app), connection.cursor() as cursor:
            cursor.execute("INSERT INTO amanah_later_table VALUES (1)")
            cursor.execute("DELETE FROM amanah_later_table")
    finally:
        with connection.cursor() as cursor:
            cursor.execute("DROP TABLE amanah_later_table")


def test_the_script_can_be_applied_again_after_a_migration(roles):
    owner, app = roles
    again = psql("-v", f"migration_role={owner}", "-v", f"app_role={app}", "-f", str(SCRIPT))
    assert again.returncode == 0, again.stderr


def test_the_script_refuses_a_superuser_as_the_app_role(transactional_db):
    superuser = connection.settings_dict["USER"]
    refused = psql("-v", f"app_role={superuser}", "-f", str(SCRIPT))
    assert refused.returncode != 0
    assert "no superuser" in refused.stderr


def test_the_application_starts_and_works_as_the_app_role(roles, siti, bu_rina):
    _owner, app = roles
    settings = connection.settings_dict
    url = (
        f"postgres://{app}@{settings['HOST'] or '127.0.0.1'}:{settings['PORT']}/{settings['NAME']}"
    )
    checked = manage("check", DATABASE_URL=url, DEBUG="on")
    assert checked.returncode == 0, checked.stderr
    nightly = manage(
        "shell",
        "-c",
        "from counseling.audit import log, tasks; log.record('login_failed'); "
        "assert tasks.verify_audit_chain()",
        DATABASE_URL=url,
        DEBUG="on",
    )
    assert nightly.returncode == 0, nightly.stderr
    verified = manage("verify_audit", DATABASE_URL=url, DEBUG="on")
    assert verified.returncode == 0, verified.stderr
    assert AuditCheckpoint.objects.count() == 1


def test_a_production_server_owning_the_log_is_warned(roles, settings):
    _owner, app = roles
    settings.DEBUG = False
    [warning] = checks.check_database_role()  # the test runs as the superuser
    assert warning.id == "amanah.W052"
    assert "deploy/postgresql-roles.sql" in warning.hint
    with as_role(app):
        assert checks.check_database_role() == []

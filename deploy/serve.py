"""`make serve`: Amanah with production settings on this machine, under honcho.

1. Writes `$SERVE_DIR/env` (default `.serve/`, git-ignored) on the first run: DEBUG off,
   fresh secrets, the local PostgreSQL (database `amanah_serve`) and Redis, e-mail to a
   mail sink on 127.0.0.1:1025 that keeps every message in `$SERVE_DIR/mail`. Later runs
   keep the file as it is (edit it to change a setting) and only add what is missing.
2. Creates the database if it does not exist, migrates it, collects the static files,
   seeds the demo school into a new database (its accounts have the demo password, as
   with `make run`), and verifies the access log once, so that /healthz has a result.
3. Replaces itself with `honcho start`: gunicorn, the Celery worker, beat and the mail
   sink (deploy/Procfile), stopped together with Ctrl-C.
"""

import os
import secrets
import subprocess
import sys
from pathlib import Path

import environ
import psycopg
from cryptography.fernet import Fernet
from psycopg import sql

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent

MARKER = "# Written by `make serve` for this machine alone; edit freely, keep it private."


def defaults(serve_dir: Path) -> dict[str, str]:
    return {
        "DEBUG": "off",
        "SERVE_DIR": str(serve_dir),
        "DATABASE_URL": "postgres://postgres@127.0.0.1:5432/amanah_serve",
        "CONN_MAX_AGE": "60",
        "CELERY_BROKER_URL": "redis://127.0.0.1:6379/0",
        "GUNICORN_BIND": "127.0.0.1:8000",
        "GUNICORN_WORKERS": "2",
        "ALLOWED_HOSTS": "127.0.0.1,localhost",
        # No TLS on this machine: plain HTTP to gunicorn, links to it in e-mails.
        "SITE_URL": "http://127.0.0.1:8000",
        "SECURE_SSL_REDIRECT": "off",
        "MAIL_SINK": "127.0.0.1:1025",
        "EMAIL_URL": "smtp://127.0.0.1:1025",
        "DEFAULT_FROM_EMAIL": "Amanah <bk@amanah.test>",
        "ADMINS": "it@amanah.test",
    }


def generated_secrets() -> dict[str, str]:
    return {
        "SECRET_KEY": secrets.token_urlsafe(50),
        "FIELD_ENCRYPTION_KEY": Fernet.generate_key().decode(),
        "AUDIT_HMAC_KEY": secrets.token_urlsafe(50),
    }


def read_env(path: Path) -> dict[str, str]:
    values = {}
    for line in path.read_text().splitlines():
        line = line.strip()
        if line and not line.startswith("#") and "=" in line:
            name, value = line.split("=", 1)
            values[name.strip()] = value.strip()
    return values


def ensure_env_file(serve_dir: Path) -> dict[str, str]:
    """The settings of `make serve`: the file's, completed with defaults and secrets."""
    path = serve_dir / "env"
    serve_dir.mkdir(parents=True, exist_ok=True)
    serve_dir.chmod(0o700)
    present = read_env(path) if path.exists() else {}
    missing = {
        name: value
        for name, value in {**defaults(serve_dir), **generated_secrets()}.items()
        if name not in present
    }
    if missing:
        with path.open("a") as f:
            if not present:
                f.write(MARKER + "\n")
            f.writelines(f"{name}={value}\n" for name, value in missing.items())
        path.chmod(0o600)
    return {**present, **missing}


def create_database(url: str) -> bool:
    """Create the database of `url` unless it exists; True if it was created."""
    config = environ.Env.db_url_config(url)
    if not config["ENGINE"].endswith("postgresql"):
        raise SystemExit("make serve runs on PostgreSQL: set DATABASE_URL=postgres://… in its env.")
    connect = {
        "host": config["HOST"] or "127.0.0.1",
        "port": config["PORT"] or 5432,
        "user": config["USER"] or "postgres",
        "password": config["PASSWORD"] or None,
        "dbname": "postgres",
        "autocommit": True,
    }
    with psycopg.connect(**connect) as connection:
        exists = connection.execute(
            "SELECT 1 FROM pg_database WHERE datname = %s", [config["NAME"]]
        ).fetchone()
        if exists:
            return False
        connection.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(config["NAME"])))
    return True


def manage(env, *args, **extra):
    subprocess.run([sys.executable, "manage.py", *args], cwd=ROOT, env={**env, **extra}, check=True)


def main() -> None:
    serve_dir = Path(os.environ.get("SERVE_DIR") or ROOT / ".serve").resolve()
    settings = ensure_env_file(serve_dir)
    env = {**os.environ, **settings, "PATH": f"{BIN}{os.pathsep}{os.environ.get('PATH', '')}"}
    env.pop("DJANGO_SETTINGS_MODULE", None)
    created = create_database(settings["DATABASE_URL"])
    manage(env, "migrate", "--no-input", "-v0")
    manage(env, "collectstatic", "--no-input", "-v0")
    if created:
        # seed_demo refuses to run with DEBUG off: it makes accounts with a known password.
        manage(env, "seed_demo", DEBUG="on")
    manage(env, "verify_audit", "-v0")
    print(f"make serve: http://{settings['GUNICORN_BIND']}/ (settings: {serve_dir / 'env'})")
    honcho = str(BIN / "honcho")
    os.chdir(ROOT)
    os.execve(
        honcho,
        [honcho, "start", "-f", "deploy/Procfile", "-d", ".", "-e", str(serve_dir / "env")],
        env,
    )


if __name__ == "__main__":
    main()

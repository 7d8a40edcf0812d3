"""The Celery app. Tasks take ids, never content, and are safe to run twice."""

import logging
import os

from celery import Celery
from celery.signals import beat_init, worker_init

from counseling.ops import celery_hooks

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "counseling.settings")

app = Celery("counseling")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
# JSON logs with request ids, and the worker's heartbeat: see counseling.ops.celery_hooks.
celery_hooks.install(app)

logger = logging.getLogger("amanah.startup")


def refuse_to_start_unless_ready(process: str) -> None:
    """Run the start-up checks of `manage.py` and gunicorn; end the process on a failure.

    Celery logs an exception raised by a signal handler and carries on: a worker would
    say "ready" and run tasks with, say, a key that writes what nobody can read back.
    Only ending the process stops it. `SystemExit` is not an `Exception`, so the signal
    dispatcher lets it through, and the command exits non-zero.
    """
    from counseling.checks import fail_unless_ready

    try:
        fail_unless_ready()
    except Exception as error:  # a failed check, or checks that could not even run
        logger.critical("Amanah's %s refuses to start.\n%s", process, error)
        raise SystemExit(1) from error


# Signals reach every Celery app in the process; only Amanah's own app is checked here.


@worker_init.connect
def _check_worker(sender=None, **kwargs):
    if getattr(sender, "app", None) is app:
        refuse_to_start_unless_ready("Celery worker")


@beat_init.connect
def _check_beat(sender=None, **kwargs):
    if getattr(sender, "app", None) is app:
        refuse_to_start_unless_ready("Celery beat")

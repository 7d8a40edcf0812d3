"""The Celery app. Tasks take ids, never content, and are safe to run twice."""

import os

from celery import Celery
from celery.signals import worker_init

from counseling.ops import celery_hooks

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "counseling.settings")

app = Celery("counseling")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
# JSON logs with request ids, and the worker's heartbeat: see counseling.ops.celery_hooks.
celery_hooks.install(app)


@worker_init.connect
def refuse_to_start_unless_ready(**kwargs):
    # A worker with a wrong key would write data nobody can read back: run the same
    # start-up checks as the web server before taking any task.
    from counseling.checks import fail_unless_ready

    fail_unless_ready()

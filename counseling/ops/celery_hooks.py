"""What every Celery process of Amanah does besides running tasks.

- Logging: Django's `LOGGING` (JSON lines), not Celery's own format.
- A request id on every log line of a task: the web request's id travels in a message
  header (`amanah_request_id`) and becomes the task's context, as the request's was; a
  task started by beat gets its own task id. Access-log entries written by the task carry
  the same id.
- The worker's heartbeat (`counseling.ops.heartbeat`), from a timer in its main process.
"""

import logging.config

from celery import bootsteps
from celery.signals import before_task_publish, setup_logging, task_postrun, task_prerun
from django.conf import settings

from counseling.audit import context
from counseling.ops import heartbeat

HEADER = "amanah_request_id"

# Task id -> the context token to reset when the task ends.
_task_contexts: dict[str, object] = {}


class Heartbeat(bootsteps.StartStopStep):
    """Write this worker's heartbeat now and every `AMANAH_HEARTBEAT_SECONDS`."""

    requires = {"celery.worker.components:Timer"}

    def __init__(self, worker, **kwargs):
        super().__init__(worker, **kwargs)
        self.timer_entry = None

    def start(self, worker):
        beat = (heartbeat.beat, ("worker", worker.hostname))
        beat[0](*beat[1])
        self.timer_entry = worker.timer.call_repeatedly(
            settings.AMANAH_HEARTBEAT_SECONDS, beat[0], beat[1], priority=10
        )

    def stop(self, worker):
        if self.timer_entry is not None:
            self.timer_entry.cancel()
            self.timer_entry = None


def use_django_logging(**kwargs):
    logging.config.dictConfig(settings.LOGGING)


def carry_request_id(headers=None, **kwargs):
    request_id = context.current().request_id
    if request_id and headers is not None:
        headers.setdefault(HEADER, request_id)


def enter_task_context(task_id=None, task=None, **kwargs):
    if context.is_set():
        # A task run eagerly inside a web request keeps that request's context.
        return
    request_id = (task.request.get(HEADER) if task is not None else None) or task_id
    _task_contexts[task_id] = context.enter(context.RequestContext(request_id=request_id))


def leave_task_context(task_id=None, **kwargs):
    token = _task_contexts.pop(task_id, None)
    if token is not None:
        context.leave(token)


def install(app) -> None:
    app.steps["worker"].add(Heartbeat)
    setup_logging.connect(use_django_logging, weak=False)
    before_task_publish.connect(carry_request_id, weak=False)
    task_prerun.connect(enter_task_context, weak=False)
    task_postrun.connect(leave_task_context, weak=False)

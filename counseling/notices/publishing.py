"""Handing notices to the broker: after commit, off the request's path, and every 15 s.

A notice's id is handed to the broker once its transaction commits. That hand-over never
runs in the web request: a Redis that accepts connections and never answers would hold
the request for each socket timeout. A thread of the process publishes instead. It marks
the notices `queued_at` first and, when the broker fails, clears the mark again, so the
periodic re-queue publishes them once the broker answers. Nothing is lost either way: the
notice row is the durable copy, and a notice never marked (its process died first) is
the re-queue's at its next run.

With no broker configured (the embedded default), tasks run eagerly: the e-mail is then
sent in the calling process right after the commit, as before.
"""

import contextvars
import datetime
import logging
import os
import queue
import threading
import time

from django.db import connection, transaction
from django.db.models import Q
from django.utils import timezone

from counseling.notices import delivery
from counseling.notices.models import Notice

logger = logging.getLogger("amanah.notices")

# A notice handed to the broker that no worker has claimed after this long is handed
# again: its message may have been lost with a Redis restart or a killed worker.
REQUEUE_AFTER = delivery.CLAIM_TIMEOUT
REQUEUE_BATCH = 500
# After the broker fails, the publishing thread stops trying for this long: each try
# against a hung Redis costs socket timeouts, and the re-queue will do it anyway.
PAUSE_AFTER_FAILURE_SECONDS = 30.0


def _task():
    return delivery.deliver_notice


def publish_after_commit(notice_ids: list[int]) -> None:
    """Hand `notice_ids` to the broker once the current transaction commits."""
    if notice_ids:
        transaction.on_commit(lambda: _hand_over(list(notice_ids)))


def _hand_over(notice_ids: list[int]) -> None:
    if _task().app.conf.task_always_eager:
        # No broker: deliver in this process now, as the embedded default promises.
        for notice_id in notice_ids:
            _task().delay(notice_id)
        return
    _publisher().submit(notice_ids)


def _publish(notice_id: int) -> bool:
    try:
        _task().delay(notice_id)
    except Exception:  # any broker failure: the notice row is the durable copy
        logger.warning("notice %s not queued now; the periodic re-queue will", notice_id)
        return False
    return True


def _give_back(notice_ids) -> None:
    """Unmark notices the broker did not take: the re-queue publishes them at its next
    run, rather than after REQUEUE_AFTER."""
    Notice.objects.filter(pk__in=notice_ids, email_status=Notice.EmailStatus.PENDING).update(
        queued_at=None
    )


class _Publisher:
    """One thread per process that publishes what committed transactions hand it."""

    def __init__(self):
        self.pid = os.getpid()
        self.waiting = queue.SimpleQueue()
        self.paused_until = 0.0
        self.thread = threading.Thread(target=self._run, name="notice-publisher", daemon=True)
        self.thread.start()

    def submit(self, notice_ids: list[int]) -> None:
        # With the submitting request's context, so that the tasks published for it carry
        # its request id (counseling.ops.celery_hooks) as if it had published them itself.
        self.waiting.put((contextvars.copy_context(), notice_ids))

    def _take(self) -> list[tuple[contextvars.Context, list[int]]]:
        batch = [self.waiting.get()]
        while True:
            try:
                batch.append(self.waiting.get_nowait())
            except queue.Empty:
                return batch

    def _run(self) -> None:
        while True:
            batch = self._take()
            try:
                for context, notice_ids in batch:
                    context.run(self._publish_all, notice_ids)
            except Exception:  # never let the thread die; the re-queue covers the rest
                logger.exception("publishing %s batches of notices failed", len(batch))
            finally:
                # This thread's own database connection: closed while the thread waits.
                connection.close()

    def _publish_all(self, batch: list[int]) -> None:
        if time.monotonic() < self.paused_until:
            return  # left unmarked: the re-queue publishes them when the broker is back
        Notice.objects.filter(pk__in=batch, queued_at__isnull=True).update(queued_at=timezone.now())
        for position, notice_id in enumerate(batch):
            if not _publish(notice_id):
                self.paused_until = time.monotonic() + PAUSE_AFTER_FAILURE_SECONDS
                _give_back(batch[position:])
                return


_lock = threading.Lock()
_current: _Publisher | None = None


def _publisher() -> _Publisher:
    """This process's publisher; a forked child starts its own."""
    global _current
    with _lock:
        if _current is None or _current.pid != os.getpid():
            _current = _Publisher()
        return _current


def requeue(now: datetime.datetime | None = None) -> int:
    """Publish what is due and waiting: new reminders, retries after a back-off, notices
    the broker missed, and claims of workers that died. Returns how many it published.

    Runs in a worker every 15 seconds (beat). It stops at the first broker failure rather
    than paying a timeout per notice, and gives the rest back for its next run.
    """
    now = now or timezone.now()
    due = list(
        delivery.claimable(now)
        .filter(
            Q(queued_at__isnull=True)
            | Q(queued_at__lt=now - REQUEUE_AFTER)
            | Q(claimed_at__isnull=False)
        )
        .order_by("next_attempt_at")
        .values_list("pk", flat=True)[:REQUEUE_BATCH]
    )
    if not due:
        return 0
    Notice.objects.filter(pk__in=due).update(queued_at=now)
    for position, notice_id in enumerate(due):
        if not _publish(notice_id):
            _give_back(due[position:])
            return position
    return len(due)

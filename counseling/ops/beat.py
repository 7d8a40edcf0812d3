"""Exactly one beat: the scheduler sends tasks only while it holds a lock in Redis.

Two machines may both run `celery beat` (a standby, or a mistake); the nightly jobs must
still run once. Every beat keeps its schedule ticking, but only the one holding
`amanah:beat:lock` sends what is due; the others advance their schedule as if they had
sent it ("standing by"), so that when one of them takes over it does not send again what
the previous holder already sent. The lock expires `LOCK_INTERVALS` heartbeats after its
holder last renewed it, so a beat that dies is replaced within about half a minute, and
the holder renews it on every tick, before anything due is sent.
"""

import contextlib
import logging
import os
import socket
import uuid

import redis
from celery.beat import PersistentScheduler
from django.conf import settings

from counseling.ops import heartbeat

logger = logging.getLogger("amanah.beat")

LOCK_KEY = "amanah:beat:lock"
LOCK_INTERVALS = 2


class LockedScheduler(PersistentScheduler):
    def __init__(self, *args, **kwargs):
        self._lock = None
        self._leading = None
        super().__init__(*args, **kwargs)
        # The lock is renewed on every tick, so a tick must come well before it expires.
        self.max_interval = min(self.max_interval, settings.AMANAH_HEARTBEAT_SECONDS)

    @property
    def lock_seconds(self) -> int:
        return max(2, round(LOCK_INTERVALS * settings.AMANAH_HEARTBEAT_SECONDS))

    def _new_lock(self):
        return heartbeat.client().lock(
            LOCK_KEY, timeout=self.lock_seconds, blocking=False, thread_local=False
        )

    def _hold_lock(self) -> bool:
        """Renew the lock if this beat holds it, else try to take it. True if held."""
        try:
            if self._lock is None:
                self._lock = self._new_lock()
            if self._lock.local.token is not None:
                try:
                    self._lock.reacquire()
                    return True
                except redis.exceptions.LockNotOwnedError:
                    self._lock.local.token = None
                    logger.warning("beat lost the scheduler lock; standing by")
            # The token names this machine, which helps whoever reads Redis by hand.
            token = f"{socket.gethostname()}:{os.getpid()}:{uuid.uuid4().hex}"
            if self._lock.acquire(blocking=False, token=token):
                logger.info("beat holds the scheduler lock and sends the schedule")
                return True
        except redis.RedisError as error:
            logger.warning("beat cannot reach Redis (%s); sending nothing", type(error).__name__)
        return False

    def tick(self, *args, **kwargs):
        leading = self._hold_lock()
        if self._leading is None and not leading:
            logger.info("beat stands by: another beat holds the scheduler lock")
        self._leading = leading
        if leading:
            heartbeat.beat("beat")
        return super().tick(*args, **kwargs)

    def apply_entry(self, entry, producer=None):
        if not self._leading:
            logger.info("standing by: %s is sent by the beat that holds the lock", entry.name)
            return
        super().apply_entry(entry, producer=producer)

    def close(self):
        # Hand over at once on a clean stop instead of waiting for the lock to expire.
        if self._lock is not None and self._lock.local.token is not None:
            with contextlib.suppress(redis.RedisError):
                self._lock.release()
        super().close()

"""Heartbeats of the worker and beat, kept in Redis (the broker) with an expiry.

Each running worker writes `amanah:heartbeat:worker:<hostname>` every
`AMANAH_HEARTBEAT_SECONDS`, from its main process (a bootstep with a timer, see
`counseling.ops.celery_hooks`); the beat that holds the scheduler lock writes
`amanah:heartbeat:beat` on every tick. The value is the Unix time of the beat, so any
process can tell how long ago it was; the key expires on its own once nobody writes it.
"""

import logging
import time

import redis
from django.conf import settings

logger = logging.getLogger("amanah.ops")

PREFIX = "amanah:heartbeat:"
# A heartbeat older than this many intervals means the process is gone or stuck.
STALE_AFTER_INTERVALS = 4

_clients: dict[str, redis.Redis] = {}


def in_use() -> bool:
    """Whether tasks go through a broker at all (not in the embedded default)."""
    return not settings.CELERY_TASK_ALWAYS_EAGER


def client() -> redis.Redis:
    """A Redis client on the broker's database, with short timeouts (one per process)."""
    url = settings.CELERY_BROKER_URL
    if url not in _clients:
        _clients[url] = redis.Redis.from_url(url, socket_timeout=2, socket_connect_timeout=2)
    return _clients[url]


def max_age() -> float:
    return STALE_AFTER_INTERVALS * settings.AMANAH_HEARTBEAT_SECONDS


def beat(role: str, name: str = "") -> None:
    """Record that `role` (worker, beat) is alive now. Never raises: a heartbeat that
    cannot be written is simply missing, which is what the health check reports."""
    key = PREFIX + role + (f":{name}" if name else "")
    try:
        client().set(key, repr(time.time()), ex=int(max_age() * 10))
    except redis.RedisError as error:
        logger.warning("heartbeat of %s not written: %s", role, type(error).__name__)


def ages(role: str) -> list[float]:
    """Seconds since each heartbeat of `role` was written, freshest first. Raises
    `redis.RedisError` when Redis cannot be read."""
    connection = client()
    keys = [PREFIX + role, *connection.scan_iter(match=f"{PREFIX}{role}:*", count=100)]
    now = time.time()
    found = [float(value) for value in connection.mget(keys) if value is not None]
    return sorted(max(0.0, now - at) for at in found)

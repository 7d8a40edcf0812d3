"""An in-process Celery worker on a redis-server of the test module's own.

Use in a test module with `from tests.ops.celery_support import *`-free imports of the
three fixtures below; the worker runs in a thread of the test process, so it uses the
test database, and the tests are transactional.
"""

import pytest
from celery.contrib.testing.app import TestApp
from django.conf import settings

from tests.ops.stack import Processes, RedisServer


@pytest.fixture(scope="module")
def own_redis(tmp_path_factory):
    processes = Processes(tmp_path_factory.mktemp("redis"))
    yield RedisServer(processes)
    processes.stop_all()


@pytest.fixture
def celery_app(own_redis):
    """The project's CELERY_* settings, on this module's Redis (emptied first)."""
    config = {
        name.removeprefix("CELERY_").lower(): getattr(settings, name)
        for name in dir(settings)
        if name.startswith("CELERY_")
    }
    app = TestApp(config={**config, "broker_url": own_redis.url, "task_always_eager": False})
    with app.connection_for_write() as connection:
        connection.default_channel.client.flushdb()
    return app


@pytest.fixture
def celery_includes():
    return ("counseling.notices.tasks",)

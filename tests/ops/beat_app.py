"""The project's Celery app with a schedule of one-off "nightly" jobs, for the two-beats test.

`celery --app tests.ops.beat_app beat` runs Amanah's own scheduler
(`counseling.ops.beat.LockedScheduler`, from settings) on two entries that are due once
each, at the Unix times listed in NIGHTLY_AT: the same as the 02:00 audit check, only
sooner. The tasks are never run; the test reads the messages beat sent from Redis.
"""

import os
import time

from celery.schedules import schedstate, schedule

from counseling.celery import app

PROBE_TASK = "tests.ops.nightly_probe"


class OnceAt(schedule):
    """Due once, at `at` (a Unix time), like a crontab entry that fires once a night."""

    def __init__(self, at: float, app=None):
        self.at = at
        super().__init__(run_every=3600, app=app)

    def is_due(self, last_run_at):
        now = time.time()
        if last_run_at.timestamp() < self.at <= now:
            return schedstate(True, 3600.0)
        return schedstate(False, max(0.05, self.at - now) if now < self.at else 3600.0)

    def __eq__(self, other):
        return isinstance(other, OnceAt) and other.at == self.at

    def __hash__(self):
        return hash(self.at)

    def __reduce__(self):
        return self.__class__, (self.at,)


app.conf.beat_schedule = {
    f"nightly-{number}": {"task": f"{PROBE_TASK}-{number}", "schedule": OnceAt(float(at))}
    for number, at in enumerate(os.environ["NIGHTLY_AT"].split(","))
}

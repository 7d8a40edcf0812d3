"""Settings for the benchmark: the production settings, plus the benchmark's pieces.

Production code never reads anything from here. This module only adds the `bench` app
(for `manage.py seed_scale`), a middleware that reports each response's query count in a
header, and a URLconf with the "bare" pages (`bench.bare_views`) beside the real ones.
"""

from counseling.settings import *  # noqa: F403

INSTALLED_APPS = [*INSTALLED_APPS, "bench"]  # noqa: F405
ROOT_URLCONF = "bench.urls"
MIDDLEWARE = ["bench.middleware.QueryCountMiddleware", *MIDDLEWARE]  # noqa: F405

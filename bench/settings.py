"""Settings for the benchmark server: the production settings, plus two benchmark pieces.

Production code never reads anything from here. This module only adds a middleware that
reports each response's query count in a header, and a URLconf with the "bare" pages
(`bench.bare_views`) beside the real ones.
"""

from counseling.settings import *  # noqa: F403

ROOT_URLCONF = "bench.urls"
MIDDLEWARE = ["bench.middleware.QueryCountMiddleware", *MIDDLEWARE]  # noqa: F405

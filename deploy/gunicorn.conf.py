"""gunicorn's settings for Amanah, used by the systemd unit and by `make serve`.

    gunicorn --config deploy/gunicorn.conf.py counseling.wsgi

Under systemd the socket comes from amanah-web.socket (socket activation) and `bind` is
not used; elsewhere gunicorn listens on GUNICORN_BIND. Every value can be changed in the
environment file (/etc/amanah/amanah.env) without editing this file.
"""

import multiprocessing
import os

bind = os.environ.get("GUNICORN_BIND", "127.0.0.1:8000")
# Two processes per core, plus one: a page spends part of its time waiting on PostgreSQL.
workers = int(os.environ.get("GUNICORN_WORKERS", multiprocessing.cpu_count() * 2 + 1))
# A request that takes this long is killed and answered with an error: no page of
# Amanah's should come near it (see the benchmark), and a hung worker must come back.
timeout = int(os.environ.get("GUNICORN_TIMEOUT", 30))
graceful_timeout = 20
# Keep-alive connections from the reverse proxy.
keepalive = 5
# Recycle workers now and then, so that a slow leak never grows.
max_requests = 2000
max_requests_jitter = 200
# Load the application before forking: a wrong key or a missing setting stops the
# master at once with the check's message (counseling.checks), instead of each worker
# failing in turn.
preload_app = True

# Logs: JSON lines on stderr (the journal under systemd), one access line per request,
# with its path but never its query string, which can carry ids and search terms.
logger_class = "counseling.ops.gunicorn_logging.GunicornLogger"
accesslog = "-"
errorlog = "-"
loglevel = os.environ.get("LOG_LEVEL", "info").lower()
# Used only if logger_class is removed: the same fields, still without the query string.
access_log_format = '%(h)s "%(m)s %(U)s" %(s)s %(B)s %(M)sms %({x-request-id}o)s'

# Only the reverse proxy may say that a request came over HTTPS (X-Forwarded-Proto).
forwarded_allow_ips = os.environ.get("FORWARDED_ALLOW_IPS", "127.0.0.1,::1")
proc_name = "amanah-web"


def pre_fork(server, worker):
    # The start-up checks ran in this process (preload_app) and opened a database
    # connection; a forked worker must open its own, never share the master's.
    from django.db import connections

    connections.close_all()

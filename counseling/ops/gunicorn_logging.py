"""gunicorn's error and access logs in Amanah's JSON shape (`counseling.ops.logs`).

Named by `logger_class` in deploy/gunicorn.conf.py.
"""

from gunicorn import glogging

from counseling.ops.logs import JsonFormatter


class GunicornLogger(glogging.Logger):
    """gunicorn's error and access logs in Amanah's JSON shape.

    An access line names the method, the path without its query string (a query can
    carry ids and search terms), the status, the time taken and the request id that
    Amanah set on the response.
    """

    def setup(self, cfg):
        super().setup(cfg)
        for log in (self.error_log, self.access_log):
            for handler in log.handlers:
                handler.setFormatter(JsonFormatter())

    def access(self, resp, req, environ, request_time):
        if not self.access_log_enabled:
            return
        status = resp.status
        if isinstance(status, str):
            status = status.split(None, 1)[0]
        headers = {name.lower(): value for name, value in resp.headers}
        method, path = environ.get("REQUEST_METHOD", "-"), environ.get("PATH_INFO", "-")
        self.access_log.info(
            "%s %s %s",
            method,
            path,
            status,
            extra={
                "request_id": headers.get("x-request-id", ""),
                "method": method,
                "path": path,
                "status": int(status) if str(status).isdigit() else status,
                "duration_ms": round(request_time.total_seconds() * 1000, 1),
                "bytes": getattr(resp, "sent", None),
                "remote": environ.get("REMOTE_ADDR"),
                "forwarded_for": environ.get("HTTP_X_FORWARDED_FOR"),
            },
        )

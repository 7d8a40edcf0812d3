"""A small HTTP client on the standard library, speaking to gunicorn as the proxy would.

The reverse proxy in production terminates TLS and sets X-Forwarded-Proto, which Amanah
trusts; the benchmark sends the same header instead of redirecting to HTTPS. Cookies are
sent by hand: the session and CSRF cookies are marked Secure.
"""

import http.client
import time

# 32 characters: an unmasked CSRF secret, sent both as the cookie and in the form.
CSRF_TOKEN = "benchbenchbenchbenchbenchbench12"  # noqa: S105


class Client:
    def __init__(self, port, session_key=None, timeout=120):
        self.port = port
        self.session_key = session_key
        self.timeout = timeout
        self.connection = None

    def _headers(self, extra=None):
        cookies = [f"csrftoken={CSRF_TOKEN}"]
        if self.session_key:
            cookies.append(f"sessionid={self.session_key}")
        headers = {
            "Host": "127.0.0.1",
            "X-Forwarded-Proto": "https",
            "Cookie": "; ".join(cookies),
            "User-Agent": "amanah-bench",
        }
        headers.update(extra or {})
        return headers

    def request(self, method, path, body=None, headers=None):
        """(status, headers, body, seconds); reconnects once if the connection was closed."""
        for attempt in range(2):
            if self.connection is None:
                self.connection = http.client.HTTPConnection(
                    "127.0.0.1", self.port, timeout=self.timeout
                )
            started = time.perf_counter()
            try:
                self.connection.request(method, path, body=body, headers=self._headers(headers))
                response = self.connection.getresponse()
                content = response.read()
            except (http.client.HTTPException, ConnectionError):
                self.connection.close()
                self.connection = None
                if attempt:
                    raise
                continue
            elapsed = time.perf_counter() - started
            if response.getheader("Connection", "").lower() == "close":
                self.connection.close()
                self.connection = None
            return response.status, dict(response.getheaders()), content, elapsed
        raise AssertionError("unreachable")

    def get(self, path):
        status, headers, content, _ = self.request("GET", path)
        return status, headers, content

    def post_form(self, path, fields: dict):
        from urllib.parse import urlencode

        body = urlencode({"csrfmiddlewaretoken": CSRF_TOKEN, **fields})
        return self.request(
            "POST",
            path,
            body=body,
            headers={
                "Content-Type": "application/x-www-form-urlencoded",
                "Referer": "https://127.0.0.1/",
            },
        )

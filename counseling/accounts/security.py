"""Middleware that guards every request: headers, session lifetimes, the second factor."""

import re
import time

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.core.exceptions import SuspiciousOperation
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.cache import add_never_cache_headers
from django.utils.translation import gettext as _

from counseling import policy

LAST_SEEN = "amanah_last_seen"
LOGGED_IN_AT = "amanah_logged_in_at"
LAST_SEEN_PRECISION = 30  # seconds


class SecurityHeadersMiddleware:
    """Permissions-Policy everywhere; `Cache-Control: no-store` on every page.

    Every page but the static files may show a student's data, so none may be kept by
    a browser or a proxy (a shared school computer keeps its cache).
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        response.setdefault("Permissions-Policy", settings.AMANAH_PERMISSIONS_POLICY)
        if not request.path.startswith(settings.STATIC_URL):
            add_never_cache_headers(response)
            response["Cache-Control"] = "no-store, no-cache, must-revalidate, private, max-age=0"
        return response


class NulInUrl(SuspiciousOperation):
    """A URL carried a NUL character."""


class RefuseNulInUrlMiddleware:
    """Answer 400 Bad Request to a URL whose path or query carries a NUL character.

    No page takes one, and PostgreSQL refuses a NUL in any text parameter: a NUL in a
    path segment (a username in a booking URL) or a query value (an admin list filter)
    would otherwise reach a query and end in a server error. Forms refuse NUL in what
    is posted to them, with a message, through Django's own validator.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        query = request.GET.lists()
        if "\x00" in request.path or any("\x00" in k + "".join(v) for k, v in query):
            raise NulInUrl("NUL character in the URL")
        return self.get_response(request)


def idle_timeout(user):
    return settings.AMANAH_IDLE_TIMEOUT.get(user.role, min(settings.AMANAH_IDLE_TIMEOUT.values()))


# Polls that pages send on their own: they never count as activity for the idle logout.
PASSIVE_PATHS = frozenset({"/crisis/poll/"})
PASSIVE_PATTERN = re.compile(r"^/crisis/mine/[0-9a-f-]{36}/state/$")


def is_passive(path: str) -> bool:
    return path in PASSIVE_PATHS or bool(PASSIVE_PATTERN.match(path))


class SessionTimeoutMiddleware:
    """Log out after the role's idle time and after the absolute session lifetime.

    Also ends, on the server, the session of an account deactivated since it logged in.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        session = request.session
        if not request.user.is_authenticated:
            if session.get("_auth_user_id"):
                # The account was deactivated or deleted: end the session server-side.
                session.flush()
            return self.get_response(request)

        now = time.time()
        logged_in_at = session.setdefault(LOGGED_IN_AT, now)
        last_seen = session.get(LAST_SEEN, now)
        expired = now - last_seen > idle_timeout(request.user).total_seconds() or (
            now - logged_in_at > settings.AMANAH_SESSION_LIFETIME.total_seconds()
        )
        if expired:
            logout(request)
            messages.info(request, _("Sesi berakhir karena lama tidak aktif. Silakan masuk lagi."))
            return redirect(f"{reverse('login')}?next={request.path}")
        if (
            is_passive(request.path) or request.headers.get("X-Amanah-Poll")
        ) and LAST_SEEN in session:
            # A page polling for news (the crisis banner, a conversation) is not someone at
            # the keyboard: it must not keep an unattended session alive.
            return self.get_response(request)
        if now - last_seen > LAST_SEEN_PRECISION or LAST_SEEN not in session:
            # Writing the session on every request would cost a query each time; the
            # idle clock need not be more precise than this.
            session[LAST_SEEN] = now
        return self.get_response(request)


# Paths a counselor or admin may reach with the password alone; and the enrolment links,
# which carry their token in the path.
SECOND_FACTOR_OPEN = ("two-factor-setup", "two-factor-verify", "logout", "set_language")
ENROLMENT_LINK_PREFIX = "/accounts/2fa/enrol/"


class SecondFactorMiddleware:
    """Counselors and admins reach nothing but the two-factor pages until verified."""

    def __init__(self, get_response):
        self.get_response = get_response
        self._open_paths = None

    def open_paths(self):
        if self._open_paths is None:
            self._open_paths = {reverse(name) for name in SECOND_FACTOR_OPEN}
        return self._open_paths

    def __call__(self, request):
        if (
            policy.needs_second_factor(request.user)
            and request.path not in self.open_paths()
            and not request.path.startswith(ENROLMENT_LINK_PREFIX)
        ):
            return redirect(f"{reverse('two-factor-verify')}?next={request.path}")
        return self.get_response(request)


# Paths open to an account whose password an admin set, before it chooses its own.
TEMPORARY_PASSWORD_OPEN = ("choose-password", "logout", "set_language")


class TemporaryPasswordMiddleware:
    """A password an admin set leads only to "choose your own password".

    Runs after the second factor: a counselor or admin passes it first, so that knowing
    the password the admin typed is not enough to choose the next one.
    """

    def __init__(self, get_response):
        self.get_response = get_response
        self._open_paths = None

    def open_paths(self):
        if self._open_paths is None:
            self._open_paths = {reverse(name) for name in TEMPORARY_PASSWORD_OPEN}
        return self._open_paths

    def __call__(self, request):
        if policy.must_choose_password(request.user) and request.path not in self.open_paths():
            return redirect("choose-password")
        return self.get_response(request)

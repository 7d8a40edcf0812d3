"""Failed logins count toward a lockout; a successful one clears the account's count."""

import time

from django.contrib.auth import signals
from django.dispatch import receiver

from counseling.accounts import lockout, security
from counseling.audit import context


@receiver(signals.user_login_failed)
def count_failure(sender, credentials, request=None, **kwargs):
    lockout.record_failure(credentials.get("username", ""), context.current().ip_address)


@receiver(signals.user_logged_in)
def start_session_clocks(sender, request, user, **kwargs):
    """A fresh login: clear the failure count, start the idle and lifetime clocks."""
    lockout.clear(user.get_username())
    if request is not None and hasattr(request, "session"):
        now = time.time()
        request.session[security.LOGGED_IN_AT] = now
        request.session[security.LAST_SEEN] = now

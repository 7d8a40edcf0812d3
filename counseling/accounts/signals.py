"""A fresh login starts the session's idle and lifetime clocks.

Failed and successful passwords are counted by the login form itself
(`counseling.accounts.lockout`): it must count before it evaluates.
"""

import time

from django.contrib.auth import signals
from django.dispatch import receiver

from counseling.accounts import security


@receiver(signals.user_logged_in)
def start_session_clocks(sender, request, user, **kwargs):
    if request is not None and hasattr(request, "session"):
        now = time.time()
        request.session[security.LOGGED_IN_AT] = now
        request.session[security.LAST_SEEN] = now

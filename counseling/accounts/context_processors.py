from django.conf import settings

from counseling import policy
from counseling.accounts.security import idle_timeout


def session_timeout(request):
    """Seconds of idleness before logout, for the warning shown a minute earlier."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    return {
        "idle_seconds": int(idle_timeout(user).total_seconds()),
        "idle_warning_seconds": int(settings.AMANAH_IDLE_WARNING.total_seconds()),
        # The menu would only lead back to the two-factor page, or to "choose your own
        # password".
        "second_factor_pending": policy.needs_second_factor(user)
        or policy.must_choose_password(user),
    }

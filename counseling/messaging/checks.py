"""Start-up checks of online counseling (ids amanah.E110-E119)."""

from django.conf import settings
from django.core import checks


@checks.register("amanah")
def check_message_notice_window(app_configs=None, **kwargs):
    """A notice window under a minute would send an e-mail per line (or none at all:
    zero divides the clock into no windows)."""
    minutes = settings.AMANAH_MESSAGE_NOTICE_MINUTES
    if isinstance(minutes, int) and minutes >= 1:
        return []
    return [
        checks.Error(
            f"MESSAGE_NOTICE_MINUTES is {minutes!r}; it must be a whole number of minutes, "
            "1 or more.",
            hint="Set MESSAGE_NOTICE_MINUTES to e.g. 15: one new-message notice per "
            "conversation and recipient per window of that length.",
            id="amanah.E110",
        )
    ]

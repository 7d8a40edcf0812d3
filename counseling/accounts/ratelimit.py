"""Per-user limits on actions that reach other people: booking, cancelling, urgent flags,
emergency access requests.

Each action is counted before it runs, with the same atomic counter as the lockout, so
parallel requests cannot pass a limit together; an action that then fails is given
back. Limits come from `AMANAH_RATE_LIMITS` (count, period) and a refusal says, in the
user's words, when to try again. Refusals are written to the access log.
"""

from contextlib import contextmanager

from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils import formats, timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from counseling.accounts import counters
from counseling.audit import log

MESSAGES = {
    "booking": gettext_lazy(
        "Kamu sudah terlalu sering memesan atau memindahkan jadwal. Coba lagi %(when)s."
    ),
    "cancel": gettext_lazy(
        "Kamu sudah terlalu sering membatalkan jadwal. Coba lagi %(when)s, atau hubungi guru "
        "BK-mu langsung."
    ),
    "urgent": gettext_lazy(
        "Kamu sudah beberapa kali menandai permintaan sebagai mendesak. Tanda mendesak dapat "
        "dipakai lagi %(when)s; kamu tetap bisa memesan tanpa tanda itu. Bila kamu dalam "
        "bahaya sekarang, temui guru BK atau guru mana pun di sekolah, atau hubungi 112."
    ),
    "emergency_access": gettext_lazy(
        "Anda sudah terlalu sering meminta akses darurat. Coba lagi %(when)s, atau hubungi "
        "koordinator BK."
    ),
}


class RateLimited(ValidationError):
    """The user has used up an action for now; the message says when to try again."""


def _key(user, action: str) -> str:
    return f"rate:{action}:user:{user.pk}"


def _when(moment) -> str:
    local = timezone.localtime(moment)
    time = formats.time_format(local, "H:i")
    if local.date() == timezone.localdate():
        return _("pukul %(time)s") % {"time": time}
    return _("pada %(date)s pukul %(time)s") % {
        "date": formats.date_format(local, "j F"),
        "time": time,
    }


def _take(user, action: str) -> None:
    limit, period = settings.AMANAH_RATE_LIMITS[action]
    key = _key(user, action)
    hit = counters.hit(key, limit=limit, window=period)
    if hit.allowed:
        return
    counters.release(key)
    log.record(log.Action.RATE_LIMITED, actor=user, object_type="ratelimit", object_id=action)
    raise RateLimited(MESSAGES[action] % {"when": _when(hit.retry_at)}, code="rate_limited")


@contextmanager
def limited(user, *actions: str):
    """Run the block as one use of each of `actions` by `user`, or raise `RateLimited`.

    A block that raises gives its uses back: only actions that happened count.
    Run it outside the action's transaction, so that the count is never rolled back.
    """
    taken = []
    try:
        for action in actions:
            _take(user, action)
            taken.append(action)
        yield
    except BaseException:
        for action in taken:
            counters.release(_key(user, action))
        raise

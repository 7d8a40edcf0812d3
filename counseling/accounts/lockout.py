"""Locking out repeated failed logins, by the account name typed and by the address.

The refusal reads the same whether or not the account exists, and a name that does not
exist locks like one that does, so a lockout tells nothing about who has an account.
"""

import hashlib
import hmac

from django.conf import settings
from django.utils import timezone

from counseling.accounts.models import LoginFailure
from counseling.audit import log


def _name_hash(username: str) -> str:
    key = settings.SECRET_KEY.encode()
    return hmac.new(key, username.strip().casefold().encode(), hashlib.sha256).hexdigest()


def _recent():
    return LoginFailure.objects.filter(
        failed_at__gte=timezone.now() - settings.AMANAH_LOCKOUT_WINDOW
    )


def is_locked(username: str, ip_address: str | None) -> bool:
    recent = _recent()
    if recent.filter(username_hash=_name_hash(username)).count() >= (
        settings.AMANAH_LOCKOUT_ACCOUNT_FAILURES
    ):
        return True
    return bool(ip_address) and recent.filter(ip_address=ip_address).count() >= (
        settings.AMANAH_LOCKOUT_ADDRESS_FAILURES
    )


def record_failure(username: str, ip_address: str | None) -> None:
    """Count one failure; the one that reaches a limit is logged as a lockout."""
    was_locked = is_locked(username, ip_address)
    LoginFailure.objects.create(username_hash=_name_hash(username), ip_address=ip_address)
    if not was_locked and is_locked(username, ip_address):
        log.record(log.Action.LOCKED_OUT, object_type="accounts.login")


def clear(username: str) -> None:
    """A successful login clears the account's count (not the address's)."""
    LoginFailure.objects.filter(username_hash=_name_hash(username)).delete()

"""Limits on guessing passwords: at the login form and at every password re-check.

Every attempt is counted before its password is evaluated (`begin`), with an atomic
counter, so however many attempts arrive at once, at most the limit are ever evaluated.
Then `succeeded` or `failed` settles it. Three counters, each over
`AMANAH_LOCKOUT_WINDOW`:

- **The account at an address**: after `AMANAH_LOCKOUT_ACCOUNT_FAILURES` failures, the
  account is locked at that address, the right password included. A school behind one
  address loses that one account there, not every account.
- **The account on a trusted device**: a browser in which the account signed in before
  carries a signed device cookie; its attempts are counted apart from the address, so
  the owner's own phone still signs in while someone else guesses from the same network.
- **The address**: after `AMANAH_LOCKOUT_ADDRESS_FAILURES` failures on any accounts, the
  address is throttled: browsers without the account's device cookie are refused, so
  guessing stops, while people signing in where they have signed in before go on.

The refusal reads the same whether or not the account exists, and a name that does not
exist locks like one that does, so a lockout tells nothing about who has an account.
Typed names are kept only as keyed hashes: people type their password there by mistake.
"""

import hashlib
import hmac
import ipaddress
import secrets
from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import PermissionDenied

from counseling.accounts import counters
from counseling.audit import log

DEVICE_COOKIE = "amanah_device"
_DEVICE_SALT = "amanah.accounts.lockout.device"
_DEVICES_KEPT = 5


class LockedOut(Exception):
    """Too many failed attempts: the password was not evaluated."""


@dataclass(frozen=True)
class Attempt:
    """One password attempt counted by `begin`, to be settled by `succeeded` or `failed`."""

    account_key: str
    address_key: str | None
    # This attempt's place in the account's count: the one at the limit logs the lockout.
    count: int


def _name_hash(username: str) -> str:
    key = settings.SECRET_KEY.encode()
    return hmac.new(key, username.strip().casefold().encode(), hashlib.sha256).hexdigest()


def _address(ip_address: str | None) -> str:
    """The address a lock applies to: IPv6 by its /64, the block one subscriber holds."""
    if not ip_address:
        return "unknown"
    try:
        address = ipaddress.ip_address(ip_address)
    except ValueError:
        return "unknown"
    if address.version == 6:
        return str(ipaddress.ip_network(f"{address}/64", strict=False))
    return str(address)


def _account_prefix(name: str) -> str:
    return f"login:account:{name}:"


def begin(username: str, ip_address: str | None, device: str | None = None) -> Attempt:
    """Count an attempt for `username` before its password is evaluated.

    `device` is the nonce of the browser's device cookie for this account
    (`device_for`), or None. Raises `LockedOut` when the attempt may not be evaluated;
    a refused attempt is not counted as a failure.
    """
    window = settings.AMANAH_LOCKOUT_WINDOW
    name = _name_hash(username)
    address_key = None
    if device is None:
        address_key = f"login:address:{_address(ip_address)}"
        address = counters.hit(
            address_key, limit=settings.AMANAH_LOCKOUT_ADDRESS_FAILURES, window=window
        )
        if not address.allowed:
            counters.release(address_key)
            raise LockedOut
        account_key = f"{_account_prefix(name)}address:{_address(ip_address)}"
    else:
        account_key = f"{_account_prefix(name)}device:{device}"
    account = counters.hit(
        account_key, limit=settings.AMANAH_LOCKOUT_ACCOUNT_FAILURES, window=window
    )
    if not account.allowed:
        counters.release(account_key)
        if address_key is not None:
            counters.release(address_key)
        raise LockedOut
    return Attempt(account_key=account_key, address_key=address_key, count=account.count)


def succeeded(attempt: Attempt) -> None:
    """The password was right: the account's count starts again; the address's is not a
    failure either."""
    counters.clear(attempt.account_key)
    if attempt.address_key is not None:
        counters.release(attempt.address_key)


def failed(attempt: Attempt, account=None) -> None:
    """The password was wrong: it stays counted. The failure that reaches the account's
    limit is logged as a lockout (naming the account, if `account` exists)."""
    if attempt.count == settings.AMANAH_LOCKOUT_ACCOUNT_FAILURES:
        log.record(
            log.Action.LOCKED_OUT,
            object_type="accounts.user" if account is not None else "accounts.login",
            object_id=str(account.pk) if account is not None else "",
        )


def unlock(user, *, by) -> int:
    """An admin lifts the locks on `user`'s account, at every address and on every device.

    Logged; the student sees it on her own access page. The address throttle stays: it
    is about the network, not the account.
    """
    from counseling import policy
    from counseling.records.models import Counselee

    if not policy.may_manage_accounts(by):
        raise PermissionDenied
    lifted = counters.clear_prefix(_account_prefix(_name_hash(user.get_username())))
    log.record(
        log.Action.UNLOCKED,
        actor=by,
        obj=user,
        counselee=Counselee.objects.filter(user=user).first(),
        purpose=log.Purpose.ADMINISTRATION,
    )
    return lifted


# The device cookie: "signed in here before", per account, for up to five accounts.


def _device_entries(request) -> dict[str, str]:
    raw = request.get_signed_cookie(
        DEVICE_COOKIE,
        default="",
        salt=_DEVICE_SALT,
        max_age=settings.AMANAH_LOCKOUT_DEVICE_COOKIE_AGE.total_seconds(),
    )
    entries = {}
    for item in raw.split(",") if raw else []:
        name, _, nonce = item.partition(":")
        if name and nonce:
            entries[name] = nonce
    return entries


def device_for(request, username: str) -> str | None:
    """The nonce of this browser's device cookie for `username`, if it has one."""
    if request is None:
        return None
    return _device_entries(request).get(_name_hash(username)[:32])


def remember_device(request, response, username: str) -> None:
    """After a successful sign-in: this browser is now a trusted device for `username`."""
    entries = _device_entries(request)
    name = _name_hash(username)[:32]
    entries.pop(name, None)
    entries[name] = secrets.token_urlsafe(12)
    kept = list(entries.items())[-_DEVICES_KEPT:]
    response.set_signed_cookie(
        DEVICE_COOKIE,
        ",".join(f"{n}:{nonce}" for n, nonce in kept),
        salt=_DEVICE_SALT,
        max_age=int(settings.AMANAH_LOCKOUT_DEVICE_COOKIE_AGE.total_seconds()),
        secure=settings.SESSION_COOKIE_SECURE,
        httponly=True,
        samesite="Lax",
    )

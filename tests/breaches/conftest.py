"""A data protection officer, a clock the access log follows, and a seeded access log.

The access log stamps each entry with `timezone.now()` and never earlier than the entry
before; `clock.at(moment)` moves that time forward, so a test can write entries at the
moments its story needs, in order.
"""

import datetime

import pytest
from django.utils import timezone

from counseling.accounts.models import User
from counseling.audit import log
from counseling.breaches import services
from counseling.breaches.models import Breach
from tests.conftest import login, make_user, second_factor

SITI_NOTE = "RAHASIA-BOCOR-4471: Siti takut ayahnya tahu nilainya turun."


@pytest.fixture
def dpo(db):
    return make_user("larasati", "Larasati Putri, S.H.", User.Role.DPO)


@pytest.fixture
def client_for(client):
    """As the root fixture, with the DPO's second factor verified too."""
    from django_otp import DEVICE_ID_SESSION_KEY

    def as_user(user, *, verified=True):
        login(client, user, verified=verified)
        if verified and user.role == User.Role.DPO:
            session = client.session
            session[DEVICE_ID_SESSION_KEY] = second_factor(user).persistent_id
            session.save()
        return client

    return as_user


class Clock:
    def __init__(self, monkeypatch):
        self.monkeypatch = monkeypatch
        # A day after the fixtures' own entries, which were written at the real time.
        self.start = timezone.now().replace(microsecond=0) + datetime.timedelta(days=1)

    def at(self, moment):
        self.monkeypatch.setattr(timezone, "now", lambda: moment)
        return moment

    def after(self, **delta):
        return self.at(self.start + datetime.timedelta(**delta))


@pytest.fixture
def clock(monkeypatch):
    return Clock(monkeypatch)


@pytest.fixture
def seeded_log(clock, siti, dimas, nabila, bu_rina, pak_budi):
    """Bu Rina's laptop is lost; her account opens records between T+0 and T+3h.

    What must count (her views, an emergency access, an export, in the window) and what
    must not (before or after it, another counselor's view, a denial, a login, a change).
    """
    s, d, n = siti.counselee, dimas.counselee, nabila.counselee

    def at(minutes, action, actor, counselee=None, object_type="records.counselee", **kw):
        clock.after(minutes=minutes)
        object_id = kw.pop("object_id", str(counselee.public_id) if counselee else "")
        log.record(
            action,
            actor=actor,
            counselee=counselee,
            object_type=object_type,
            object_id=object_id,
            **kw,
        )

    at(-60, log.Action.VIEW, bu_rina, s)  # before the window
    at(10, log.Action.LOGIN, bu_rina, object_type="accounts.user", object_id=str(bu_rina.pk))
    at(20, log.Action.VIEW, bu_rina, s)
    at(30, log.Action.VIEW, bu_rina, s, "counseling_sessions.sessionnote", object_id="note-1")
    at(40, log.Action.DENIED, bu_rina, d)
    at(50, log.Action.VIEW, pak_budi, d)  # another account
    at(60, log.Action.EMERGENCY_ACCESS, bu_rina, n, "audit.emergencyaccess", object_id="ea-1")
    at(65, log.Action.VIEW, bu_rina, n, purpose=log.Purpose.EMERGENCY)
    at(70, log.Action.UPDATE, bu_rina, s, "counseling_sessions.sessionnote", object_id="note-1")
    at(120, log.Action.EXPORT, bu_rina, d, "referrals.externalreferral", object_id="letter-1")
    at(180, log.Action.VIEW, bu_rina, s)  # the window's last moment: counts
    at(240, log.Action.VIEW, bu_rina, d)  # after the window
    clock.after(hours=5)
    return clock


def record(by, clock, **fields):
    values = {
        "description": "Laptop sekolah milik seorang guru BK hilang di angkutan umum.",
        "how_found": "Guru BK melapor kepada petugas pelindungan data keesokan paginya.",
        "handling": "Kata sandi akun diganti, sesi akun diakhiri, laptop dilaporkan ke polisi.",
        "occurred_from": clock.start,
        "occurred_to": clock.start + datetime.timedelta(hours=3),
        "discovered_at": clock.start + datetime.timedelta(hours=4),
        "scope": Breach.Scope.WINDOW,
        **fields,
    }
    return services.record_breach(by=by, **values)

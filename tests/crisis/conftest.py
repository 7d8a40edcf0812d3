"""The crisis stories: Siti (on Bu Rina's caseload) and Nabila (on Pak Budi's, no
consent yet) ask for help; Pak Budi, Bu Rina and Bu Wati (a third counselor) are alerted;
Pak Eko has declared a conflict of interest with Nabila; Bu Rina coordinates BK."""

import datetime

import pytest

from counseling.accounts.models import User
from sessions import cases
from tests.conftest import make_user

CRISIS_TEXT = "RAHASIA-KRISIS-4242: aku tidak kuat lagi di rumah."
ALWAYS = (datetime.time(0), datetime.time(23, 59, 59))
NEVER = (datetime.time(0), datetime.time(0))


@pytest.fixture(autouse=True)
def school_hours_always(settings):
    """School is in all day, every day, unless a test says otherwise."""
    settings.AMANAH_CRISIS_SCHOOL_HOURS = ALWAYS
    settings.AMANAH_CRISIS_SCHOOL_DAYS = tuple(range(7))


@pytest.fixture
def after_hours(settings):
    settings.AMANAH_CRISIS_SCHOOL_HOURS = NEVER


@pytest.fixture
def bu_wati(db):
    return make_user("bu_wati", "Wati Susanti", User.Role.COUNSELOR)


@pytest.fixture
def guru_nina(db):
    """A teacher (the referral issue's role): she reaches nothing of a crisis."""
    return make_user("guru_nina", "Nina Kartika", User.Role.TEACHER)


@pytest.fixture
def pak_eko(db, nabila):
    """A counselor who declared that Nabila is family."""
    counselor = make_user("pak_eko", "Eko Prasetyo", User.Role.COUNSELOR)
    cases.declare_conflict(nabila.counselee, "family", by=counselor)
    return counselor


@pytest.fixture
def coordinator(bu_rina):
    bu_rina.is_coordinator = True
    bu_rina.save(update_fields=["is_coordinator"])
    return bu_rina

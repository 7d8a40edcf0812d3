"""The people of the write matrix, around Siti's case.

Bu Rina is Siti's counselor. Bu Lama was, until the admin ended her assignment. Pak
Konflik declared a conflict of interest with Siti; Pak Eko holds emergency access to her
record; Pak Budi is another counselor with his own caseload (Dimas).
"""

import datetime

import pytest
from django.utils import timezone

from counseling.accounts.models import User
from counseling.audit.models import EmergencyAccess
from counseling.records import services as records
from sessions import cases
from tests.conftest import make_user


@pytest.fixture
def bu_lama(siti, admin):
    """Siti's counselor until the admin ended the assignment."""
    counselor = make_user("bu_lama", "Lestari Lama", User.Role.COUNSELOR)
    assignment = records.assign(counselor, siti.counselee, by=admin)
    cases.end_assignment(assignment, by=admin)
    return counselor


@pytest.fixture
def pak_konflik(siti):
    """A counselor who declared that Siti is family."""
    counselor = make_user("pak_konflik", "Konrad Flik", User.Role.COUNSELOR)
    cases.declare_conflict(siti.counselee, "family", by=counselor)
    return counselor


@pytest.fixture
def pak_eko(siti):
    """A counselor not on Siti's case, holding unexpired emergency access to it."""
    counselor = make_user("pak_eko", "Eko Prasetyo", User.Role.COUNSELOR)
    EmergencyAccess.objects.create(
        counselor=counselor,
        counselee=siti.counselee,
        justification="Siti tidak masuk tiga hari dan Bu Rina sedang cuti.",
        expires_at=timezone.now() + datetime.timedelta(hours=1),
    )
    return counselor

import datetime

import pytest
from django.utils import timezone

from consent.models import Disclosure
from counseling.audit.models import EmergencyAccess
from counseling.retention import services
from counseling.retention.models import SchoolStatus
from sessions import services as session_services
from tests.conftest import make_user

TODAY = datetime.date(2030, 6, 15)


@pytest.fixture
def bu_sari(db):
    """A second admin: the second person a legal hold needs."""
    return make_user("bu_sari", "Sari Indah", "admin")


@pytest.fixture
def siti_record(siti, bu_rina, pak_budi):
    """Siti's record with something of every kind: a session, a final note with an
    addendum, a booking, a disclosure and an emergency access."""
    counselee = siti.counselee
    session = session_services.create_walk_in_session(counselee, by=bu_rina, place="Ruang BK")
    session = session_services.start_session(session, by=bu_rina, limits_explained=True)
    note = session_services.write_note(
        session, by=bu_rina, presenting_concern="Takut pulang ke rumah.", body="Rahasia Siti."
    )
    note = session_services.finalise_note(note, by=bu_rina)
    session_services.add_addendum(note, by=bu_rina, body="Adendum rahasia.")
    Disclosure.objects.create(
        counselee=counselee,
        counselor=bu_rina,
        reason=Disclosure.Reason.DANGER_TO_SELF,
        recipient_name="Ibu Suryani",
        recipient_role=Disclosure.RecipientRole.PARENT,
        what_was_shared="Siti dalam bahaya.",
    )
    EmergencyAccess.objects.create(
        counselor=pak_budi,
        counselee=counselee,
        justification="Bu Rina cuti, Siti tidak bisa dihubungi.",
        expires_at=timezone.now() + datetime.timedelta(hours=1),
    )
    return counselee


def graduate(counselee, admin, *, years_ago, today=TODAY, days=0):
    """She graduated `years_ago` years (plus `days` days) before `today`, and the admin
    recorded it at the time (not within the notice period)."""
    since = today.replace(year=today.year - years_ago) - datetime.timedelta(days=days)
    status = services.set_school_status(
        counselee, status=SchoolStatus.Status.GRADUATED, since=since, by=admin
    )
    SchoolStatus.objects.filter(pk=status.pk).update(
        set_at=timezone.now() - datetime.timedelta(days=400)
    )
    return status

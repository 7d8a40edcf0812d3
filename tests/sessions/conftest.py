"""The people and records of the session-notes stories.

Bu Rina runs a session with Siti and writes notes about it. Bu Ani is Siti's second
counselor; Pak Eko is not on her case but has opened it under emergency access. Pak Budi
(another counselor's caseload), Dimas (another student) and the admin stay outside.
"""

import datetime

import pytest
from django.utils import timezone

from counseling.accounts.models import User
from counseling.audit.models import AccessEvent, EmergencyAccess
from counseling.records import services as records
from sessions import services
from tests.conftest import make_user

# The counselor's confirmation, at a first session, that the limits were explained in person.
LIMITS_EXPLAINED = {"limits_explained": "on"}

NOTE_TEXT = {
    "presenting_concern": "Siti merasa cemas setiap menjelang ulangan matematika.",
    "what_was_done": "Latihan pernapasan dan menyusun jadwal belajar bersama.",
    "agreed_follow_up": "Bertemu lagi Kamis depan untuk meninjau jadwal.",
    "body": "Siti bercerita tentang tekanan dari kakaknya di rumah.",
}


@pytest.fixture
def bu_ani(siti, admin):
    """A second counselor assigned to Siti."""
    counselor = make_user("bu_ani", "Ani Susanti", User.Role.COUNSELOR)
    records.assign(counselor, siti.counselee, by=admin)
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


@pytest.fixture
def siti_session(siti, bu_rina):
    """Bu Rina's walk-in session with Siti, under way."""
    session = services.create_walk_in_session(siti.counselee, by=bu_rina, place="Ruang BK")
    return services.start_session(session, by=bu_rina, limits_explained=True)


@pytest.fixture
def draft_note(siti_session, bu_rina):
    return services.write_note(siti_session, by=bu_rina, **NOTE_TEXT)


@pytest.fixture
def final_note(siti_session, bu_rina):
    note = services.write_note(
        siti_session, by=bu_rina, presenting_concern="Konflik dengan teman sebangku."
    )
    return services.finalise_note(note, by=bu_rina)


@pytest.fixture
def events_since():
    """`mark = events_since()` now; `events_since(mark)` lists the access events after it."""

    def since(mark=None):
        if mark is None:
            return AccessEvent.objects.order_by("-id").values_list("id", flat=True).first() or 0
        return list(AccessEvent.objects.filter(id__gt=mark).order_by("id"))

    return since


def confirmed(note):
    """The POST that confirms finalising `note` as its author reviewed it."""
    note.refresh_from_db()
    return {"confirm": "yes", "version": services.note_version(note)}

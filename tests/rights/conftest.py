import pytest

from sessions import services as session_services
from tests.conftest import make_user


@pytest.fixture
def bu_laras(db):
    """The school's data protection officer."""
    return make_user("bu_laras", "Larasati Putri", "dpo")


@pytest.fixture
def siti_note(siti, bu_rina):
    """A final note of Bu Rina's about Siti, from a completed walk-in session."""
    session = session_services.create_walk_in_session(siti.counselee, by=bu_rina, place="Ruang BK")
    session = session_services.start_session(session, by=bu_rina, limits_explained=True)
    note = session_services.write_note(
        session, by=bu_rina, presenting_concern="Siti sering terlambat.", body="Catatan Bu Rina."
    )
    return session_services.finalise_note(note, by=bu_rina)

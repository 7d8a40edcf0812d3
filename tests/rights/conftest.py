"""Siti asked for a copy of her data. Bu Rina, her counselor, reviews it.

Her record holds two final notes (one names Dimas, another student, and carries a phone
number and an e-mail address), a third final note that Bu Rina will withhold, a draft, a
booking whose topic names her mother, a disclosure she was told of, and a message.
"""

import io

import pytest
from django.utils import timezone
from pypdf import PdfReader

from consent import services as consent_services
from consent.models import Disclosure
from counseling.rights import copies, services
from counseling.rights.models import DataRequest, WithheldNote
from sessions import bookings
from sessions import services as session_services
from tests.conftest import slot_at
from tests.referrals.conftest import session_with_note

FIRST = "Siti bercerita tentang tekanan ujian bersama Dimas Pratama."
CONTACTS = "Kakaknya bisa dihubungi di 0857-1234-5678 atau kakak.siti@contoh.id."
WITHHELD = "Dugaan kekerasan oleh pamannya; belum boleh Siti baca."
DRAFT = "Draf yang belum difinalkan tentang rumah."
TOPIC = "Aku mau cerita soal Ibu Suryani dan ujian."
SHARED = "Wali kelas diberi tahu soal bolos yang berulang."
RECIPIENT = "Wati Susanti"


@pytest.fixture
def story(siti, bu_rina, dimas, rina_hours):
    _, first = session_with_note(siti.counselee, bu_rina, FIRST)
    _, contacts = session_with_note(siti.counselee, bu_rina, CONTACTS)
    _, withheld = session_with_note(siti.counselee, bu_rina, WITHHELD)
    _, draft = session_with_note(siti.counselee, bu_rina, DRAFT, final=False)
    booking = bookings.book(siti.counselee, bu_rina, slot_at(bu_rina).start, by=siti, topic=TOPIC)
    disclosure = consent_services.record_disclosure(
        siti.counselee,
        by=bu_rina,
        reason=Disclosure.Reason.DANGER_TO_SELF,
        recipient_name=RECIPIENT,
        recipient_role=Disclosure.RecipientRole.HOMEROOM_TEACHER,
        recipient_institution="SMA Negeri Contoh",
        what_was_shared=SHARED,
        disclosed_at=timezone.now(),
        student_informed=True,
    )
    return {
        "first": first,
        "contacts": contacts,
        "withheld": withheld,
        "draft": draft,
        "booking": booking,
        "disclosure": disclosure,
    }


@pytest.fixture
def copy_request(siti, story):
    return services.make_request(siti.counselee, by=siti, kind=DataRequest.Kind.COPY)


def release(copy_request, bu_rina, story, phrases=()):
    return copies.release(
        copy_request,
        by=bu_rina,
        withheld={str(story["withheld"].public_id): WithheldNote.Reason.ENDANGERS_STUDENT},
        phrases=list(phrases),
        reviewed=copies.fingerprint(copies.notes_for_review(copy_request, by=bu_rina)),
    )


@pytest.fixture
def released(copy_request, bu_rina, story):
    release(copy_request, bu_rina, story)
    copy_request.refresh_from_db()
    return copy_request


def pdf_text(content: bytes) -> str:
    reader = PdfReader(io.BytesIO(content))
    text = "\n".join(page.extract_text() for page in reader.pages)
    # Lines wrap where the page ends; the tests look for phrases, not layout.
    return " ".join(text.split())


@pytest.fixture
def siti_note(siti, bu_rina):
    """A final note of Bu Rina's about Siti, from a completed walk-in session."""
    session = session_services.create_walk_in_session(siti.counselee, by=bu_rina, place="Ruang BK")
    session = session_services.start_session(session, by=bu_rina, limits_explained=True)
    note = session_services.write_note(
        session, by=bu_rina, presenting_concern="Siti sering terlambat.", body="Catatan Bu Rina."
    )
    note = session_services.finalise_note(note, by=bu_rina)
    session_services.complete_session(session, by=bu_rina)
    return note

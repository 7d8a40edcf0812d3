"""Siti's case, about to be handed over: Bu Rina wrote notes (one still a draft) and
recorded a disclosure; Pak Budi is the receiver she would choose."""

import pytest
from django.utils import timezone

from consent import services as consent_services
from consent.models import Disclosure
from counseling.referrals import services as referrals
from counseling.referrals.models import Referral
from sessions import services as session_services
from tests.messaging.conftest import online_consent, siti_online  # noqa: F401
from tests.policy.conftest import bu_lama, pak_eko, pak_konflik  # noqa: F401

FIRST = "Siti bercerita tentang tekanan ujian dan tidur yang terganggu."
SECOND = "Siti mulai membicarakan ayahnya yang sering marah."
DRAFT = "Draf: dugaan kekerasan di rumah, belum dipastikan."
SHARED_DISCLOSURE = "Wali kelas diberi tahu soal bolos yang berulang."
SUMMARY = "Siti butuh pendampingan soal kecemasan ujian; lanjutkan teknik relaksasi."
REASON_TEXT = "Saya wali kelas adiknya; lebih baik konselor lain."


def session_with_note(counselee, counselor, body, *, final=True):
    session = session_services.start_session(
        session_services.create_walk_in_session(counselee, by=counselor),
        by=counselor,
        limits_explained=True,
    )
    note = session_services.write_note(session, by=counselor, body=body)
    if final:
        note = session_services.finalise_note(note, by=counselor)
    return session, note


@pytest.fixture
def history(siti, bu_rina):
    """Bu Rina's two sessions with Siti (final notes), a draft, and a disclosure."""
    first, first_note = session_with_note(siti.counselee, bu_rina, FIRST)
    second, second_note = session_with_note(siti.counselee, bu_rina, SECOND)
    _, draft = session_with_note(siti.counselee, bu_rina, DRAFT, final=False)
    disclosure = consent_services.record_disclosure(
        siti.counselee,
        by=bu_rina,
        reason=Disclosure.Reason.DANGER_TO_SELF,
        recipient_name="Ibu Wati",
        recipient_role=Disclosure.RecipientRole.HOMEROOM_TEACHER,
        what_was_shared=SHARED_DISCLOSURE,
        disclosed_at=timezone.now(),
        student_informed=True,
    )
    return {
        "first": first,
        "first_note": first_note,
        "second": second,
        "second_note": second_note,
        "draft": draft,
        "disclosure": disclosure,
    }


def propose(counselee, by, to, scope=Referral.Scope.ALL, **kwargs):
    return referrals.propose(
        counselee,
        by=by,
        to=to,
        reason=Referral.Reason.CONFLICT,
        reason_text=REASON_TEXT,
        summary=SUMMARY,
        scope=scope,
        **kwargs,
    )


@pytest.fixture
def proposed(siti, bu_rina, pak_budi, history):
    """Bu Rina proposes to hand Siti's case to Pak Budi, sharing every final note."""
    return propose(siti.counselee, bu_rina, pak_budi)


@pytest.fixture
def student_accepted(proposed, siti):
    return referrals.answer_as_student(proposed, by=siti, accept=True)


@pytest.fixture
def handed_over(student_accepted, pak_budi):
    return referrals.answer_as_receiver(student_accepted, by=pak_budi, accept=True)

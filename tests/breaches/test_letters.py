"""The letters hold what UU PDP art. 46(2) asks for, and nothing a student said."""

import datetime

import pytest

from counseling.breaches import letters, services
from counseling.breaches.models import BreachNotice
from sessions import services as session_services
from tests.conftest import BOOKING_TOPIC

from .conftest import SITI_NOTE, record

Audience = BreachNotice.Audience


@pytest.fixture
def siti_note(siti, bu_rina, siti_booking):
    """A final note and a booking topic, the content a letter must never carry."""
    session = session_services.create_walk_in_session(siti.counselee, by=bu_rina, place="Ruang BK")
    session = session_services.start_session(session, by=bu_rina, limits_explained=True)
    note = session_services.write_note(
        session, by=bu_rina, presenting_concern=SITI_NOTE, body=SITI_NOTE
    )
    return session_services.finalise_note(note, by=bu_rina)


@pytest.fixture
def breach(siti_note, seeded_log, dpo):
    breach = record(dpo, seeded_log)
    services.compute_exposure(breach, by=dpo)
    return breach


def text_of(breach, audience, student=None):
    notice = breach.notices.get(audience=audience, counselee=student)
    return letters.letter_for(notice).render()


def test_a_students_letter_names_the_data_when_how_the_handling_and_the_contact(breach, siti):
    text = text_of(breach, Audience.STUDENT, siti.counselee)
    # (a) the personal data exposed, as kinds of data.
    assert "Data pribadimu yang terungkap" in text
    assert "catatan sesi konseling" in text
    assert "data diri dan catatan konseling" in text
    # (b) when and how.
    assert "Kapan dan bagaimana" in text
    assert "Laptop sekolah milik seorang guru BK hilang" in text
    assert "dibuka 3 kali" in text
    # (c) the handling and recovery.
    assert "Upaya penanganan dan pemulihan" in text
    assert "Kata sandi akun diganti" in text
    # The school's contact: its data protection officer.
    assert "Larasati Putri, S.H." in text
    assert "Pasal 46" in text and "Siti Nurhaliza" in text


def test_a_guardians_letter_says_the_same_to_the_guardians(breach, siti):
    text = text_of(breach, Audience.GUARDIAN, siti.counselee)
    assert "orang tua atau wali dari Siti Nurhaliza" in text
    for item in ("Data pribadi yang terungkap", "Kapan dan bagaimana", "Upaya penanganan"):
        assert item in text
    assert "Larasati Putri, S.H." in text


def test_the_authoritys_letter_has_counts_and_no_names(breach, siti, dimas, nabila):
    text = text_of(breach, Audience.AUTHORITY)
    assert "Lembaga Pelindungan Data Pribadi" in text and "Komunikasi dan Digital" in text
    assert "Data 3 siswa terungkap (3 di antaranya di bawah umur)" in text
    assert "catatan sesi konseling" in text and "Upaya penanganan" in text
    for student in (siti, dimas, nabila):
        assert student.full_name not in text
        assert student.counselee.nis not in text


def test_no_letter_carries_counseling_content(breach):
    for notice in breach.notices.all():
        text = letters.letter_for(notice).render()
        assert SITI_NOTE not in text
        assert BOOKING_TOPIC not in text
        assert "Sering cemas" not in text  # Siti's background notes
        assert "Ibu Suryani" not in text  # her guardian's name


def test_a_guardians_letter_never_names_which_records_were_opened(siti_note, clock, siti, dpo):
    from counseling.audit import log

    for object_type in ("crisis.safetyplan", "consent.disclosure", "crisis.crisisrequest"):
        clock.after(minutes=5)
        log.record(
            log.Action.VIEW,
            actor=siti_note.author,
            counselee=siti.counselee,
            object_type=object_type,
            object_id="x",
        )
    clock.after(hours=5)
    breach = record(dpo, clock, occurred_to=clock.start + datetime.timedelta(hours=1))
    services.compute_exposure(breach, by=dpo)
    guardian = text_of(breach, Audience.GUARDIAN, siti.counselee)
    for kind in ("rencana keselamatan", "pengungkapan", "permintaan bantuan segera"):
        assert kind not in guardian
    assert "catatan layanan bimbingan dan konseling" in guardian
    # Her own letter names the safety plan she made, not a disclosure she may not know of.
    hers = text_of(breach, Audience.STUDENT, siti.counselee)
    assert "rencana keselamatan" in hers
    assert "pengungkapan" not in hers

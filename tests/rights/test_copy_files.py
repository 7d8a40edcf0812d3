"""Siti's copy as files: a real PDF (text extracted with pypdf) and a JSON file."""

import json

import pytest

from counseling.audit import describe
from counseling.rights import copies
from counseling.rights.copy_content import REDACTED, Redactor
from counseling.rights.models import SealedCopy, WithheldNote
from tests.rights.conftest import (
    CONTACTS,
    DRAFT,
    FIRST,
    RECIPIENT,
    SHARED,
    TOPIC,
    WITHHELD,
    pdf_text,
    release,
)


@pytest.fixture
def files(copy_request, bu_rina, siti, story):
    release(copy_request, bu_rina, story, phrases=["bolos yang berulang"])
    pdf = copies.download(copies.issue_link(copy_request, by=siti, format="pdf"), by=siti)
    raw = copies.download(copies.issue_link(copy_request, by=siti, format="json"), by=siti)
    return pdf_text(pdf.content), json.loads(raw.content)


def test_the_pdf_holds_her_directory_data_consent_bookings_and_released_notes(files, siti):
    text, _ = files
    assert siti.full_name in text
    assert "NIS: 1001" in text
    assert "Kelas: X-1" in text
    assert "menyetujui versi 1" in text
    assert "Aku mau cerita soal" in text  # her booking's topic
    assert "Siti bercerita tentang tekanan ujian bersama" in text
    assert "Kakaknya bisa dihubungi di" in text


def test_drafts_and_withheld_notes_are_absent_and_the_withholding_is_told(files):
    text, data = files
    assert DRAFT not in text
    assert WITHHELD not in text
    assert str(WithheldNote.Reason.ENDANGERS_STUDENT.label) in text
    assert "tidak dirilis" in text
    everything = json.dumps(data, ensure_ascii=False)
    assert DRAFT not in everything and WITHHELD not in everything
    [withheld] = data["sections"]["withheld_notes"]
    assert withheld["reason"] == "endangers_student"


def test_third_parties_are_redacted_in_both_files(files):
    text, data = files
    everything = json.dumps(data, ensure_ascii=False)
    for secret in (
        "Dimas Pratama",  # another student
        "0857-1234-5678",
        "kakak.siti@contoh.id",
        RECIPIENT,  # the disclosure's recipient
        "bolos yang berulang",  # the reviewer's own phrase
    ):
        assert secret not in text, secret
        assert secret not in everything, secret
    assert REDACTED in text
    assert FIRST.replace("Dimas Pratama", REDACTED) in text
    assert (
        CONTACTS.replace("0857-1234-5678", REDACTED).replace("kakak.siti@contoh.id", REDACTED)
        in text
    )
    # Her guardian's name is redacted in free text, and kept in her directory data.
    assert TOPIC.replace("Ibu Suryani", REDACTED) in text
    assert data["sections"]["bookings"][0]["topic"] == TOPIC.replace("Ibu Suryani", REDACTED)
    assert data["sections"]["directory"]["guardians"] == [
        {"name": "Ibu Suryani", "relation": "Wali"}
    ]
    assert SHARED.replace("bolos yang berulang", REDACTED) in everything
    assert data["sections"]["disclosures"][0]["recipient"] == REDACTED


def test_her_counselor_stays_named(files, bu_rina):
    text, data = files
    assert bu_rina.full_name in text
    assert data["sections"]["sessions"][0]["counselor"] == bu_rina.full_name


def test_the_json_has_its_documented_shape(files):
    _, data = files
    assert data["format"] == "amanah-copy"
    assert data["version"] == 1
    assert set(data["sections"]) == {
        "directory",
        "consents",
        "bookings",
        "sessions",
        "withheld_notes",
        "disclosures",
        "messages",
        "access_log",
        "data_requests",
    }
    assert data["sections"]["directory"]["nis"] == "1001"
    assert len(data["sections"]["bookings"]) == 1


def test_the_access_log_section_says_what_her_access_page_says(
    copy_request, bu_rina, bu_wati, siti, story
):
    from counseling import policy
    from counseling.audit import log

    copies.notes_for_review(copy_request, by=bu_rina)
    # A teacher's look is told as "Seorang guru", as on her page.
    log.record(log.Action.VIEW, actor=bu_wati, obj=siti.counselee, counselee=siti.counselee)
    release(copy_request, bu_rina, story)
    data = json.loads(SealedCopy.objects.get(request=copy_request).json)
    page = [
        (line.who, line.what)
        for line in (
            describe.for_student(event, siti) for event in policy.events_for(siti).order_by("id")
        )
    ]
    copied = [(line["who"], line["what"]) for line in data["sections"]["access_log"]]
    # The copy was built before its own release was logged.
    assert copied == page[: len(copied)]
    assert ("Seorang guru", "membuka data konselingmu") in copied
    assert any("pelindungan data pribadi" in line["why"] for line in data["sections"]["access_log"])


def test_her_messages_come_through_the_messaging_export(
    copy_request, bu_rina, siti, story, monkeypatch
):
    from counseling.messaging import services as messaging

    monkeypatch.setattr(
        messaging,
        "export_for",
        lambda counselee: [
            {
                "conversation": "c",
                "counselor": bu_rina.full_name,
                "from": "student",
                "sent_at": "2025-01-01T10:00+07:00",
                "text": "Nomorku 0812-9999-0000, Bu.",
                "retracted": False,
            }
        ],
    )
    release(copy_request, bu_rina, story)
    data = json.loads(SealedCopy.objects.get(request=copy_request).json)
    assert data["sections"]["messages"][0]["text"] == f"Nomorku {REDACTED}, Bu."


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Telepon +62 812 3456 7890 ya", f"Telepon {REDACTED} ya"),
        ("HP 081234567890.", f"HP {REDACTED}."),
        ("Surel: a.b@sekolah.sch.id", f"Surel: {REDACTED}"),
        ("Ujian 12-03-2025 jam 08.00", "Ujian 12-03-2025 jam 08.00"),
        ("Kata DIMAS PRATAMA tadi", f"Kata {REDACTED} tadi"),
        ("Dimas saja", "Dimas saja"),
        ("Bu Rina Wulandari datang", f"Bu {REDACTED} datang"),
    ],
)
def test_the_redactor(text, expected):
    redact = Redactor(["Dimas Pratama", "Rina Wulandari, S.Pd."])
    assert redact(text) == expected

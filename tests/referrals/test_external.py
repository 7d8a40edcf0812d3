"""Referrals outside the school: a real PDF holding only what the counselor chose, sent
with the student's consent or under a limit of confidentiality (then a disclosure)."""

import io

import pytest
from django.http import Http404
from django.urls import reverse
from pypdf import PdfReader

from consent.models import Disclosure
from counseling import policy
from counseling.audit.models import AccessEvent
from counseling.referrals import external
from counseling.referrals.models import ExternalReferral
from tests.conftest import login, sealed

LETTER = "Mohon pemeriksaan psikologis lanjutan terkait kecemasan berat menjelang ujian."
RECIPIENT = "Puskesmas Cempaka, Poli Jiwa"
Status = ExternalReferral.Status


def make(counselee, by, **overrides):
    fields = {
        "recipient_kind": ExternalReferral.RecipientKind.PUSKESMAS,
        "recipient_name": RECIPIENT,
        "letter_text": LETTER,
        "basis": ExternalReferral.Basis.CONSENT,
        **overrides,
    }
    return external.make(counselee, by=by, **fields)


@pytest.fixture
def consented(siti, bu_rina):
    referral = make(siti.counselee, bu_rina)
    return external.answer(referral, by=siti, accept=True)


def pdf_text(content: bytes) -> str:
    reader = PdfReader(io.BytesIO(content))
    return " ".join(" ".join((page.extract_text() or "").split()) for page in reader.pages)


def test_the_letter_is_a_pdf_with_only_what_was_chosen(client, consented, siti, bu_rina, settings):
    login(client, bu_rina)
    response = client.get(reverse("external-referral-letter", args=[consented.public_id]))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF")
    text = pdf_text(response.content)
    assert settings.AMANAH_SCHOOL_NAME in text
    assert "Siti Nurhaliza" in text
    assert " ".join(LETTER.split()) in text
    assert "Puskesmas Cempaka" in text
    # Not chosen: class and date of birth; never: NIS, guardian, background, notes.
    assert "X-1" not in text
    assert "2010" not in text
    for never in ("1001", "Ibu Suryani", "0812-1111-2222", "Sering cemas menjelang ujian"):
        assert never not in text
    assert AccessEvent.objects.filter(
        action=AccessEvent.Action.EXPORT, object_id=str(consented.public_id)
    ).exists()


def test_the_class_and_date_of_birth_appear_when_chosen(siti, bu_rina):
    from counseling.referrals import letter

    referral = make(siti.counselee, bu_rina, include_class=True, include_date_of_birth=True)
    text = pdf_text(letter.render(referral))
    assert "X-1" in text and "2010" in text


def test_without_the_students_consent_nothing_can_be_sent(client, siti, bu_rina):
    referral = make(siti.counselee, bu_rina)
    assert referral.status == Status.WAITING_STUDENT
    login(client, bu_rina)
    assert (
        client.get(reverse("external-referral-letter", args=[referral.public_id])).status_code
        == 404
    )
    login(client, siti)
    page = client.get(reverse("external-referral-detail", args=[referral.public_id]))
    assert LETTER in page.text  # she reads what would be sent
    client.post(reverse("external-referral-answer", args=[referral.public_id]), {"answer": "no"})
    referral.refresh_from_db()
    assert referral.status == Status.STUDENT_DECLINED
    login(client, bu_rina)
    assert (
        client.get(reverse("external-referral-letter", args=[referral.public_id])).status_code
        == 404
    )


def test_under_a_limit_it_is_sent_and_recorded_as_a_disclosure(siti, bu_rina):
    referral = make(
        siti.counselee,
        bu_rina,
        recipient_kind=ExternalReferral.RecipientKind.UPTD_PPA,
        basis=ExternalReferral.Basis.LIMIT,
        limit_reason=Disclosure.Reason.DANGER_TO_SELF,
    )
    assert referral.status == Status.SENT
    disclosure = referral.disclosure
    assert disclosure.reason == Disclosure.Reason.DANGER_TO_SELF
    assert disclosure.recipient_role == Disclosure.RecipientRole.CHILD_PROTECTION
    assert LETTER in disclosure.what_was_shared
    assert not disclosure.student_informed


def test_a_limit_needs_its_reason(siti, bu_rina):
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError):
        make(siti.counselee, bu_rina, basis=ExternalReferral.Basis.LIMIT)
    assert not ExternalReferral.objects.exists()


def test_the_status_moves_through_its_pipeline_with_encrypted_feedback(consented, bu_rina):
    from tests.test_encryption import stored

    external.move(consented, by=bu_rina, status=Status.RECEIVED)
    with pytest.raises(policy.Denied):
        external.move(consented, by=bu_rina, status=Status.SENT)
    external.move(consented, by=bu_rina, status=Status.FEEDBACK_RECEIVED, feedback="Kontrol rutin.")
    external.move(consented, by=bu_rina, status=Status.CLOSED)
    consented.refresh_from_db()
    assert consented.status == Status.CLOSED and consented.feedback == "Kontrol rutin."
    assert sealed(stored(ExternalReferral, "feedback", consented.pk))
    assert sealed(stored(ExternalReferral, "letter_text", consented.pk))


@pytest.mark.parametrize(
    "who", ["dimas", "pak_budi", "bu_lama", "pak_eko", "pak_konflik", "admin", "bu_wati"]
)
def test_nobody_else_reads_the_referral_or_its_letter(request, client, consented, who):
    user = request.getfixturevalue(who)
    with pytest.raises(Http404):
        policy.get_external_referral_for(user, consented.public_id)
    login(client, user)
    for name in ("external-referral-detail", "external-referral-letter"):
        response = client.get(reverse(name, args=[consented.public_id]))
        assert response.status_code == 404
        assert LETTER not in response.text
    with pytest.raises(policy.Denied):
        external.move(consented, by=user, status=Status.RECEIVED)


@pytest.mark.parametrize("who", ["siti", "pak_budi", "pak_eko", "admin", "bu_wati"])
def test_only_the_counselor_on_the_case_makes_one(request, siti, who):
    with pytest.raises(policy.Denied):
        make(siti.counselee, request.getfixturevalue(who))


def test_the_student_cannot_download_the_letter(client, consented, siti):
    login(client, siti)
    assert (
        client.get(reverse("external-referral-letter", args=[consented.public_id])).status_code
        == 404
    )


def test_admins_see_counts_never_the_letter(client, consented, siti, bu_rina, admin):
    make(siti.counselee, bu_rina, recipient_kind=ExternalReferral.RecipientKind.POLICE)
    login(client, admin)
    page = client.get(reverse("external-referral-stats"))
    assert page.status_code == 200
    assert "Puskesmas" in page.text and "Polisi" in page.text
    assert LETTER not in page.text and RECIPIENT not in page.text and "Siti" not in page.text
    login(client, bu_rina)
    assert client.get(reverse("external-referral-stats")).status_code == 404


def test_the_form_makes_a_referral(client, siti, bu_rina):
    login(client, bu_rina)
    url = reverse("external-referral-create", args=[siti.counselee.public_id])
    assert client.get(url).status_code == 200
    response = client.post(
        url,
        {
            "recipient_kind": "psychologist",
            "recipient_name": "Biro Psikologi Harapan",
            "letter_text": LETTER,
            "basis": "consent",
            "include_class": "on",
        },
    )
    referral = ExternalReferral.objects.get()
    assert response["Location"] == reverse("external-referral-detail", args=[referral.public_id])
    assert referral.include_class and not referral.include_date_of_birth

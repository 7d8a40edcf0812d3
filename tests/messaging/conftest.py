"""Siti's conversations, and the people around them.

Siti writes to Bu Rina, her counselor. Bu Lama held Siti's case for a while and wrote with
her then; the admin ended that assignment. Pak Konflik declared Siti family; Pak Budi is
another counselor (Dimas's); Agus is the admin.
"""

import pytest

from consent.models import ConsentDocument
from counseling.accounts.models import User
from counseling.messaging import services
from counseling.records import services as records
from sessions import cases
from tests.conftest import acknowledge, make_user
from tests.policy.conftest import pak_konflik  # noqa: F401

SITI_LINE = "RAHASIA-PESAN-4401: aku takut pulang malam ini."
RINA_LINE = "RAHASIA-BALASAN-4402: kita bicara besok pagi di ruang BK."
LAMA_LINE = "RAHASIA-LAMA-4403: dulu aku cerita ke Bu Lama."


@pytest.fixture
def online_consent(admin, consent_v1):
    """Version 2 of the consent document, with the online-counseling section, published."""
    from consent import services as consent_services

    document = ConsentDocument.objects.create(
        version=2,
        title_id="Persetujuan Konseling",
        body_id=consent_v1.body_id + "\n\n## Konseling daring\n\nPesan disimpan terenkripsi.",
        title_en="Consent to Counseling",
        body_en=consent_v1.body_en + "\n\n## Online counseling\n\nMessages are encrypted.",
        covers_online_counseling=True,
    )
    consent_services.publish(document, by=admin)
    return document


@pytest.fixture
def siti_online(siti, online_consent):
    """Siti, who accepted the version that covers online counseling."""
    acknowledge(siti, online_consent)
    return siti


@pytest.fixture
def conversation(siti_online, bu_rina):
    conversation = services.open_conversation(siti_online, bu_rina, by=siti_online)
    services.send(conversation, by=siti_online, body=SITI_LINE)
    services.send(conversation, by=bu_rina, body=RINA_LINE)
    return conversation


@pytest.fixture
def bu_lama(siti_online, admin):
    """Siti's counselor for a while, with whom she wrote; then the admin ended it."""
    counselor = make_user("bu_lama", "Lestari Lama", User.Role.COUNSELOR)
    assignment = records.assign(counselor, siti_online.counselee, by=admin)
    old = services.open_conversation(siti_online, counselor, by=siti_online)
    services.send(old, by=siti_online, body=LAMA_LINE)
    cases.end_assignment(assignment, by=admin)
    return counselor


@pytest.fixture
def lama_conversation(bu_lama, siti_online):
    return siti_online.counselee.conversations.get(counselor=bu_lama)


def _received(username, full_name, siti, from_counselor, admin, shared):
    """A counselor now on Siti's case through an accepted referral from `from_counselor`,
    that shared `shared` (a conversation, or None). The row is written as the services
    leave it; the flow itself is tested in tests/referrals/test_shared_conversation.py."""
    from django.utils import timezone

    from counseling.referrals.models import Referral

    receiver = make_user(username, full_name, User.Role.COUNSELOR)
    records.assign(receiver, siti.counselee, by=admin)
    now = timezone.now()
    Referral.objects.create(
        counselee=siti.counselee,
        from_counselor=from_counselor,
        to_counselor=receiver,
        reason=Referral.Reason.WORKLOAD,
        scope=Referral.Scope.SUMMARY,
        status=Referral.Status.ACCEPTED,
        shared_conversation=shared,
        student_answered_at=now,
        receiver_answered_at=now,
        read_only_until=now,
    )
    return receiver


@pytest.fixture
def pak_terima(siti_online, bu_lama, lama_conversation, admin):
    """Received Siti's case from Bu Lama by a referral that shared their conversation."""
    return _received("pak_terima", "Terima Kasus", siti_online, bu_lama, admin, lama_conversation)


@pytest.fixture
def bu_tanpa(siti_online, bu_lama, lama_conversation, admin):
    """Received Siti's case from Bu Lama by a referral that did not share it."""
    return _received("bu_tanpa", "Tanpa Percakapan", siti_online, bu_lama, admin, None)

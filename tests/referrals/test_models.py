"""A referral's words are ciphertext at rest, and cannot be searched or sorted on."""

import pytest

from counseling.encryption import EncryptedLookupError
from counseling.referrals.models import Referral
from tests.conftest import sealed
from tests.referrals.conftest import REASON_TEXT, SUMMARY
from tests.test_encryption import stored


def test_the_reason_and_summary_are_fernet_tokens(proposed):
    for column, text in [("reason_text", REASON_TEXT), ("summary", SUMMARY)]:
        token = stored(Referral, column, proposed.pk)
        assert sealed(token)
        assert text not in token
        assert getattr(Referral.objects.get(pk=proposed.pk), column) == text


def test_the_summary_cannot_be_searched_or_sorted(proposed):
    with pytest.raises(EncryptedLookupError):
        Referral.objects.filter(summary__icontains="ujian").exists()
    with pytest.raises(EncryptedLookupError):
        list(Referral.objects.order_by("summary"))

"""On a model that holds encrypted content, no free-text column is left in plaintext.

A model with encrypted fields is one that speaks about a student; any other text column
on it is where a counselor's words could end up in a database dump (a disclosure's
recipient, typed as "Polisi PPA: dugaan kekerasan oleh ayah tiri", did). Every model is
walked: each CharField or TextField beside an encrypted field is either encrypted, a
closed list (choices), or structural and named below with the reason.
"""

from django.apps import apps
from django.db import models

from counseling.encryption import StrictEncryptedMixin

STRUCTURAL = {
    # Directory data: the school's own identifiers, searched and filtered in plain
    # columns on purpose (an encrypted column cannot be searched).
    "records.Counselee.nis": "the student number the school issued",
    "records.Counselee.class_name": "a class code such as XI-2",
    # Copied from the counselor's published hours: a room the staff chose, shown to
    # every student who books, never typed by or about a student.
    "counseling_sessions.Booking.place": "a room chosen by staff",
    # A guardian's acknowledgement: the hash of the text shown, the number the school
    # printed on its paper form, and the browser's own user agent string.
    "guardians.GuardianAcknowledgement.text_hash": "a SHA-256 of the document shown",
    "guardians.GuardianAcknowledgement.form_number": "the school's form number",
    "guardians.GuardianAcknowledgement.user_agent": "the guardian's browser's user agent",
    # A second factor's label, set by Amanah ("Amanah"), never typed by anyone.
    "accounts.AuthenticatorDevice.name": "the device label Amanah sets",
}


def plaintext_text_columns():
    for model in apps.get_models():
        fields = model._meta.concrete_fields
        if not any(isinstance(f, StrictEncryptedMixin) for f in fields):
            continue
        for field in fields:
            if not isinstance(field, models.CharField | models.TextField):
                continue
            if isinstance(field, StrictEncryptedMixin) or field.choices:
                continue
            yield f"{model._meta.label}.{field.name}"


def test_no_free_text_beside_encrypted_content_is_plaintext():
    unexplained = sorted(set(plaintext_text_columns()) - set(STRUCTURAL))
    assert unexplained == [], (
        "Encrypt these columns (counseling.encryption), make them a closed list, or name "
        "them in STRUCTURAL with the reason they hold no one's words."
    )


def test_every_allowed_column_still_exists_and_is_plaintext():
    # An entry for a column that was removed or encrypted would hide a future one.
    assert sorted(STRUCTURAL) == sorted(
        name for name in plaintext_text_columns() if name in STRUCTURAL
    )

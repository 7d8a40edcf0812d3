"""Guardians of the story's students. Ibu Suryani is Siti's mother; she has an e-mail
address, so she can be sent a one-time link. Pak Andi is the BK coordinator."""

import re

import pytest

from counseling.accounts.models import User
from counseling.guardians import services
from counseling.guardians.models import Guardian, GuardianConsentDocument
from tests.conftest import make_user

GUARDIAN_EMAIL = "suryani@example.test"


@pytest.fixture
def consent_required(settings):
    settings.GUARDIAN_BASIS = "consent_required"


@pytest.fixture
def guardian_document(db, admin):
    document = GuardianConsentDocument.objects.create(
        version=1,
        title="Persetujuan Wali",
        body="## Apa yang dilakukan BK\n\nWali **tidak pernah** diberi tahu isi konseling.",
    )
    services.publish_document(document, by=admin)
    return document


@pytest.fixture
def ibu_suryani(siti, bu_rina, guardian_document):
    return services.add_guardian(
        siti.counselee,
        by=bu_rina,
        name="Ibu Suryani",
        relation=Guardian.Relation.MOTHER,
        phone="0812-1111-2222",
        email=GUARDIAN_EMAIL,
    )


@pytest.fixture
def pak_andi(db):
    user = make_user("pak_andi", "Andi Kurniawan", User.Role.COUNSELOR)
    user.is_coordinator = True
    user.save(update_fields=["is_coordinator"])
    return user


LINK = re.compile(r"https?://[^/\s]+(/wali/[^\s/]+/)")


def link_path(mailoutbox) -> str:
    """The path of the one-time link in the last guardian e-mail sent."""
    for message in reversed(mailoutbox):
        found = LINK.search(message.body)
        if found:
            return found[1]
    raise AssertionError("no guardian link was e-mailed")


def send_link(guardian, by, django_capture_on_commit_callbacks, mailoutbox) -> str:
    with django_capture_on_commit_callbacks(execute=True):
        services.send_link(guardian, by=by)
    return link_path(mailoutbox)

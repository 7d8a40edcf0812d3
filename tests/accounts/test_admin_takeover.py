"""No admin alone can take over an enrolled counselor's account (rule 13).

An admin controls a staff member's e-mail address and can set a temporary password: with
a link to a new second factor too, he would be her. A link that would replace a second
factor she already enrolled therefore waits for a second admin, and she is told.
"""

import re

import pytest
from django.test import Client
from django.urls import reverse

from counseling.accounts.models import EnrolmentLink, User
from counseling.notices import publishing
from counseling.notices.models import Notice
from sessions import services
from tests.conftest import login, make_user, second_factor

LINK = re.compile(r"https?://\S+(/accounts/2fa/enrol/[^/\s]+/)")
TEMP = "sementara-dari-admin-1"


@pytest.fixture
def enrolled_rina(bu_rina, siti):
    """Bu Rina, enrolled, with a final note about Siti."""
    bu_rina.email = "rina@sekolah.test"
    bu_rina.save(update_fields=["email"])
    second_factor(bu_rina)
    session = services.start_session(
        services.create_walk_in_session(siti.counselee, by=bu_rina),
        by=bu_rina,
        limits_explained=True,
    )
    services.finalise_note(
        services.write_note(session, by=bu_rina, body="RAHASIA: ayah tiri memukul"), by=bu_rina
    )
    return bu_rina


def test_one_admin_cannot_send_himself_a_link_to_an_enrolled_counselor(
    admin, enrolled_rina, mailoutbox
):
    staff = login(Client(), admin)
    change = reverse("admin:accounts_user_change", args=[enrolled_rina.pk])
    # He points her address at his own mailbox, then asks for a link.
    data = {
        "username": enrolled_rina.username,
        "full_name": enrolled_rina.full_name,
        "email": "agus.pribadi@example.test",
        "role": "counselor",
        "is_active": "on",
    }
    assert staff.post(change, data).status_code == 302
    staff.post(
        reverse("admin:accounts_user_changelist"),
        {"action": "send_enrolment_links", "_selected_action": [enrolled_rina.pk]},
    )
    publishing.requeue()

    # No link went out: it waits for a second admin, and she is told in her inbox.
    assert not any(LINK.search(message.body) for message in mailoutbox)
    link = EnrolmentLink.objects.get(user=enrolled_rina)
    assert link.approved_at is None
    told = Notice.objects.filter(recipient=enrolled_rina).values_list("kind", flat=True)
    assert {Notice.Kind.EMAIL_CHANGED, Notice.Kind.SECOND_FACTOR_RESET_ASKED} <= set(told)
    # He cannot approve his own request.
    dashboard = staff.get(reverse("admin-dashboard"))
    assert "menunggu admin lain" in dashboard.text
    refused = staff.post(reverse("enrolment-link-approve", args=[link.public_id]))
    assert refused.status_code == 404
    link.refresh_from_db()
    assert link.approved_at is None


def test_a_second_admin_lets_the_link_go_and_the_replacement_is_loud(
    admin, enrolled_rina, mailoutbox
):
    from counseling.accounts import enrolment

    wati = make_user("wati", "Wati Kusuma", User.Role.ADMIN)
    link = enrolment.issue(enrolled_rina, by=admin)
    assert EnrolmentLink.objects.valid().filter(pk=link.pk).count() == 0
    asked = Notice.objects.get(recipient=wati, kind=Notice.Kind.ENROLMENT_APPROVAL)
    assert asked.about == str(enrolled_rina.pk)

    second = login(Client(), wati)
    approved = second.post(reverse("enrolment-link-approve", args=[link.public_id]))
    assert approved.status_code == 302
    publishing.requeue()
    [message] = [m for m in mailoutbox if LINK.search(m.body)]
    assert message.to == ["rina@sekolah.test"]

    # She uses it (a lost phone): the old device goes, and every admin is told.
    client = Client()
    client.post(reverse("login"), {"username": "bu_rina", "password": "kata-sandi-uji-123"})
    client.get(LINK.search(message.body).group(1))
    client.get(reverse("two-factor-setup"))
    from django_otp.oath import totp

    from counseling.accounts.second_factor import AuthenticatorDevice

    device = AuthenticatorDevice.objects.get(user=enrolled_rina, confirmed=False)
    client.post(reverse("two-factor-setup"), {"token": f"{totp(device.bin_key):06d}"})
    replaced = Notice.objects.filter(kind=Notice.Kind.SECOND_FACTOR_REPLACED)
    assert set(replaced.values_list("recipient", flat=True)) == {
        admin.pk,
        wati.pk,
        enrolled_rina.pk,
    }

"""A guardian acknowledges from a phone link, and the counselor's gate opens.

The school asks for a guardian's consent before a minor's first session. Fajar (siswa9) is
15; his father's link was sent by the demo but not used. Bu Rina (konselor1) sees on
Fajar's guardian page why no regular session can start and what to do, and sends a new
link. Pak Joko opens it on his 360 px phone without signing in, reads what BK will and
will not tell him, and agrees. The link is used up: opened again, it is refused. Bu Rina's
page now says sessions may start.
"""

import re
import time

import pytest
from django.core import mail
from playwright.sync_api import expect

from counseling import demo
from counseling.accounts.models import User
from counseling.guardians import mail as guardian_mail
from counseling.guardians.models import GuardianLink
from tests.e2e.conftest import DESKTOP, PHONE
from tests.e2e.test_story import (
    PASSWORD,
    _path,
    enrol_second_factor,
    fits_a_phone,
    log_in_through_enrolment_link,
)

pytestmark = pytest.mark.e2e

LINK = re.compile(r"https?://[^/\s]+(/wali/[^\s/]+/)")


@pytest.fixture
def school(transactional_db, settings):
    settings.GUARDIAN_BASIS = "consent_required"
    return demo.seed(PASSWORD, log=lambda *args: None)


def test_a_guardian_acknowledges_from_a_phone_link(browsing, school, mailoutbox):
    # The live server's thread sends through Django's locmem backend: read the outbox it
    # appends to at the moment of asking (a test case's set-up may have replaced the list
    # the fixture handed out).
    def outbox():
        return mail.outbox

    fajar = User.objects.get(username="siswa9").counselee
    rina = browsing.person("konselor1", viewport=DESKTOP)
    father = browsing.person("wali siswa9", viewport=PHONE)
    guardian_page = f"/guardians/student/{fajar.public_id}/"

    with browsing.step("1. konselor1 sees why no session can start, and sends a link", "konselor1"):
        log_in_through_enrolment_link(rina, "konselor1", school["konselor1"])
        enrol_second_factor(rina)
        rina.goto(guardian_page)
        expect(rina.locator("#guardian-gate")).to_contain_text("persetujuan wali wajib")
        expect(rina.locator("#guardian-gate")).to_contain_text("belum dipakai")
        before = len(outbox())
        rina.get_by_role("button", name="Kirim tautan persetujuan").click()
        expect(rina.locator(".messages")).to_contain_text("Tautan persetujuan sekali pakai")
        # The e-mail leaves after the commit, from the server's thread: wait for it.
        for _ in range(300):
            if len(outbox()) > before:
                break
            # Sent on commit from the request's thread, or else by beat within 15 s:
            # do beat's part here (the task `send_guardian_mail`).
            guardian_mail.deliver_due()
            time.sleep(0.1)
        assert len(outbox()) == before + 1, list(
            GuardianLink.objects.values_list("email_status", "attempts", "last_error")
        )
        message = outbox()[-1]
        assert message.to == ["wali.siswa9@demo.amanah.test"]
        link = LINK.search(message.body)[1]

    with browsing.step(
        "2. the father reads and agrees on his phone, signed in as nobody", "wali siswa9"
    ):
        father.goto(link)
        expect(father.locator("h1")).to_contain_text("Persetujuan Wali")
        expect(father.locator(".document")).to_contain_text("Apa yang tidak akan disampaikan")
        expect(father.locator("#guardian-basis")).to_contain_text("pasal 25")
        expect(father.locator("nav")).to_have_count(0)
        fits_a_phone(father)
        father.get_by_label("Nama lengkap Anda").fill("Joko Susilo")
        father.get_by_label("Saya sudah membaca dokumen ini").check()
        father.get_by_role("button", name="Saya menyetujui").click()
        expect(father.locator("h1")).to_have_text("Persetujuan Anda tercatat")
        fits_a_phone(father)

    with browsing.step("3. the link is used up", "wali siswa9"):
        father.goto(link)
        expect(father.locator("h1")).to_have_text("Tautan ini tidak berlaku")

    with browsing.step("4. konselor1's page says a session may start", "konselor1"):
        rina.goto(guardian_page)
        expect(rina.locator("#guardian-gate")).to_have_count(0)
        expect(rina.get_by_text("Sesi biasa dapat dimulai")).to_be_visible()
        expect(rina).to_have_url(_path(guardian_page))

""" "Aku butuh bicara sekarang", in a real browser, against the demo school.

Bu Rina (konselor1) has her dashboard open; the red banner already counts the demo's
waiting request (siswa2's). Siti (siswa1), on a 360 px phone, presses the button on her
dashboard with one tap, adds one line, and sees at once who is on duty today and the
emergency numbers (the demo's marked as placeholders). Bu Rina's banner counts her
request without a reload; she follows it, opens Siti's request (class and waiting time,
no name, no text), takes it with "Saya tangani", and only then reads Siti's line. Siti's
page, also without a reload, says who took it.
"""

import datetime

import pytest
from playwright.sync_api import expect

from counseling import demo
from tests.e2e.conftest import DESKTOP, PHONE
from tests.e2e.test_story import (
    PASSWORD,
    _path,
    enrol_second_factor,
    fits_a_phone,
    log_in,
    log_in_through_enrolment_link,
)

pytestmark = pytest.mark.e2e

LINE = "PENANDA-E2E-KRISIS-51: aku gemetar dan tidak bisa masuk kelas"
# The banner polls every 15 s and the student's page every 10 s: both within this.
POLL_WAIT = 25_000


@pytest.fixture
def demo_school(transactional_db, settings):
    settings.AMANAH_CRISIS_SCHOOL_HOURS = (datetime.time(0), datetime.time(23, 59, 59))
    settings.AMANAH_CRISIS_SCHOOL_DAYS = tuple(range(7))
    return demo.seed(PASSWORD, log=lambda *args: None)


def test_a_student_asks_on_her_phone_and_a_counselor_takes_it_from_the_banner(
    browsing, demo_school
):
    links = demo_school
    rina = browsing.person("konselor1", viewport=DESKTOP)
    siti = browsing.person("siswa1", viewport=PHONE)

    with browsing.step("1. konselor1 signs in; the banner counts the waiting request", "konselor1"):
        log_in_through_enrolment_link(rina, "konselor1", links["konselor1"])
        enrol_second_factor(rina)
        expect(rina).to_have_url(_path("/counselor/"))
        banner = rina.locator("#crisis-banner")
        expect(banner).to_be_visible()
        expect(banner.locator("[data-crisis-count]")).to_have_text("1")

    with browsing.step("2. siswa1 presses the button on her phone", "siswa1"):
        log_in(siti, "siswa1")
        fits_a_phone(siti)
        siti.get_by_role("button", name="Aku butuh bicara sekarang").click()
        expect(siti.locator("h1")).to_have_text("Permintaanmu sudah terkirim")
        expect(siti.locator("#crisis-state")).to_contain_text("Menunggu guru BK")
        expect(siti.get_by_text("Guru BK piket hari ini")).to_be_visible()
        expect(siti.locator(".placeholder-mark").first).to_be_visible()
        fits_a_phone(siti)
        siti.locator("#crisis-text").fill(LINE)
        siti.get_by_role("button", name="Kirim").click()
        expect(siti.locator("#crisis-state")).to_contain_text("Menunggu guru BK")

    with browsing.step(
        "3. konselor1's banner counts it without a reload; she takes it", "konselor1"
    ):
        expect(banner.locator("[data-crisis-count]")).to_have_text("2", timeout=POLL_WAIT)
        banner.get_by_role("link").click()
        expect(rina).to_have_url(_path("/crisis/"))
        rina.locator("ul.list li a").last.click()
        expect(rina.locator("h1")).to_have_text("Permintaan bicara sekarang")
        expect(rina.locator("main")).not_to_contain_text(LINE)
        expect(rina.locator("main")).not_to_contain_text("Siti Nurhaliza")
        rina.get_by_role("button", name="Saya tangani").click()
        expect(rina.locator(".messages")).to_contain_text("Anda menangani siswa ini")
        expect(rina.locator("main")).to_contain_text(LINE)
        expect(rina.locator("main")).to_contain_text("Siti Nurhaliza")

    with browsing.step("4. siswa1's page says who took it, without a reload", "siswa1"):
        expect(siti.locator("#crisis-state")).to_contain_text(
            "Ditangani oleh Rina Wulandari", timeout=POLL_WAIT
        )
        fits_a_phone(siti)

    assert browsing.dialogs == []
    assert browsing.server_errors == []

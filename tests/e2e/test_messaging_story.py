"""Konseling daring in a real browser: Siti on her phone, Bu Rina at her PC.

Siti (siswa1) sees an unread reply counted on her dashboard and opens it on a 360 px
screen. She starts typing; the connection drops (the page is reloaded) and what she typed
is still there, saved as a draft. She sends it. Bu Rina (konselor1) opens the conversation,
reads it and answers; the answer appears on Siti's phone without a reload. Siti sends one
more line by mistake and takes it back: "pesan ditarik".
"""

import pytest
from playwright.sync_api import expect

from counseling import demo
from counseling.messaging.models import Conversation
from tests.e2e.conftest import DESKTOP, PHONE
from tests.e2e.test_accessibility import _signed_in
from tests.e2e.test_story import PASSWORD, fits_a_phone, log_in

pytestmark = pytest.mark.e2e

SITI_LINE = "Bu, boleh aku cerita soal ujian besok pagi?"
RINA_LINE = "Tentu, Siti. Tulis saja di sini, saya baca."


@pytest.fixture
def demo_school(transactional_db):
    demo.seed(PASSWORD, log=lambda *args: None)


def test_siti_and_bu_rina_write_to_each_other(browsing, chromium, live_server, demo_school):
    siti = browsing.person("siswa1", viewport=PHONE)

    with browsing.step("1. siswa1 sees the unread reply and opens it on her phone", "siswa1"):
        log_in(siti, "siswa1")
        expect(siti.locator("main")).to_contain_text("1 pesan belum dibaca")
        siti.get_by_role("link", name="Buka pesan").click()
        fits_a_phone(siti)
        siti.get_by_role("link", name="Rina Wulandari").click()
        expect(siti.locator("#thread")).to_contain_text("Besok jam istirahat")
        fits_a_phone(siti)

    with browsing.step("2. what she types survives a lost connection", "siswa1"):
        box = siti.locator("#id_body")
        box.fill(SITI_LINE)
        expect(siti.locator(".autosave-status")).to_contain_text("tersimpan", timeout=15_000)
        siti.reload()
        expect(siti.locator("#id_body")).to_have_value(SITI_LINE)
        siti.get_by_role("button", name="Kirim").click()
        expect(siti.locator("#thread")).to_contain_text(SITI_LINE)
        expect(siti.locator("#id_body")).to_have_value("")
        fits_a_phone(siti)

    conversation = Conversation.objects.get(counselee__user__username="siswa1")
    rina_context = _signed_in(chromium, live_server.url, "konselor1", DESKTOP)
    try:
        rina = rina_context.new_page()
        with browsing.step("3. konselor1 reads and answers; it reaches siswa1 live", "siswa1"):
            rina.goto(f"/messages/{conversation.public_id}/")
            expect(rina.locator("#thread")).to_contain_text(SITI_LINE)
            rina.locator("#id_body").fill(RINA_LINE)
            rina.get_by_role("button", name="Kirim").click()
            expect(rina.locator("#thread")).to_contain_text(RINA_LINE)
            siti.evaluate("() => { window.samePage = true; }")
            expect(siti.locator("#thread")).to_contain_text(RINA_LINE, timeout=15_000)
            assert siti.evaluate("() => window.samePage === true"), "the page was reloaded"
    finally:
        rina_context.close()

    with browsing.step("4. siswa1 takes a line back within the minute", "siswa1"):
        siti.locator("#id_body").fill("salah kirim")
        siti.get_by_role("button", name="Kirim").click()
        expect(siti.locator("#thread")).to_contain_text("salah kirim")
        siti.locator(".bubble.mine").last.get_by_role("button", name="Tarik pesan").click()
        expect(siti.locator("#thread")).to_contain_text("pesan ditarik")
        expect(siti.locator("#thread")).not_to_contain_text("salah kirim")
        fits_a_phone(siti)

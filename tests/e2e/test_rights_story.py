"""A student's data rights in a real browser, against the demo school.

Ayu (siswa3), on her 360 px phone, asks from "Data saya" for her class to be corrected
and for processing to be restricted, and sees each request's 3 x 24-hour clock. The data
protection officer (dpo), at her PC, enrols her second factor, grants both; Ayu sees
the answers, finds that booking is paused, and ends the restriction herself.
"""

import pytest
from playwright.sync_api import expect

from counseling.accounts.models import User
from tests.e2e.conftest import DESKTOP, PHONE
from tests.e2e.test_story import (
    PASSWORD,
    demo_school,  # noqa: F401
    enrol_second_factor,
    fits_a_phone,
    log_in,
    log_in_through_enrolment_link,
)

pytestmark = pytest.mark.e2e


def test_a_correction_and_a_restriction_from_her_phone_to_the_dpos_decision(
    browsing,
    demo_school,  # noqa: F811
):
    _, links = demo_school
    ayu = browsing.person("siswa3", viewport=PHONE)
    dpo = browsing.person("dpo", viewport=DESKTOP)

    with browsing.step("1. siswa3 asks for her class to be corrected", "siswa3"):
        log_in(ayu, "siswa3", PASSWORD)
        ayu.goto("/student/data/")
        fits_a_phone(ayu)
        ayu.get_by_role("link", name="Ajukan: Perbaikan data").click()
        fits_a_phone(ayu)
        ayu.get_by_role("button", name="Kirim permintaan").click()
        expect(ayu.locator(".errors")).to_contain_text("Isi paling sedikit satu data")
        ayu.get_by_label("Kelas yang benar").fill("XI-IPS-1")
        ayu.get_by_role("button", name="Kirim permintaan").click()
        expect(ayu.locator(".clock")).to_contain_text("Batas waktu")
        expect(ayu.get_by_text("XI-IPS-1")).to_be_visible()
        fits_a_phone(ayu)

    with browsing.step("2. siswa3 asks that processing be restricted", "siswa3"):
        ayu.get_by_role("link", name="Kembali ke Data saya").click()
        ayu.get_by_role("link", name="Ajukan: Pembatasan pemrosesan").click()
        ayu.get_by_role("button", name="Kirim permintaan").click()
        expect(ayu.locator(".clock")).to_contain_text("Batas waktu")

    with browsing.step("3. the DPO grants both", "dpo"):
        log_in_through_enrolment_link(dpo, "dpo", links["dpo"])
        enrol_second_factor(dpo)
        for kind in ("Perbaikan data", "Pembatasan pemrosesan"):
            dpo.get_by_role("link", name="Permintaan hak data").click()
            row = dpo.locator("tr", has_text="Ayu Lestari")
            row.get_by_role("link", name=kind).click()
            dpo.get_by_label("Kabulkan").check()
            dpo.get_by_role("button", name="Simpan keputusan").click()
            expect(dpo.locator(".messages, .message").first).to_contain_text("Keputusan tercatat")

    with browsing.step("4. siswa3 sees the answers and ends the restriction", "siswa3"):
        ayu.goto("/student/data/")
        expect(ayu.get_by_text("Pemrosesan datamu sedang dibatasi")).to_be_visible()
        expect(ayu.locator("li", has_text="Perbaikan data")).to_contain_text("Dipenuhi")
        fits_a_phone(ayu)
        ayu.get_by_role("button", name="Akhiri pembatasan").click()
        expect(ayu.get_by_text("Pembatasan berakhir")).to_be_visible()
        expect(ayu.get_by_text("Pemrosesan datamu sedang dibatasi")).to_have_count(0)

    assert User.objects.get(username="siswa3").counselee.class_name == "XI-IPS-1"


def test_an_objection_and_an_erasure_request_from_her_phone_answered_by_the_dpo(
    browsing,
    demo_school,  # noqa: F811
):
    _, links = demo_school
    rizky = browsing.person("siswa4", viewport=PHONE)
    dpo = browsing.person("dpo", viewport=DESKTOP)

    with browsing.step("1. siswa4 objects, and asks for erasure", "siswa4"):
        log_in(rizky, "siswa4", PASSWORD)
        rizky.goto("/student/data/")
        rizky.get_by_role("link", name="Ajukan: Keberatan").click()
        rizky.get_by_role("button", name="Kirim permintaan").click()
        expect(rizky.locator(".error").first).to_be_visible()
        rizky.get_by_label("Apa keberatanmu?").fill("Aku tidak mau jadwalku terlihat guru lain.")
        rizky.get_by_role("button", name="Kirim permintaan").click()
        expect(rizky.locator(".clock")).to_contain_text("Batas waktu")
        fits_a_phone(rizky)
        rizky.get_by_role("link", name="Kembali ke Data saya").click()
        rizky.get_by_role("link", name="Ajukan: Penghapusan data").click()
        fits_a_phone(rizky)
        rizky.get_by_role("button", name="Kirim permintaan").click()
        expect(rizky.locator(".error").first).to_be_visible()  # he must say he understands
        rizky.get_by_label("Aku mengerti").check()
        rizky.get_by_role("button", name="Kirim permintaan").click()
        expect(rizky.locator(".clock")).to_contain_text("Batas waktu")

    with browsing.step("2. the DPO answers the objection and refuses the erasure", "dpo"):
        log_in_through_enrolment_link(dpo, "dpo", links["dpo"])
        enrol_second_factor(dpo)
        dpo.get_by_role("link", name="Permintaan hak data").click()
        waiting = dpo.locator("section", has_text="Belum selesai")
        waiting.locator("tr", has_text="Rizky").get_by_role("link", name="Keberatan").click()
        expect(dpo.get_by_text("Aku tidak mau jadwalku terlihat guru lain.")).to_be_visible()
        dpo.get_by_label("Kabulkan").check()
        dpo.get_by_label("Penjelasan untuk siswa").fill("Jadwalmu hanya terlihat guru BK-mu.")
        dpo.get_by_role("button", name="Simpan keputusan").click()
        expect(dpo.locator(".messages, .message").first).to_contain_text("Keputusan tercatat")
        waiting = dpo.locator("section", has_text="Belum selesai")
        waiting.locator("tr", has_text="Rizky").get_by_role("link", name="Penghapusan data").click()
        dpo.get_by_label("Tolak").check()
        dpo.get_by_role("button", name="Simpan keputusan").click()
        expect(dpo.locator(".error").first).to_contain_text("Pilih dasar penolakan")
        dpo.get_by_label("Tolak").check()
        dpo.get_by_label("Dasar penolakan").select_option("pending_case")
        dpo.get_by_label("Penjelasan untuk siswa").fill("Kasusmu masih ditangani guru BK.")
        dpo.get_by_role("button", name="Simpan keputusan").click()
        expect(dpo.locator(".messages, .message").first).to_contain_text("Keputusan tercatat")

    with browsing.step("3. siswa4 reads both answers on his phone", "siswa4"):
        rizky.goto("/student/data/")
        rizky.locator("li", has_text="Penghapusan data").get_by_role("link").click()
        expect(rizky.get_by_text("Ditolak dengan dasar")).to_contain_text(
            "Masih ada kasus yang sedang ditangani"
        )
        expect(rizky.get_by_text("Kasusmu masih ditangani guru BK.")).to_be_visible()
        fits_a_phone(rizky)
        assert User.objects.get(username="siswa4").is_active

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

"""A copy of her data in a real browser, against the demo school.

konselor1 reviews siswa1's copy on her PC: she reads every final note, withholds one
because releasing it could endanger someone else, previews the counts and releases.
siswa1, on her 360 px phone, sees the withheld note's date and reason on her request
page, downloads her PDF once through a one-time link, and is told clearly when she
follows the same link again.
"""

import pytest
from playwright.sync_api import expect

from tests.e2e.conftest import DESKTOP, PHONE
from tests.e2e.test_story import (
    demo_school,  # noqa: F401
    enrol_second_factor,
    fits_a_phone,
    log_in,
    log_in_through_enrolment_link,
)
from tests.rights.conftest import pdf_text

pytestmark = pytest.mark.e2e

REASON = "Dapat membahayakan orang lain"


def test_a_copy_from_review_to_one_download(browsing, demo_school):  # noqa: F811
    from counseling.rights.models import DataRequest

    _, links = demo_school
    copy_request = DataRequest.objects.get(counselee__user__username="siswa1", kind="copy")
    rina = browsing.person("konselor1", viewport=DESKTOP)
    siti = browsing.person("siswa1", viewport=PHONE)

    with browsing.step("1. konselor1 reviews and releases siswa1's copy", "konselor1"):
        log_in_through_enrolment_link(rina, "konselor1", links["konselor1"])
        enrol_second_factor(rina)
        rina.goto(f"/data-requests/{copy_request.public_id}/")
        rina.get_by_role("link", name="Tinjau salinan").click()
        selects = rina.locator("select[name^=withhold-]")
        assert selects.count() >= 1
        selects.first.select_option(label=f"Tahan: {REASON}")
        rina.get_by_role("button", name="Pratinjau jumlah").click()
        expect(rina.get_by_text("Pratinjau isi salinan")).to_be_visible()
        expect(rina.locator("select[name^=withhold-]").first).to_have_value("endangers_others")
        rina.get_by_role("button", name="Rilis salinan").click()
        expect(rina.locator(".messages, .message").first).to_contain_text("Salinan dirilis")

    with browsing.step("2. siswa1 sees the withheld note and downloads her PDF", "siswa1"):
        log_in(siti, "siswa1")
        siti.goto(f"/data-requests/{copy_request.public_id}/")
        expect(siti.get_by_text(REASON)).to_be_visible()
        fits_a_phone(siti)
        siti.get_by_role("button", name="Siapkan unduhan PDF").click()
        fits_a_phone(siti)
        link = siti.get_by_role("link", name="Unduh PDF")
        url = link.get_attribute("href")
        with siti.expect_download() as download:
            link.click()
        path = download.value.path()
        with open(path, "rb") as file:
            text = pdf_text(file.read())
        assert "Salinan data pribadimu" in text
        assert REASON in text

    with browsing.step("3. the same link again says it was used", "siswa1"):
        siti.goto(url)
        expect(siti.locator("h1")).to_have_text("Tautan tidak berlaku lagi")
        expect(siti.get_by_text("Tautan ini sudah dipakai pada")).to_be_visible()
        fits_a_phone(siti)

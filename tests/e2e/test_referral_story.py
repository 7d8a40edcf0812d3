"""Alih tangan kasus in a real browser, against the demo school.

Pak Budi (konselor2) proposes to hand Rizky (siswa4) to Bu Rina (konselor1), offering
every final note. Rizky, on his 360 px phone, sees who would take over, why in plain
words, and what would be shared, and accepts. Bu Rina then accepts the case and reads
the shared note on the session page. Rizky's "Siapa yang membuka catatanku" tells each
step.
"""

import pytest
from playwright.sync_api import expect

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

SHARED_NOTE = "Sering mengantuk di kelas karena membantu warung keluarga"
SUMMARY = "Rizky ingin membicarakan jam kerjanya; Bu Rina pernah mendampingi siswa pekerja."


def test_one_internal_referral_from_proposal_to_the_receiver_reading_the_notes(
    browsing,
    demo_school,  # noqa: F811
):
    _, links = demo_school
    budi = browsing.person("konselor2", viewport=DESKTOP)
    rizky = browsing.person("siswa4", viewport=PHONE)
    rina = browsing.person("konselor1", viewport=DESKTOP)

    with browsing.step("1. konselor2 proposes handing siswa4 to konselor1", "konselor2"):
        log_in_through_enrolment_link(budi, "konselor2", links["konselor2"])
        enrol_second_factor(budi)
        budi.get_by_role("link", name="Daftar kasus", exact=True).click()
        budi.get_by_role("link", name="Rizky Ramadhan").click()
        budi.get_by_role("link", name="Usulkan alih tangan kasus").click()
        budi.get_by_label("Konselor penerima").select_option(
            label="Rina Wulandari, S.Pd. (koordinator BK)"
        )
        budi.get_by_label("Bidang khusus konselor lain").check()
        budi.get_by_label("Ringkasan serah terima", exact=True).fill(SUMMARY)
        budi.get_by_label("Ringkasan dan semua catatan final").check()
        budi.get_by_role("button", name="Kirim usulan kepada siswa").click()
        expect(budi.locator(".messages, .message").first).to_contain_text(
            "Tidak ada yang berpindah"
        )

    with browsing.step("2. siswa4 decides on his phone", "siswa4"):
        log_in(rizky, "siswa4", PASSWORD)
        rizky.get_by_role("link", name="Lihat dan putuskan").click()
        expect(rizky.get_by_text("Rina Wulandari, S.Pd.").first).to_be_visible()
        expect(rizky.get_by_text("keahlian khusus")).to_be_visible()
        expect(rizky.get_by_text(SUMMARY)).to_be_visible()
        expect(rizky.locator("input[name=sessions]")).to_have_count(1)
        assert SHARED_NOTE not in rizky.content()  # what is shared, not the note itself
        fits_a_phone(rizky)
        rizky.get_by_role("button", name="Setuju").click()
        expect(rizky.get_by_text("Menunggu jawaban konselor penerima")).to_be_visible()
        fits_a_phone(rizky)

    with browsing.step("3. konselor1 accepts and reads the shared note", "konselor1"):
        log_in_through_enrolment_link(rina, "konselor1", links["konselor1"])
        enrol_second_factor(rina)
        rina.get_by_role("link", name="Alih tangan kasus", exact=True).click()
        rina.get_by_role("link", name="Rizky Ramadhan").first.click()
        expect(rina.get_by_text(SUMMARY)).to_be_visible()
        rina.get_by_role("button", name="Terima kasus").click()
        expect(rina.get_by_text("Diterima: kasus berpindah").first).to_be_visible()
        rina.locator("a[href^='/sessions/']").first.click()
        expect(rina.get_by_text(SHARED_NOTE)).to_be_visible()

    with browsing.step("4. siswa4 sees each step on his access page", "siswa4"):
        rizky.goto("/")
        rizky.get_by_role("link", name="Siapa yang membuka catatanku").first.click()
        expect(rizky.get_by_text("menyetujui alih tangan kasusmu").first).to_be_visible()
        fits_a_phone(rizky)

    assert browsing.dialogs == []
    assert browsing.server_errors == []

"""The whole story of issue 7, in a real browser, against the demo school.

Nabila (siswa6) has never acknowledged the consent document. On her phone she reads and
acknowledges it, then asks Pak Budi (konselor2) urgently for tomorrow, with a topic that
carries a script. Pak Budi enrols his second factor through the one-time link seed_demo
printed (his e-mail, in a real school), finds her request first in his queue, confirms
it, runs the session and finalises a note. Nabila sees his visit on "Siapa yang membuka
catatanku"; the admin finds it in the access log without the note's
words; Bu Rina (konselor1), not on the case, finds neither the session nor the note.
"""

import base64
import datetime
import re

import pytest
from django.utils import timezone
from django_otp.oath import totp
from playwright.sync_api import expect

from counseling import demo
from counseling.accounts.models import User
from sessions import availability, bookings
from tests.e2e.conftest import DESKTOP, PHONE

pytestmark = pytest.mark.e2e

PASSWORD = "amanah-demo"
TEMPORARY_PASSWORD = "sementara-dari-admin-5"
NABILA_NIS = "2122100506"
TOPIC = '<script>alert("x")</script> Aku cemas'
# Words that appear nowhere else in the demo, so finding them anywhere is a leak.
NOTE_MARKER = "PENANDA-E2E-QX7: Nabila takut mengecewakan ayahnya"


@pytest.fixture
def demo_school(transactional_db):
    """The demo school, and one ordinary request to konselor2 earlier tomorrow.

    The earlier request shows that the queue puts the urgent one first, not the first in time.
    """
    links = demo.seed(PASSWORD, log=lambda *args: None)
    rizky = User.objects.get(username="siswa4")
    budi = User.objects.get(username="konselor2")
    tomorrow = timezone.localdate() + datetime.timedelta(days=1)
    eight = timezone.make_aware(datetime.datetime.combine(tomorrow, datetime.time(8)))
    bookings.book(rizky.counselee, budi, eight, by=rizky, topic="Soal jam kerja di warung.")
    # Each demo counselor's and admin's enrolment link, by username, as seed_demo printed.
    return tomorrow, links


def test_the_story_of_one_urgent_request(browsing, demo_school):
    tomorrow, links = demo_school
    nabila = browsing.person("siswa6", viewport=PHONE)
    budi = browsing.person("konselor2", viewport=DESKTOP)

    with browsing.step("1. siswa6 acknowledges consent and books urgently", "siswa6"):
        booking_url = student_acknowledges_and_books(nabila, tomorrow)

    with browsing.step("2. konselor2 enrols 2FA, confirms, runs the session, writes", "konselor2"):
        note_id, session_url = counselor_confirms_and_writes(budi, booking_url, links["konselor2"])

    with browsing.step("3. siswa6 sees konselor2's visit and reads her inbox", "siswa6"):
        student_sees_the_visit(nabila)
        student_reads_her_inbox(nabila)

    admin = browsing.person("admin", viewport=DESKTOP)
    with browsing.step("4. admin finds the events, not the note", "admin"):
        admin_audits_without_reading(admin, links["admin"])

    rina = browsing.person("konselor1", viewport=DESKTOP)
    with browsing.step("5. konselor1 gets 404 on the session and the note", "konselor1"):
        other_counselor_finds_nothing(rina, session_url, note_id, links["konselor1"])

    # Each step has already checked these; nothing may have arrived since.
    assert browsing.dialogs == []
    assert browsing.server_errors == []


def test_a_password_the_admin_sets_leads_only_to_choosing_her_own(browsing, demo_school):
    """The admin resets Siti's password in the admin site. Whoever signs in with it meets
    only "choose your own password"; Siti then sees the reset on her own page."""
    _tomorrow, links = demo_school
    siti = User.objects.get(username="siswa1")
    admin = browsing.person("admin", viewport=DESKTOP)
    student = browsing.person("siswa1", viewport=PHONE)

    with browsing.step("1. admin sets a temporary password for siswa1", "admin"):
        log_in_through_enrolment_link(admin, "admin", links["admin"])
        enrol_second_factor(admin)
        admin.goto(f"/admin/accounts/user/{siti.pk}/password/")
        admin.locator("#id_password1").fill(TEMPORARY_PASSWORD)
        admin.locator("#id_password2").fill(TEMPORARY_PASSWORD)
        admin.locator("input[type=submit][name=set-password]").click()
        expect(admin).to_have_url(_path(f"/admin/accounts/user/{siti.pk}/change/"))

    with browsing.step("2. the temporary password reaches nothing but the choice", "siswa1"):
        log_in(student, "siswa1", TEMPORARY_PASSWORD)
        expect(student).to_have_url(_path("/accounts/password/choose/"))
        student.goto("/bookings/")
        expect(student).to_have_url(_path("/accounts/password/choose/"))
        expect(student.locator("nav")).to_have_count(0)
        fits_a_phone(student)
        student.locator("#id_new_password1").fill("pilihan-siti-sendiri-7")
        student.locator("#id_new_password2").fill("pilihan-siti-sendiri-7")
        student.get_by_role("button", name="Simpan kata sandi").click()
        expect(student).to_have_url(_path("/student/"))

    with browsing.step("3. siswa1 sees the reset and the sign-in with it", "siswa1"):
        student.locator("nav").get_by_role("link", name="Siapa yang membuka catatanku").click()
        timeline = student.locator("ul.timeline li")
        expect(
            timeline.filter(has_text="Agus Setiawan (Admin)").filter(
                has_text="memberi akunmu kata sandi sementara"
            )
        ).to_have_count(1)
        expect(timeline.filter(has_text="dengan kata sandi sementara dari admin")).to_have_count(1)
        fits_a_phone(student)


# The steps. Each leaves its person's page where the next step expects it.


def student_acknowledges_and_books(page, tomorrow):
    log_in(page, "siswa6")
    # A student without consent meets the document before anything else.
    expect(page).to_have_url(_path("/consent/"))
    fits_a_phone(page)
    page.locator("#id_understood").check()
    page.locator("#id_typed_name").fill("Nabila Azzahra")
    page.get_by_role("button", name="Aku setuju").click()
    expect(page).to_have_url(_path("/student/"))
    expect(page.locator(".banner")).to_have_count(0)
    fits_a_phone(page)

    page.locator("main").get_by_role("link", name="Pesan jadwal").click()
    if page.url.endswith("/book/"):
        fits_a_phone(page)
        page.get_by_role("link", name="Budi Hartono, M.Pd.").click()
    expect(page).to_have_url(_path("/book/konselor2/"))
    fits_a_phone(page)
    ten = timezone.make_aware(datetime.datetime.combine(tomorrow, datetime.time(10)))
    key = availability.Slot(ten, ten, "", "").key
    page.locator(f'a[href$="/book/konselor2/{key}/"]').click()
    fits_a_phone(page)
    page.locator("#id_topic").fill(TOPIC)
    page.locator("#id_urgent").check()
    page.get_by_role("button", name="Kirim permintaan").click()

    expect(page).to_have_url(_path("/bookings/", "/"))
    expect(page.locator(".tag.danger")).to_have_text("Mendesak")
    topic_shows_escaped(page)
    fits_a_phone(page)
    booking_url = page.url

    page.get_by_role("link", name="Kembali ke Jadwalku").click()
    expect(page.locator(".booking-row").first).to_contain_text("10:00")
    fits_a_phone(page)
    return booking_url


def counselor_confirms_and_writes(page, booking_url, enrolment_link):
    log_in_through_enrolment_link(page, "konselor2", enrolment_link)
    codes = enrol_second_factor(page)
    assert len(codes) == 10
    expect(page).to_have_url(_path("/counselor/"))

    page.locator("nav").get_by_role("link", name="Permintaan").click()
    first = page.locator("table.queue tbody tr").first
    expect(first).to_contain_text("Nabila Azzahra")
    expect(first).to_contain_text("Mendesak")
    # Rizky's ordinary request is earlier tomorrow, yet comes second.
    expect(page.locator("table.queue tbody tr").nth(1)).to_contain_text("Rizky Ramadhan")
    first.get_by_role("link", name="Buka").click()
    expect(page).to_have_url(booking_url)
    topic_shows_escaped(page)
    page.get_by_role("button", name="Konfirmasi").click()
    expect(page.locator(".messages")).to_contain_text("Dikonfirmasi")

    page.goto(booking_url)
    page.get_by_role("link", name="Buka sesi").click()
    expect(page.locator("h1")).to_have_text("Sesi konseling")
    session_url = page.url
    page.locator("#id_limits_explained").check()
    page.get_by_role("button", name="Mulai sesi").click()
    expect(page.locator(".messages")).to_contain_text("Sesi dimulai")

    page.locator("#id_presenting_concern").fill(NOTE_MARKER)
    page.locator("#id_what_was_done").fill("Mendengarkan dan berlatih pernapasan perlahan.")
    page.get_by_role("button", name="Simpan sebagai draf").click()
    note = page.locator("article.note")
    expect(note).to_have_count(1)
    note_id = note.get_attribute("id").removeprefix("note-")
    page.get_by_role("button", name="Finalkan catatan").click()
    expect(note.locator(".badge.final")).to_be_visible()
    expect(note.locator(".note-text")).to_contain_text(NOTE_MARKER)
    return note_id, session_url


def student_sees_the_visit(page):
    page.locator("nav").get_by_role("link", name="Siapa yang membuka catatanku").click()
    expect(page.locator("h1")).to_have_text("Siapa yang membuka catatanku")
    visits = page.locator("ul.timeline li").filter(has_text="Budi Hartono, M.Pd. (Konselor)")
    expect(visits.filter(has_text="membuka sesi konselingmu")).not_to_have_count(0)
    # The student sees who and why, never the counselor's working notes.
    assert NOTE_MARKER not in page.content()
    fits_a_phone(page)


def student_reads_her_inbox(page):
    """The header counts her unread notices; the inbox names what happened, not what."""
    inbox = page.locator("header").get_by_role("link", name=re.compile("^Kotak masuk"))
    # The demo's booking of hers (made, confirmed), and today's request and confirmation.
    expect(inbox.locator(".inbox-count")).to_have_text("4")
    inbox.click()
    expect(page.locator("h1")).to_have_text("Kotak masuk")
    notices = page.locator("li.notice.unread")
    expect(notices).to_have_count(4)
    expect(notices.first).to_contain_text("Jadwal konselingmu dikonfirmasi")
    expect(notices.nth(1)).to_contain_text("Permintaan jadwal konselingmu sudah terkirim")
    assert "Aku cemas" not in page.content()
    fits_a_phone(page)
    page.get_by_role("button", name="Tandai semua sudah dibaca").click()
    expect(page.locator("li.notice.unread")).to_have_count(0)
    expect(page.locator("header .inbox-count")).to_have_count(0)
    page.locator("li.notice").first.get_by_role("link").click()
    expect(page).to_have_url(_path("/bookings/"))
    fits_a_phone(page)


def admin_audits_without_reading(page, enrolment_link):
    log_in_through_enrolment_link(page, "admin", enrolment_link)
    enrol_second_factor(page)
    page.locator("nav").get_by_role("link", name="Log akses").click()
    page.locator("#id_nis").fill(NABILA_NIS)
    page.get_by_role("button", name="Saring").click()
    expect(page).to_have_url(re.compile(rf"/audit/\?nis={NABILA_NIS}&"))
    rows = page.locator("table.audit tbody tr")
    expect(rows.first).to_be_visible()
    for nis in rows.locator("td:nth-child(4)").all_inner_texts():
        assert nis == NABILA_NIS
    budi_views = rows.filter(has_text="konselor2 (counselor)").filter(has_text="membuka")
    expect(budi_views).not_to_have_count(0)
    expect(rows.filter(has_text="memfinalkan")).not_to_have_count(0)
    # Today's bar of the events-per-day chart is drawn (its geometry is a valid SVG number).
    assert page.locator("svg.chart rect").last.bounding_box()["height"] > 0

    html = page.content()
    assert NOTE_MARKER not in html
    assert "Aku cemas" not in html
    export = page.request.get(page.url.replace("/audit/?", "/audit/export.csv?"))
    assert export.ok
    assert NABILA_NIS in export.text()
    assert NOTE_MARKER not in export.text()


def other_counselor_finds_nothing(page, session_url, note_id, enrolment_link):
    log_in_through_enrolment_link(page, "konselor1", enrolment_link)
    enrol_second_factor(page)
    token = page.locator("input[name=csrfmiddlewaretoken]").first.input_value()
    response = page.goto(session_url)
    assert response.status == 404
    assert NOTE_MARKER not in page.content()

    # Notes have no page of their own: their URLs take the forms on the session page.
    for action, fields in [
        ("edit", {"presenting_concern": "diubah"}),
        ("finalise", {}),
        ("addenda", {"body": "adendum"}),
    ]:
        response = page.request.post(
            f"/notes/{note_id}/{action}/",
            form={"csrfmiddlewaretoken": token, **fields},
            max_redirects=0,
        )
        assert response.status == 404, f"{action}: {response.status}"
        assert NOTE_MARKER not in response.text()


# What every step relies on.


def log_in(page, username, password=PASSWORD):
    page.goto("/accounts/login/")
    log_in_here(page, username, password)


def log_in_here(page, username, password=PASSWORD):
    page.locator("#id_username").fill(username)
    page.locator("#id_password").fill(password)
    page.get_by_role("button", name="Masuk", exact=True).click()
    expect(page.locator("#id_username")).to_have_count(0)


def log_in_through_enrolment_link(page, username, link):
    """Open the link from the e-mail: sign in first, then on to the enrolment page."""
    page.goto(link)
    expect(page).to_have_url(_path("/accounts/login/?next=/accounts/2fa/enrol/", "/"))
    log_in_here(page, username)


def enrol_second_factor(page):
    """Read the secret off the enrolment page, as an authenticator app would; the codes."""
    expect(page).to_have_url(_path("/accounts/2fa/setup/"))
    expect(page.locator(".qr svg")).to_be_visible()
    secret = page.locator("code.secret").inner_text().replace(" ", "")
    code = totp(base64.b32decode(secret), step=30, t0=0, digits=6)
    page.locator("#id_token").fill(f"{code:06d}")
    page.get_by_role("button", name="Aktifkan").click()
    codes = page.locator("ul.codes li").all_inner_texts()
    page.get_by_role("link", name="Sudah saya simpan").click()
    return codes


def topic_shows_escaped(page):
    """The topic's markup is text on the page: shown as typed, never parsed."""
    expect(page.locator(".confidential .note-text")).to_contain_text(TOPIC)
    assert "&lt;script&gt;alert" in page.content()
    scripts = page.locator("script").evaluate_all("nodes => nodes.map(n => n.textContent)")
    assert not any("alert" in text for text in scripts)


def fits_a_phone(page):
    """No horizontal scrolling on a 360 px screen, with the stylesheet actually applied."""
    page.wait_for_load_state()
    width, rules = page.evaluate(
        "() => [document.documentElement.scrollWidth,"
        " [...document.styleSheets].reduce((n, s) => n + s.cssRules.length, 0)]"
    )
    assert rules > 0, f"no stylesheet on {page.url}"
    assert width <= PHONE["width"], f"{page.url} is {width} px wide on a 360 px phone"


def _path(*parts):
    """A URL pattern for `expect(page).to_have_url`: the path, whatever the live server's host."""
    return re.compile(r"^https?://[^/]+" + ".*".join(re.escape(p) for p in parts) + "$")

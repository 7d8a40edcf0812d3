"""The whole day, in a real browser, against the demo school.

Nabila (siswa6) has never acknowledged the consent document. On her phone she reads and
acknowledges it, then asks Pak Budi (konselor2) urgently for tomorrow, with a topic that
carries a script; she books a second, ordinary time and moves it, confirming the move.
Pak Budi enrols his second factor through the one-time link seed_demo
printed (his e-mail, in a real school), sees the requests counted on his dashboard, finds
hers first in his queue and confirms it. The next morning his dashboard lists her session
today; he starts it, writes a note that saves itself while he types, and finalises it
after one look at what will be locked. Nabila sees his visit on "Siapa yang membuka
catatanku"; the admin finds it in the access log without the note's words, then
publishes a new consent version after its preview; Nabila, still free to book, reads
what changed and accepts it. Bu Rina (konselor1), not on the case, finds neither the
session nor the note.
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

    with browsing.step("1b. siswa6 books another time and moves it", "siswa6"):
        student_reschedules(nabila, tomorrow)

    with browsing.step("2. konselor2 enrols 2FA, sees his queue, confirms", "konselor2"):
        counselor_confirms(budi, booking_url, links["konselor2"])

    with browsing.step(
        "2b. the next morning: agenda, session, autosaved note, finalise", "konselor2"
    ):
        the_morning_comes(booking_url)
        note_id, session_url = counselors_morning(budi)

    with browsing.step("3. siswa6 sees konselor2's visit and reads her inbox", "siswa6"):
        student_sees_the_visit(nabila)
        student_reads_her_inbox(nabila)

    admin = browsing.person("admin", viewport=DESKTOP)
    with browsing.step("4. admin finds the events, not the note", "admin"):
        admin_audits_without_reading(admin, links["admin"])

    with browsing.step("4b. admin previews and publishes a new consent version", "admin"):
        admin_publishes_a_new_version(admin)

    with browsing.step("4c. siswa6 still books, reads what changed, accepts", "siswa6"):
        student_accepts_the_new_version(nabila)

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


def student_reschedules(page, tomorrow):
    """A second, ordinary request, moved to another time: the move is confirmed first."""
    page.locator("nav").get_by_role("link", name="Pesan jadwal").click()
    if page.url.endswith("/book/"):
        page.get_by_role("link", name="Budi Hartono, M.Pd.").click()
    twelve = timezone.make_aware(datetime.datetime.combine(tomorrow, datetime.time(12)))
    page.locator(
        f'a[href$="/book/konselor2/{availability.Slot(twelve, twelve, "", "").key}/"]'
    ).click()
    page.get_by_role("button", name="Kirim permintaan").click()
    expect(page.locator("h1")).to_have_text("Pemesanan")
    page.get_by_role("link", name="Pindah jadwal").click()
    fits_a_phone(page)
    thirteen = timezone.make_aware(datetime.datetime.combine(tomorrow, datetime.time(13)))
    page.locator(f'a[href$="?slot={availability.Slot(thirteen, thirteen, "", "").key}"]').click()
    expect(page.locator("h1")).to_have_text("Pastikan pindah jadwal")
    fits_a_phone(page)
    page.get_by_role("button", name="Ya, pindahkan").click()
    expect(page.locator(".messages")).to_contain_text("Jadwal dipindahkan")
    expect(page.locator(".facts")).to_contain_text("13:00")
    fits_a_phone(page)


def counselor_confirms(page, booking_url, enrolment_link):
    log_in_through_enrolment_link(page, "konselor2", enrolment_link)
    codes = enrol_second_factor(page)
    assert len(codes) == 10
    expect(page).to_have_url(_path("/counselor/"))
    # Rizky's, Nabila's urgent one and her moved one wait; the urgent one is counted.
    requests = page.locator("section").filter(has_text="Permintaan menunggu")
    expect(requests.locator(".figure")).to_have_text(re.compile(r"[3-9]"))
    expect(requests).to_contain_text("1 di antaranya mendesak")

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


def the_morning_comes(booking_url):
    """Tomorrow is today: the confirmed session starts in a minute."""
    from sessions.models import Booking
    from tests.conftest import time_has_come

    booking = Booking.objects.get(public_id=booking_url.rstrip("/").rsplit("/", 1)[1])
    time_has_come(booking.session, minutes_ago=-1)


def counselors_morning(page):
    page.locator("nav").get_by_role("link", name="Beranda").click()
    today = page.locator("section.agenda")
    expect(today).to_contain_text("Nabila Azzahra")
    today.get_by_role("link", name="Buka sesi").click()
    expect(page.locator("h1")).to_have_text("Sesi konseling")
    session_url = page.url
    page.locator("#id_limits_explained").check()
    page.get_by_role("button", name="Mulai sesi").click()
    expect(page.locator(".messages")).to_contain_text("Sesi dimulai")

    # Typing alone saves the draft: no button pressed.
    page.locator("#id_presenting_concern").press_sequentially(NOTE_MARKER[:12], delay=20)
    page.locator("#id_presenting_concern").fill(NOTE_MARKER)
    expect(page.locator(".autosave-status")).to_contain_text(
        "Draf tersimpan otomatis", timeout=20_000
    )
    page.reload()
    note = page.locator("article.note")
    expect(note).to_have_count(1)
    note_id = note.get_attribute("id").removeprefix("note-")
    expect(note.locator("textarea").first).to_have_value(NOTE_MARKER)

    # Finalising saves what is on screen, shows it, and asks once.
    done = "Mendengarkan dan berlatih pernapasan perlahan."
    note.locator("textarea").nth(1).fill(done)
    note.get_by_role("button", name="Finalkan catatan").click()
    expect(page.locator("h1")).to_have_text("Finalkan catatan?")
    expect(page.locator("main")).to_contain_text("tidak dapat dibatalkan")
    expect(page.locator(".note-text")).to_contain_text(done)
    page.get_by_role("button", name="Ya, finalkan sekarang").click()
    note = page.locator("article.note")
    expect(note.locator(".badge.final")).to_be_visible()
    expect(note.locator(".note-text")).to_contain_text(NOTE_MARKER)
    expect(note.locator(".note-text")).to_contain_text(done)
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
    # The demo's booking of hers (made, confirmed), today's request and its confirmation,
    # and the second request she made and moved.
    expect(inbox.locator(".inbox-count")).to_have_text("6")
    inbox.click()
    expect(page.locator("h1")).to_have_text("Kotak masuk")
    notices = page.locator("li.notice.unread")
    expect(notices).to_have_count(6)
    expect(notices.first).to_contain_text("Jadwal konselingmu dikonfirmasi")
    expect(notices.nth(1)).to_contain_text("Jadwal konseling diubah")
    expect(notices.nth(2)).to_contain_text("Permintaan jadwal konselingmu sudah terkirim")
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
    for student in rows.locator("td:nth-child(4)").all_inner_texts():
        assert student.split() == ["Nabila", "Azzahra", NABILA_NIS]
    budi_views = rows.filter(has_text="Budi Hartono, M.Pd.").filter(has_text="membuka")
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


def admin_publishes_a_new_version(page):
    from consent.models import ConsentDocument

    # The demo publishes two versions (the second adds online counseling): one more.
    current = ConsentDocument.objects.filter(published_at__isnull=False).order_by("-version")[0]
    new = current.version + 1
    ConsentDocument.objects.create(
        version=new,
        title_id=current.title_id,
        body_id=current.body_id + "\n\n## Berapa lama catatan disimpan\n\nTiga tahun.",
        title_en=current.title_en,
        body_en=current.body_en + "\n\n## How long records are kept\n\nThree years.",
    )
    page.goto("/admin/consent/consentdocument/")
    draft = ConsentDocument.objects.get(version=new)
    page.locator(f'input[name="_selected_action"][value="{draft.pk}"]').check()
    page.locator('select[name="action"]').select_option("publish")
    page.locator('.actions button[name="index"]').click()
    expect(page.locator("h1")).to_contain_text(f"Pratinjau versi {new}")
    expect(page.locator(".consent-preview")).to_contain_text("siswa aktif akan diminta")
    expect(
        page.locator(".diff-added").filter(has_text="Berapa lama catatan disimpan")
    ).to_have_count(1)
    page.get_by_role("button", name=f"Terbitkan versi {new}").click()
    expect(page.locator(".messagelist")).to_contain_text(f"Versi {new} diterbitkan")


def student_accepts_the_new_version(page):
    page.locator("nav").get_by_role("link", name="Beranda").click()
    expect(page.locator(".banner")).to_contain_text("Ada versi baru")
    # Booking stays open: no detour through the consent page.
    page.locator("nav").get_by_role("link", name="Pesan jadwal").click()
    expect(page).to_have_url(re.compile(r"/book/"))
    page.locator("nav").get_by_role("link", name="Beranda").click()
    page.get_by_role("link", name="Lihat yang berubah").click()
    changes = page.locator("section.banner")
    expect(changes).to_contain_text("Yang berubah sejak versi 2 yang kamu setujui")
    expect(changes).to_contain_text("Berapa lama catatan disimpan")
    fits_a_phone(page)
    page.locator("#id_understood").check()
    page.locator("#id_typed_name").fill("Nabila Azzahra")
    page.get_by_role("button", name="Aku setuju").click()
    expect(page).to_have_url(_path("/student/"))
    expect(page.locator(".banner")).to_have_count(0)


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

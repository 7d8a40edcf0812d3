"""axe-core on every page of every role, at 360 px and 1366 px: no serious or critical
violation. Screenshots of the three dashboards at both widths go to test-artifacts/.

axe-core comes with the `axe-playwright-python` package (pinned in requirements-dev.txt),
injected into each page by Playwright, so nothing is fetched from a CDN and the pages'
strict Content-Security-Policy stays as it is.
"""

from pathlib import Path

import pytest
from axe_playwright_python.sync_playwright import Axe
from django.conf import settings
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from consent.models import ConsentDocument
from counseling import demo
from counseling.accounts.models import User
from counseling.audit.models import EmergencyAccess
from sessions import availability
from sessions.models import Booking, CounselingSession, DayOff, SessionNote
from tests.conftest import login, make_user
from tests.e2e.test_story import PASSWORD

pytestmark = pytest.mark.e2e

WIDTHS = {"360": {"width": 360, "height": 740}, "1366": {"width": 1366, "height": 800}}
BLOCKING = {"serious", "critical"}
DASHBOARDS = {
    "siswa1": "student-dashboard",
    "konselor1": "counselor-dashboard",
    "admin": "admin-dashboard",
    "dpo": "dpo-dashboard",
}


@pytest.fixture
def demo_school(transactional_db):
    demo.seed(PASSWORD, log=lambda *args: None)
    # A counselor who has not enrolled a second factor yet meets the enrolment page.
    make_user("konselor3", "Dewi Lestari, S.Psi.", User.Role.COUNSELOR)
    # A day off with a booking on it, and a consent draft to preview before publishing.
    rina = User.objects.get(username="konselor1")
    booked = Booking.objects.filter(counselor=rina, status__in=Booking.ACTIVE).order_by("start")
    first = booked.first()
    DayOff.objects.get_or_create(counselor=rina, date=timezone.localtime(first.start).date())
    current = ConsentDocument.objects.order_by("-version").first()
    ConsentDocument.objects.get_or_create(
        version=current.version + 1,
        defaults={
            "title_id": current.title_id,
            "body_id": current.body_id + "\n\n## Tambahan\n\nTeks baru.",
            "title_en": current.title_en,
            "body_en": current.body_en + "\n\n## Addition\n\nNew text.",
        },
    )


def _signed_in(browser, base_url, username, viewport, *, verified=True):
    """A browser context signed in as `username` (second factor verified), as after login."""
    client = Client()
    login(client, User.objects.get(username=username), verified=verified)
    context = browser.new_context(
        base_url=base_url, viewport=viewport, locale="id-ID", timezone_id="Asia/Jakarta"
    )
    context.add_cookies(
        [
            {
                "name": settings.SESSION_COOKIE_NAME,
                "value": client.cookies[settings.SESSION_COOKIE_NAME].value,
                "url": base_url,
            }
        ]
    )
    context.set_default_timeout(15_000)
    return context


def _pages():
    """(username, label, path) for every page of every role, from the demo school."""
    siti = User.objects.get(username="siswa1")
    nabila = User.objects.get(username="siswa6")
    rina = User.objects.get(username="konselor1")
    budi = User.objects.get(username="konselor2")
    siti_booking = (
        Booking.objects.filter(counselee__user=siti, status__in=Booking.ACTIVE)
        .order_by("start")
        .first()
    )
    declined = Booking.objects.filter(status=Booking.Status.DECLINED).first()
    request = Booking.objects.filter(counselor=rina, status=Booking.Status.REQUESTED).first()
    urgent = Booking.objects.filter(status=Booking.Status.REQUESTED, urgent=True).first()
    free = availability.free_slots(rina)
    session = (
        CounselingSession.objects.filter(counselor=rina, notes__status=SessionNote.Status.DRAFT)
        .order_by("-scheduled_start")
        .first()
    )
    draft = SessionNote.objects.filter(author=rina, status=SessionNote.Status.DRAFT).first()
    counselee = siti.counselee
    day_off = DayOff.objects.filter(counselor=rina).first()
    emergency = EmergencyAccess.objects.first()
    disclosure = __import__("consent.models", fromlist=["Disclosure"]).Disclosure.objects.first()
    draft_document = ConsentDocument.objects.filter(published_at__isnull=True).first()
    pages = [
        (None, "login", reverse("login")),
        ("siswa1", "dashboard", reverse("student-dashboard")),
        ("siswa1", "choose counselor", reverse("book")),
        ("siswa1", "slots", reverse("book-slots", args=["konselor1"])),
        ("siswa1", "confirm slot", reverse("book-confirm", args=["konselor1", free[0].key])),
        ("siswa1", "my bookings", reverse("my-bookings")),
        ("siswa1", "booking", reverse("booking-detail", args=[siti_booking.public_id])),
        ("siswa1", "reschedule", reverse("booking-reschedule", args=[siti_booking.public_id])),
        (
            "siswa1",
            "reschedule confirm",
            reverse("booking-reschedule", args=[siti_booking.public_id])
            + f"?slot={availability.free_slots(siti_booking.counselor)[0].key}",
        ),
        ("siswa1", "cancel", reverse("booking-cancel", args=[siti_booking.public_id])),
        ("siswa1", "access log", reverse("my-access-log")),
        ("siswa1", "consent", reverse("consent")),
        ("siswa1", "withdraw consent", reverse("consent-withdraw")),
        ("siswa1", "end counseling", reverse("end-counseling")),
        ("siswa1", "own record", reverse("counselee-detail", args=[siti.counselee.public_id])),
        ("siswa1", "not found", "/tidak-ada/"),
        ("siswa1", "inbox", reverse("inbox")),
        ("konselor1", "inbox", reverse("inbox")),
        ("admin", "inbox", reverse("inbox")),
        ("konselor3~unverified", "second factor", reverse("two-factor-setup")),
        ("siswa6", "first consent", reverse("consent")),
        ("konselor1", "dashboard", reverse("counselor-dashboard")),
        ("konselor1", "queue", reverse("booking-queue")),
        ("konselor1", "request", reverse("booking-detail", args=[request.public_id])),
        ("konselor1", "hours", reverse("availability")),
        ("konselor1", "day off", reverse("day-off-bookings", args=[day_off.pk])),
        ("konselor1", "caseload", reverse("caseload")),
        ("konselor1", "record", reverse("counselee-detail", args=[counselee.public_id])),
        ("konselor1", "session", reverse("session-detail", args=[session.public_id])),
        ("konselor1", "conflicts", reverse("conflicts")),
        ("konselor1", "emergency access", reverse("emergency-access-request")),
        ("konselor1", "disclosure", reverse("disclosure-create", args=[counselee.public_id])),
        ("konselor2", "urgent request", reverse("urgent-request", args=[urgent.public_id])),
        ("konselor1", "to be erased", reverse("retention-overview")),
        ("konselor1", "legal hold", reverse("legal-hold-request")),
        ("admin", "to be erased and holds", reverse("retention-overview")),
        ("admin", "school status", reverse("retention-lifecycle")),
        ("admin", "dashboard", reverse("admin-dashboard")),
        ("admin", "access log", reverse("audit-log")),
        ("admin", "emergency accesses", reverse("emergency-access-list")),
        (
            "admin",
            "emergency access",
            reverse("emergency-access-detail", args=[emergency.public_id]),
        ),
        ("admin", "admin site", reverse("admin:index")),
        ("admin", "users", reverse("admin:accounts_user_changelist")),
        ("admin", "user", reverse("admin:accounts_user_change", args=[rina.pk])),
        ("admin", "add user", reverse("admin:accounts_user_add")),
        ("admin", "students", reverse("admin:records_counselee_changelist")),
        ("admin", "student", reverse("admin:records_counselee_change", args=[counselee.pk])),
        ("admin", "assignments", reverse("admin:records_caseassignment_changelist")),
        ("admin", "add assignment", reverse("admin:records_caseassignment_add")),
        ("admin", "conflicts", reverse("admin:records_conflictofinterest_changelist")),
        ("admin", "consent versions", reverse("admin:consent_consentdocument_changelist")),
        (
            "admin",
            "publish preview",
            reverse("admin:consent_consentdocument_publish", args=[draft_document.pk]),
        ),
    ]
    if declined is not None:
        pages.append(
            (
                declined.counselee.user.username,
                "declined",
                reverse("booking-detail", args=[declined.public_id]),
            )
        )
    if disclosure is not None:
        pages.append(
            (
                "konselor2",
                "disclosure record",
                reverse("disclosure-detail", args=[disclosure.public_id]),
            )
        )
    if draft is not None:
        pages.append(
            (
                "konselor1",
                "finalise review",
                ("POST", reverse("note-finalise", args=[draft.public_id])),
            )
        )
    from counseling.messaging.models import Conversation

    siti_talk = Conversation.objects.get(counselee=counselee, counselor=rina)
    pages += [
        ("siswa1", "conversations", reverse("conversations")),
        ("siswa1", "conversation", reverse("conversation", args=[siti_talk.public_id])),
        ("konselor1", "conversations", reverse("conversations")),
        ("konselor1", "conversation", reverse("conversation", args=[siti_talk.public_id])),
    ]
    pages += _guardian_pages()
    from counseling.crisis.models import CrisisRequest

    waiting = CrisisRequest.objects.filter(status=CrisisRequest.Status.WAITING).first()
    taken = CrisisRequest.objects.filter(status=CrisisRequest.Status.TAKEN).first()
    pages += [
        (None, "crisis help", reverse("crisis-help")),
        (
            waiting.counselee.user.username,
            "crisis waiting",
            reverse("crisis-status", args=[waiting.public_id]),
        ),
        (
            taken.counselee.user.username,
            "crisis taken",
            reverse("crisis-status", args=[taken.public_id]),
        ),
        ("konselor1", "crisis queue", reverse("crisis-queue")),
        ("konselor1", "crisis request", reverse("crisis-request", args=[waiting.public_id])),
        (
            taken.taken_by.username,
            "crisis taken",
            reverse("crisis-request", args=[taken.public_id]),
        ),
        ("konselor1", "crisis walk-in", reverse("crisis-walk-in") + "?q=Siti"),
        (
            taken.taken_by.username,
            "safety plan",
            reverse("safety-plan-edit", args=[taken.counselee.public_id]),
        ),
        ("siswa1", "my safety plan", reverse("my-safety-plan")),
        ("admin", "crisis roster", reverse("crisis-roster")),
        ("admin", "crisis queue", reverse("crisis-queue")),
    ]
    assert budi and nabila
    return (
        pages + _referral_pages() + _rights_pages() + _copy_pages() + _dpo_pages() + _breach_pages()
    )


def _rights_pages():
    """ "Data saya", each request form, and the requests as the student, her counselor and
    the data protection officer see them."""
    from counseling.rights.models import DataRequest

    correction = DataRequest.objects.get(
        kind=DataRequest.Kind.CORRECTION, counselee__user__username="siswa2"
    )
    forms = [
        ("siswa3", f"ask: {kind}", reverse("data-request-new", args=[kind]))
        for kind in DataRequest.Kind.values
    ]
    return [
        ("siswa1", "my data", reverse("my-data")),
        ("siswa1", "view of a note", reverse("data-note-view")),
        *forms,
        ("siswa2", "my request", reverse("data-request", args=[correction.public_id])),
        ("konselor1", "data requests", reverse("data-request-list")),
        ("dpo", "request to decide", reverse("data-request", args=[correction.public_id])),
    ]


def _dpo_pages():
    """The data protection officer's pages: her home, the requests, the access log, the
    holds and erasures register and the printable record of processing."""
    from counseling.rights.models import DataRequest

    request = DataRequest.objects.first()
    return [
        ("dpo", "dashboard", reverse("dpo-dashboard")),
        ("dpo", "data requests", reverse("data-request-list")),
        ("dpo", "data request", reverse("data-request", args=[request.public_id])),
        ("dpo", "access log", reverse("audit-log")),
        ("dpo", "holds and erasures", reverse("holds-and-erasures")),
        ("dpo", "processing record", reverse("processing-record")),
    ]


def _referral_pages():
    """Alih tangan kasus, referrals into BK and outside the school, from the demo."""
    from counseling.referrals.models import BkReferral, ExternalReferral, Referral

    Status = Referral.Status
    waiting_student = Referral.objects.get(status=Status.WAITING_STUDENT)
    waiting_receiver = Referral.objects.get(status=Status.WAITING_RECEIVER)
    waiting_coordinator = Referral.objects.get(status=Status.WAITING_COORDINATOR)
    letter = ExternalReferral.objects.get()
    bk_referral = BkReferral.objects.get()
    siti = User.objects.get(username="siswa1").counselee
    student = waiting_student.counselee.user.username
    return [
        (
            student,
            "referral to answer",
            reverse("referral-detail", args=[waiting_student.public_id]),
        ),
        (student, "referrals", reverse("referral-list")),
        (
            "konselor1",
            "referral to accept",
            reverse("referral-detail", args=[waiting_receiver.public_id]),
        ),
        (
            "konselor1",
            "change to choose",
            reverse("referral-detail", args=[waiting_coordinator.public_id]),
        ),
        ("konselor1", "referrals", reverse("referral-list")),
        ("konselor1", "referral form", reverse("referral-create", args=[siti.public_id])),
        ("konselor1", "letter form", reverse("external-referral-create", args=[siti.public_id])),
        ("konselor1", "letter", reverse("external-referral-detail", args=[letter.public_id])),
        (
            "siswa1",
            "letter to consent",
            reverse("external-referral-detail", args=[letter.public_id]),
        ),
        ("admin", "letter counts", reverse("external-referral-stats")),
        ("guru1", "teacher dashboard", reverse("teacher-dashboard")),
        ("guru1", "refer", reverse("teacher-refer", args=[bk_referral.counselee.public_id])),
        ("konselor1", "teacher referrals", reverse("bk-referral-list")),
        (
            "konselor1",
            "teacher referral",
            reverse("bk-referral-detail", args=[bk_referral.public_id]),
        ),
    ]


def _copy_pages():
    """A copy waiting for konselor1's review (siswa1's), and one released (siswa2's)."""
    from counseling.rights.models import DataRequest

    waiting = DataRequest.objects.get(counselee__user__username="siswa1", kind="copy")
    released = DataRequest.objects.get(counselee__user__username="siswa2", kind="copy")
    return [
        ("konselor1", "copy review", reverse("copy-review", args=[waiting.public_id])),
        ("konselor1", "released copy", reverse("data-request", args=[released.public_id])),
        ("siswa2", "her released copy", reverse("data-request", args=[released.public_id])),
    ]


def _breach_pages():
    """The demo's breach: its list, form, detail and letters (the admin handles breaches
    as the DPO does), and siswa1's own letter, which the DPO marked sent."""
    from counseling.breaches.models import Breach, BreachNotice

    breach = Breach.objects.get()
    Audience = BreachNotice.Audience
    hers = breach.notices.get(audience=Audience.STUDENT, counselee__user__username="siswa1")
    authority = breach.notices.get(audience=Audience.AUTHORITY)
    guardian = breach.notices.filter(audience=Audience.GUARDIAN).first()
    return [
        ("admin", "breaches", reverse("breach-list")),
        ("admin", "breach form", reverse("breach-new")),
        ("admin", "breach", reverse("breach-detail", args=[breach.public_id])),
        ("admin", "authority letter", reverse("breach-letter", args=[authority.public_id])),
        ("admin", "guardian letter", reverse("breach-letter", args=[guardian.public_id])),
        ("siswa1", "my breach letter", reverse("breach-letter", args=[hers.public_id])),
    ]


def _guardian_pages():
    """The guardians' pages; the link's page is opened by the first width's browser, which
    claims it (the form at 360 px), so the second width meets its "no longer valid" page."""
    from counseling.guardians import services as guardians
    from counseling.guardians.models import GuardianExemption, GuardianLink

    fajar = User.objects.get(username="siswa9").counselee
    exemption = GuardianExemption.objects.get(counselee__user__username="siswa10")
    link = guardians.send_link(fajar.guardians.get(), by=None)
    token = GuardianLink.objects.get(pk=link.pk).mint()
    return [
        ("konselor1", "guardians", reverse("guardians", args=[fajar.public_id])),
        (
            "konselor1",
            "guardian exemption",
            reverse("guardian-exemption", args=[exemption.public_id]),
        ),
        ("admin", "guardians overview", reverse("guardian-overview")),
        ("admin", "guardian exemptions", reverse("guardian-exemptions")),
        (None, "guardian link", GuardianLink.path_for(token)),
    ]


def _blocking(results):
    return [
        f"{violation['id']} ({violation['impact']}): "
        + "; ".join(" ".join(node["target"]) for node in violation["nodes"][:3])
        for violation in results.response["violations"]
        if violation["impact"] in BLOCKING
    ]


def test_every_page_of_every_role_passes_axe(
    chromium, live_server, plain_http_cookies, demo_school
):
    axe = Axe()
    artifacts = Path(__file__).resolve().parents[2] / "test-artifacts" / "dashboards"
    artifacts.mkdir(parents=True, exist_ok=True)
    pages = _pages()
    found = []
    visited = 0
    for width, viewport in WIDTHS.items():
        contexts = {}
        try:
            for username, label, target in pages:
                if username not in contexts:
                    name, _, mode = (username or "").partition("~")
                    contexts[username] = (
                        _signed_in(
                            chromium, live_server.url, name, viewport, verified=mode != "unverified"
                        )
                        if username
                        else chromium.new_context(base_url=live_server.url, viewport=viewport)
                    )
                    contexts[username].new_page()
                page = contexts[username].pages[0]
                if isinstance(target, tuple):
                    # A page reached by a form: the draft's "Finalkan catatan" button.
                    page.goto(
                        reverse(
                            "session-detail",
                            args=[
                                SessionNote.objects.get(
                                    public_id=target[1].split("/")[2]
                                ).session.public_id
                            ],
                        )
                    )
                    page.locator(f'button[formaction="{target[1]}"]').click()
                else:
                    response = page.goto(target)
                    assert response.status < 500, f"{label}: {response.status}"
                page.wait_for_load_state()
                visited += 1
                for problem in _blocking(axe.run(page)):
                    found.append(f"{username} {label} @ {width}px: {problem}")
                if label == "dashboard" and username in DASHBOARDS:
                    page.screenshot(path=str(artifacts / f"{username}-{width}.png"), full_page=True)
        finally:
            for context in contexts.values():
                context.close()
    assert visited == 2 * len(pages)
    assert found == [], "\n".join(found)

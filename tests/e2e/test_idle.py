"""The idle logout never takes what someone is typing.

Typing counts as activity (the page tells the server), and "Tetap masuk" keeps the page
as it is instead of reloading it. Before, typing did not count and the button reloaded
the page, wiping a note being written. The idle time is cut to seconds here.
"""

import datetime
import time

import pytest
from playwright.sync_api import expect

from counseling.accounts import security
from tests.e2e.conftest import PHONE
from tests.e2e.test_accessibility import _signed_in

pytestmark = pytest.mark.e2e

IDLE_SECONDS = 8


@pytest.fixture
def short_idle(settings, monkeypatch):
    settings.AMANAH_IDLE_TIMEOUT = {
        role: datetime.timedelta(seconds=IDLE_SECONDS) for role in ("student", "counselor", "admin")
    }
    settings.AMANAH_IDLE_WARNING = datetime.timedelta(seconds=4)
    monkeypatch.setattr(security, "LAST_SEEN_PRECISION", 1)


@pytest.fixture
def booking_page(chromium, live_server, plain_http_cookies, short_idle, siti, bu_rina, rina_hours):
    from django.urls import reverse

    from tests.conftest import slot_at

    context = _signed_in(chromium, live_server.url, siti.username, PHONE)
    page = context.new_page()
    page.goto(reverse("book-confirm", args=[bu_rina.username, slot_at(bu_rina).key]))
    page.evaluate("() => { window.samePage = true; }")
    yield page
    context.close()


def _still_signed_in(page):
    from django.urls import reverse

    page.goto(reverse("my-bookings"))
    expect(page.locator("h1")).not_to_have_text("Masuk ke Amanah")
    assert "/accounts/login/" not in page.url


def test_typing_keeps_the_session_alive(booking_page):
    page = booking_page
    topic = page.locator("#id_topic")
    started = time.monotonic()
    while time.monotonic() - started < IDLE_SECONDS * 1.5:
        topic.press("a")
        page.wait_for_timeout(700)
    assert page.evaluate("() => window.samePage") is True
    expect(page.locator("#idle-warning")).to_be_hidden()
    _still_signed_in(page)


def test_stay_signed_in_keeps_the_page_and_what_was_typed(booking_page):
    page = booking_page
    page.locator("#id_topic").fill("Yang sedang kuketik")
    warning = page.locator("#idle-warning")
    expect(warning).to_be_visible(timeout=IDLE_SECONDS * 2000)
    warning.get_by_role("button", name="Tetap masuk").click()
    expect(warning).to_be_hidden()
    assert page.evaluate("() => window.samePage") is True
    expect(page.locator("#id_topic")).to_have_value("Yang sedang kuketik")
    # Past the moment the session would have ended without the button.
    page.wait_for_timeout(IDLE_SECONDS * 1000 // 2)
    _still_signed_in(page)

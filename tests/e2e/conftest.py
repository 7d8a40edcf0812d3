"""A real browser against the live server: Debian's Chromium, driven by Playwright.

Each person in a story gets a browser context of their own (cookies, viewport, locale),
so a story can hold a student's phone and a counselor's PC open side by side. When a
test fails, every page still open is saved as a full-page screenshot under
test-artifacts/e2e/, named after the test and the person.
"""

import os
import re
import shutil
import time
from contextlib import contextmanager
from pathlib import Path

import pytest

# Playwright's sync API keeps an event loop in the main thread, and Django then takes
# every query from the fixtures and the live server for one made inside async code.
# Nothing here is async, so the guard is a false alarm.
os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"

# A browser downloaded by `playwright install` does not run on this machine; Debian's does,
# with these flags (shared/TRAPS.md, "Browser tests").
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]

PHONE = {"width": 360, "height": 740}
DESKTOP = {"width": 1280, "height": 800}

REPORTS = pytest.StashKey[dict]()


@pytest.hookimpl(wrapper=True, tryfirst=True)
def pytest_runtest_makereport(item, call):
    # Keep each phase's report on the item, so a fixture's teardown knows the test failed.
    report = yield
    item.stash.setdefault(REPORTS, {})[report.when] = report
    return report


@pytest.fixture(scope="module")
def chromium():
    """One headless Chromium for the module; it fails, never skips, when it is missing.

    Module-scoped rather than session-scoped: Playwright's event loop should not outlive
    the browser tests and sit under the rest of the suite.
    """
    executable = shutil.which("chromium")
    if executable is None:
        pytest.fail(
            "The browser tests need Debian's Chromium, and `chromium` is not on PATH. "
            "Install it with `apt-get install -y chromium` (`playwright install` does not "
            "work here).",
            pytrace=False,
        )
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=executable, args=CHROMIUM_ARGS, headless=True
        )
        yield browser
        browser.close()


@pytest.fixture(scope="session")
def live_server():
    """pytest-django's live server, built to answer plain HTTP.

    Django's SecurityMiddleware reads SECURE_SSL_REDIRECT once, when the server builds its
    handler, so the `settings` fixture cannot switch it off later: with production's
    default every page would redirect to an https:// the live server does not speak.
    WhiteNoise, too, reads its settings then: it serves from the finders, as in the other
    tests, since no `collectstatic` has run.
    """
    from django.test import override_settings
    from pytest_django.live_server_helper import LiveServer

    with override_settings(
        SECURE_SSL_REDIRECT=False, WHITENOISE_AUTOREFRESH=True, WHITENOISE_USE_FINDERS=True
    ):
        server = LiveServer(os.getenv("DJANGO_LIVE_TEST_SERVER_ADDRESS", "localhost"))
    yield server
    server.stop()


@pytest.fixture
def plain_http_cookies(settings):
    # The live server speaks plain HTTP, and a browser never sends a Secure cookie over it.
    settings.SESSION_COOKIE_SECURE = False
    settings.CSRF_COOKIE_SECURE = False


class Browsing:
    """The people of one test, each with a browser context and one page.

    It records what must never happen on any page: a JavaScript dialog (stored script
    running) or a server error. Each step fails if either list is not empty at its end.
    """

    def __init__(self, browser, base_url, artifacts: Path, test_name: str):
        self.browser = browser
        self.base_url = base_url
        self.artifacts = artifacts
        self.test_name = test_name
        self.pages: dict[str, object] = {}
        self.contexts = []
        self.dialogs: list[str] = []
        self.server_errors: list[str] = []
        self.shots = 0

    def person(self, name, *, viewport=DESKTOP, locale="id-ID"):
        context = self.browser.new_context(
            base_url=self.base_url, viewport=viewport, locale=locale, timezone_id="Asia/Jakarta"
        )
        context.set_default_timeout(10_000)
        self.contexts.append(context)
        page = context.new_page()
        page.on("dialog", lambda dialog: self._dialog(name, dialog))
        page.on("response", lambda response: self._response(name, response))
        self.pages[name] = page
        return page

    def _dialog(self, name, dialog):
        self.dialogs.append(f"{name}: {dialog.type} {dialog.message!r} on {dialog.page.url}")
        dialog.dismiss()

    def _response(self, name, response):
        if response.status >= 500:
            self.server_errors.append(f"{name}: {response.status} {response.url}")

    def screenshot_every_page(self):
        """Save a full-page screenshot of every open page: <test>-<person>.png."""
        self.artifacts.mkdir(parents=True, exist_ok=True)
        for name, page in self.pages.items():
            if page.is_closed():
                continue
            path = self.artifacts / f"{_slug(self.test_name)}-{_slug(name)}.png"
            try:
                page.screenshot(path=str(path), full_page=True)
            except Exception as error:  # the test's own failure is the one to report
                print(f"screenshot of {name} failed: {error}")

    @contextmanager
    def step(self, title, *people):
        """One step of the story: a screenshot of its people after it; its name on failure."""
        started = time.monotonic()
        try:
            yield
            assert self.dialogs == [], "a JavaScript dialog opened: stored script ran"
            assert self.server_errors == [], "the server answered with an error"
        except BaseException as error:
            error.add_note(f"Browser story failed during step: {title}")
            raise
        print(f"{time.monotonic() - started:6.1f} s  {title}")
        self.shots += 1
        for name in people:
            page = self.pages[name]
            path = self.artifacts / "steps" / f"{_slug(self.test_name)}-{self.shots:02d}-{name}.png"
            path.parent.mkdir(parents=True, exist_ok=True)
            page.screenshot(path=str(path), full_page=True)

    def close(self):
        for context in self.contexts:
            context.close()


def _slug(text):
    return re.sub(r"[^A-Za-z0-9_.-]+", "_", text).strip("_")


@pytest.fixture
def browsing(request, chromium, live_server, plain_http_cookies):
    """The test's people in one Chromium; screenshots of every open page if the test fails."""
    artifacts = request.config.rootpath / "test-artifacts" / "e2e"
    people = Browsing(chromium, live_server.url, artifacts, request.node.name)
    yield people
    reports = request.node.stash.get(REPORTS, {})
    if any(report.failed for report in reports.values()):
        people.screenshot_every_page()
    people.close()

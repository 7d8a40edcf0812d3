"""A refused form on a phone: the page opens on the error summary, focused, at the top.

Before, an empty consent form reloaded at the top with its errors 4,000 px below.
"""

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from tests.e2e.conftest import PHONE
from tests.e2e.test_accessibility import _signed_in

pytestmark = pytest.mark.e2e


def test_an_empty_consent_form_opens_on_its_errors(
    chromium, live_server, plain_http_cookies, nabila, consent_v1
):
    context = _signed_in(chromium, live_server.url, nabila.username, PHONE)
    page = context.new_page()
    try:
        page.goto(reverse("consent"))
        page.get_by_role("button", name="Aku setuju").click()
        summary = page.locator("#error-summary")
        expect(summary).to_be_focused()
        expect(summary).to_be_in_viewport()
        expect(summary.get_by_role("link")).to_have_count(2)
        # Each error leads to its field.
        summary.get_by_role("link").last.click()
        expect(page.locator("#id_typed_name")).to_be_in_viewport()
    finally:
        context.close()

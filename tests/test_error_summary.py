"""A refused form says so at the top of the page, every field linked, phone first.

Before, an empty consent form reloaded at the top with its errors 4,000 px below.
"""

from django.urls import reverse

from tests.sessions.test_availability_views import WEEKLY


def test_an_empty_consent_form_lists_its_errors_above_the_document(client_for, nabila, consent_v1):
    page = (
        client_for(nabila)
        .post(reverse("consent"), {"version": consent_v1.version, "text_hash": "x"})
        .text
    )
    summary = page.index('id="error-summary"')
    assert summary < page.index('class="document"')
    assert 'href="#id_understood"' in page[summary:]
    assert 'href="#id_typed_name"' in page[summary:]
    assert 'aria-invalid="true"' not in page or page.index('aria-invalid="true"') > summary


def test_every_page_with_a_refused_form_has_the_summary(client_for, bu_rina):
    page = (
        client_for(bu_rina)
        .post(reverse("availability-weekly"), {**WEEKLY, "weekly-end_time": "07:00"})
        .text
    )
    assert page.index('id="error-summary"') < page.index("<h1>")
    assert "Jam selesai harus setelah jam mulai" in page.split('id="error-summary"')[1]


def test_a_page_without_errors_has_none(client_for, nabila, consent_v1):
    assert 'id="error-summary"' not in client_for(nabila).get(reverse("consent")).text

"""A long conversation opens one page at a time, at the same cost whatever its length."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from counseling.messaging import services
from counseling.messaging.models import Message
from tests.conftest import login

pytestmark = pytest.mark.django_db


def _grow(conversation, siti, to):
    while Message.objects.filter(conversation=conversation).count() < to:
        services.send(conversation, by=siti, body=f"baris {Message.objects.count() + 1}")


def _open_counting(client, conversation, query=""):
    url = reverse("conversation", args=[conversation.public_id]) + query
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200
    return response.content.decode(), len(queries)


def test_opening_costs_the_same_at_any_length(client, settings, conversation, siti_online, bu_rina):
    settings.AMANAH_MESSAGES_PER_PAGE = 10
    login(client, bu_rina)
    _open_counting(client, conversation)  # the first open writes the session once
    _, short = _open_counting(client, conversation)
    _grow(conversation, siti_online, 45)
    page, long = _open_counting(client, conversation)
    assert short == long
    assert page.count('class="bubble') == 10


def test_older_messages_page_back(client, settings, conversation, siti_online, bu_rina):
    settings.AMANAH_MESSAGES_PER_PAGE = 10
    _grow(conversation, siti_online, 25)
    page, _ = _open_counting(login(client, bu_rina), conversation)
    assert "baris 25" in page and "baris 15" not in page
    older = page.split('href="?before=')[1].split('"')[0]
    page, _ = _open_counting(client, conversation, f"?before={older}")
    assert "baris 15" in page and "baris 25" not in page

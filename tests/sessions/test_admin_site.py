"""Django's admin site never offers session notes or addenda, so admins cannot read them."""

import pytest
from django.contrib import admin
from django.urls import NoReverseMatch, reverse

from sessions.models import NoteAddendum, SessionNote


@pytest.mark.parametrize("model", [SessionNote, NoteAddendum])
def test_notes_are_not_registered_in_the_admin_site(model):
    assert not admin.site.is_registered(model)
    with pytest.raises(NoReverseMatch):
        reverse(f"admin:counseling_sessions_{model._meta.model_name}_changelist")


def test_the_admin_index_names_no_note(client_for, admin, draft_note):
    response = client_for(admin).get(reverse("admin:index"))
    assert response.status_code == 200
    assert "catatan sesi" not in response.text.lower()
    assert draft_note.body not in response.text

"""Every look at a session and every change to it is exactly one access-log event."""

import pytest
from django.urls import reverse

from counseling.audit.models import AccessEvent
from tests.sessions.conftest import LIMITS_EXPLAINED, confirmed

Action = AccessEvent.Action
Purpose = AccessEvent.Purpose


def act(client, action, session, draft, final):
    """Perform `action` through its page; return the object it concerns."""
    if action == "view session":
        client.get(reverse("session-detail", args=[session.public_id]))
        return session
    if action == "walk-in":
        client.post(
            reverse("walk-in-create", args=[session.counselee.public_id]),
            {"mode": "online", "place": "", "minutes": "30"},
        )
        return session.counselee.counseling_sessions.order_by("-pk").first()
    if action == "start":
        session.status = session.Status.SCHEDULED
        session.save(update_fields=["status"])
        client.post(reverse("session-start", args=[session.public_id]), LIMITS_EXPLAINED)
        return session
    if action == "complete":
        client.post(reverse("session-complete", args=[session.public_id]))
        return session
    if action == "write note":
        client.post(reverse("note-create", args=[session.public_id]), {"body": "Catatan baru."})
        return session.notes.order_by("-pk").first()
    if action == "edit note":
        client.post(reverse("note-edit", args=[draft.public_id]), {"body": "Diubah."})
        return draft
    if action == "finalise":
        client.post(reverse("note-finalise", args=[draft.public_id]), confirmed(draft))
        return draft
    if action == "addendum":
        client.post(reverse("addendum-create", args=[final.public_id]), {"body": "Tambahan."})
        return final.addenda.get()
    raise AssertionError(action)


@pytest.mark.parametrize(
    ("action", "logged_as"),
    [
        ("view session", Action.VIEW),
        ("walk-in", Action.CREATE),
        ("start", Action.UPDATE),
        ("complete", Action.UPDATE),
        ("write note", Action.CREATE),
        ("edit note", Action.UPDATE),
        ("finalise", Action.FINALISE),
        ("addendum", Action.CREATE),
    ],
)
def test_each_view_and_change_is_one_event(
    client_for, bu_rina, siti, siti_session, draft_note, final_note, events_since, action, logged_as
):
    client = client_for(bu_rina)
    mark = events_since()

    obj = act(client, action, siti_session, draft_note, final_note)

    events = events_since(mark)
    assert len(events) == 1
    event = events[0]
    assert event.action == logged_as
    assert event.actor == bu_rina
    assert event.actor_role == "counselor"
    assert event.counselee == siti.counselee
    assert event.purpose == Purpose.CASELOAD
    assert event.object_id == str(obj.public_id)
    assert event.object_type == obj._meta.label_lower
    assert event.emergency_access is None


def test_a_look_under_emergency_access_is_flagged(
    client_for, pak_eko, siti, siti_session, events_since
):
    client = client_for(pak_eko)
    mark = events_since()

    client.get(reverse("session-detail", args=[siti_session.public_id]))

    [event] = events_since(mark)
    assert event.action == Action.VIEW
    assert event.actor == pak_eko
    assert event.counselee == siti.counselee
    assert event.purpose == Purpose.EMERGENCY
    assert event.emergency_access == pak_eko.emergency_accesses.get()
    assert event.is_flagged


def test_a_refused_look_is_logged_against_the_counselee(
    client_for, pak_budi, siti, siti_session, events_since
):
    client = client_for(pak_budi)
    mark = events_since()

    client.get(reverse("session-detail", args=[siti_session.public_id]))

    [event] = events_since(mark)
    assert event.action == Action.DENIED
    assert event.actor == pak_budi
    assert event.counselee == siti.counselee
    assert event.object_id == str(siti_session.public_id)

"""Each action is recorded once, with the right actor, role and counselee, and no content."""

import itertools

import pytest
from django.urls import reverse

from counseling.audit.models import AccessEvent, AppendOnlyError
from counseling.records import services
from sessions import cases
from tests.conftest import PASSWORD

Action = AccessEvent.Action


def events(**filters):
    return list(AccessEvent.objects.filter(**filters).order_by("id"))


def test_opening_a_record_is_one_view_event(client_for, siti, bu_rina):
    client = client_for(bu_rina)
    before = AccessEvent.objects.count()
    client.get(reverse("counselee-detail", args=[siti.counselee.public_id]))
    [event] = AccessEvent.objects.filter(id__gt=before)
    assert event.action == Action.VIEW
    assert event.actor == bu_rina
    assert event.actor_role == "counselor"
    assert event.counselee == siti.counselee
    assert event.purpose == AccessEvent.Purpose.CASELOAD
    assert event.object_type == "records.counselee"
    assert event.object_id == str(siti.counselee.public_id)
    assert event.ip_address == "127.0.0.1"
    assert event.request_id


def test_a_refused_record_is_one_denied_event_against_that_student(client_for, siti, pak_budi):
    client = client_for(pak_budi)
    before = AccessEvent.objects.count()
    response = client.get(reverse("counselee-detail", args=[siti.counselee.public_id]))
    assert response.status_code == 404
    [event] = AccessEvent.objects.filter(id__gt=before)
    assert (event.action, event.actor, event.counselee) == (Action.DENIED, pak_budi, siti.counselee)


def test_a_refused_page_is_a_denied_event(client_for, siti):
    client = client_for(siti)
    before = AccessEvent.objects.count()
    client.get(reverse("caseload"))
    [event] = AccessEvent.objects.filter(id__gt=before)
    assert (event.action, event.actor, event.object_id) == (Action.DENIED, siti, "/caseload/")


def test_login_failed_login_and_logout_are_recorded(client, siti):
    client.post(reverse("login"), {"username": "siti", "password": "salah-sekali-123"})
    client.post(reverse("login"), {"username": "tidak-ada", "password": "salah-sekali-123"})
    client.post(reverse("login"), {"username": "siti", "password": PASSWORD})
    client.post(reverse("logout"))
    recorded = [(e.action, e.actor, e.object_id) for e in events(action__startswith="log")]
    assert recorded == [
        (Action.LOGIN_FAILED, None, str(siti.pk)),
        (Action.LOGIN_FAILED, None, ""),
        (Action.LOGIN, siti, str(siti.pk)),
        (Action.LOGOUT, siti, str(siti.pk)),
    ]


def test_the_typed_username_of_a_failed_login_is_not_stored(client, db):
    client.post(reverse("login"), {"username": "kata-sandi-salah-ketik", "password": "x" * 12})
    [event] = events(action=Action.LOGIN_FAILED)
    assert "kata-sandi-salah-ketik" not in str(event.__dict__)


def test_assignments_are_recorded_in_their_transaction(siti, pak_budi, admin):
    assignment = services.assign(pak_budi, siti.counselee, by=admin)
    cases.end_assignment(assignment, by=admin)
    changes = events(
        action=Action.ASSIGNMENT_CHANGED, actor=admin, object_id=str(assignment.public_id)
    )
    assert len(changes) == 2
    assert all(e.counselee == siti.counselee for e in changes)


def test_a_failed_change_leaves_no_event(siti, bu_rina, admin):
    before = AccessEvent.objects.count()
    with pytest.raises(Exception, match="sudah ada"):
        services.assign(bu_rina, siti.counselee, by=admin)
    assert AccessEvent.objects.count() == before


def test_events_hold_no_content(client_for, siti, bu_rina):
    client_for(bu_rina).get(reverse("counselee-detail", args=[siti.counselee.public_id]))
    for event in AccessEvent.objects.values():
        text = str(event)
        for secret in ("Sering cemas", "Ibu Suryani", "0812-1111-2222", "Siti Nurhaliza"):
            assert secret not in text


def test_events_refuse_update_and_delete(siti):
    event = AccessEvent.objects.first()
    event.action = Action.LOGIN
    with pytest.raises(AppendOnlyError):
        event.save()
    with pytest.raises(AppendOnlyError):
        event.delete()
    with pytest.raises(AppendOnlyError):
        AccessEvent.objects.filter(pk=event.pk).update(action=Action.LOGIN)
    with pytest.raises(AppendOnlyError):
        AccessEvent.objects.all().delete()


def test_ids_follow_one_another_and_each_entry_points_at_the_previous(siti, dimas):
    rows = list(AccessEvent.objects.order_by("id").values_list("id", "prev_hash", "hash"))
    assert [r[0] for r in rows] == list(range(1, len(rows) + 1))
    assert rows[0][1] == "0" * 64
    for previous, current in itertools.pairwise(rows):
        assert current[1] == previous[2]

"""The policy's querysets for sessions and notes, narrowed for each person."""

import pytest

from counseling import policy
from sessions import services


@pytest.mark.parametrize("person", ["bu_rina", "bu_ani", "pak_eko"])
def test_readers_of_sitis_case_list_her_sessions(request, draft_note, person):
    user = request.getfixturevalue(person)
    assert list(policy.sessions_for(user)) == [draft_note.session]


@pytest.mark.parametrize(
    ("person", "reads"),
    [("bu_rina", {"draft", "final"}), ("bu_ani", set()), ("pak_eko", {"final"})],
)
def test_a_draft_is_its_authors_and_a_final_note_its_sessions_counselors(
    request, draft_note, final_note, person, reads
):
    # Bu Ani came on the case later (no hand-over); Pak Eko reads under emergency access.
    user = request.getfixturevalue(person)
    expected = {"draft": draft_note, "final": final_note}
    assert set(policy.notes_for(user)) == {expected[name] for name in reads}


@pytest.mark.parametrize("person", ["pak_budi", "siti", "dimas", "admin"])
def test_everyone_else_lists_nothing(request, draft_note, person):
    user = request.getfixturevalue(person)
    assert not policy.sessions_for(user).exists()
    assert not policy.notes_for(user).exists()


def test_a_counselor_lists_only_the_sessions_of_her_own_caseload(
    siti_session, dimas, pak_budi, bu_rina
):
    dimas_session = services.create_walk_in_session(dimas.counselee, by=pak_budi)
    assert list(policy.sessions_for(pak_budi)) == [dimas_session]
    assert list(policy.sessions_for(bu_rina)) == [siti_session]


def test_an_inactive_counselor_lists_nothing(bu_rina, draft_note):
    bu_rina.is_active = False
    bu_rina.save(update_fields=["is_active"])
    assert not policy.sessions_for(bu_rina).exists()
    assert not policy.notes_for(bu_rina).exists()


def test_emergency_access_may_read_but_not_write(pak_eko, siti):
    assert policy.can_read_counseling_data(pak_eko, siti.counselee)
    assert not policy.can_write_counseling_data(pak_eko, siti.counselee)

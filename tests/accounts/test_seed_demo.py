import pytest
from django.core.management import CommandError, call_command

from counseling.accounts.models import User
from counseling.records.models import CaseAssignment, Counselee
from sessions.models import CounselingSession, NoteAddendum, SessionNote


def counts():
    return (
        User.objects.count(),
        Counselee.objects.count(),
        CaseAssignment.objects.count(),
        CounselingSession.objects.count(),
        SessionNote.objects.count(),
        SessionNote.objects.filter(status=SessionNote.Status.FINAL).count(),
        NoteAddendum.objects.count(),
    )


@pytest.mark.django_db
def test_seed_demo_refuses_without_debug(settings):
    settings.DEBUG = False
    with pytest.raises(CommandError, match="DEBUG"):
        call_command("seed_demo")
    assert User.objects.count() == 0


@pytest.mark.django_db
def test_seed_demo_builds_the_demo_school_and_is_idempotent(settings, client):
    settings.DEBUG = True
    call_command("seed_demo", password="sandi-demo-uji")
    first = counts()
    call_command("seed_demo", password="sandi-demo-uji")
    assert counts() == first == (9, 6, 6, 7, 6, 4, 1)

    konselor1 = User.objects.get(username="konselor1")
    caseload = Counselee.objects.filter(
        assignments__counselor=konselor1, assignments__ended_at__isnull=True
    )
    assert sorted(c.user.username for c in caseload) == ["siswa1", "siswa2", "siswa3"]
    assert client.login(username="siswa6", password="sandi-demo-uji")


@pytest.mark.django_db
def test_seed_demo_gives_siswa1_to_5_a_dated_history(settings):
    settings.DEBUG = True
    call_command("seed_demo", password="sandi-demo-uji")

    with_sessions = CounselingSession.objects.values_list("counselee__user__username", flat=True)
    assert sorted(set(with_sessions)) == ["siswa1", "siswa2", "siswa3", "siswa4", "siswa5"]
    for session in CounselingSession.objects.select_related("counselee__user", "counselor"):
        # Each session is with the student's own counselor, and its notes are hers.
        assert session.counselee.assignments.filter(counselor=session.counselor).exists()
        assert all(note.author_id == session.counselor_id for note in session.notes.all())
    addendum = NoteAddendum.objects.select_related("note__session").get()
    assert addendum.note.is_final
    assert addendum.created_at > addendum.note.finalised_at

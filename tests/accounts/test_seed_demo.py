import pytest
from django.core.management import CommandError, call_command

from counseling.accounts.models import User
from counseling.audit.models import AccessEvent, EmergencyAccess
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
    # siswa8-10 (the guardians' demo) are on konselor1's caseload too; guru1 and siswa7
    # (referrals); siswa11 and siswa12 (retention) have records and a counselor, no sessions;
    # the data protection officer (dpo).
    # Eleven sessions: ten booked or walked in, and siswa1's crisis session.
    assert counts() == first == (17, 12, 13, 11, 7, 5, 1)

    konselor1 = User.objects.get(username="konselor1")
    caseload = Counselee.objects.filter(
        assignments__counselor=konselor1, assignments__ended_at__isnull=True
    )
    assert sorted(c.user.username for c in caseload) == [
        "siswa1",
        "siswa10",
        "siswa11",
        "siswa2",
        "siswa3",
        "siswa8",
        "siswa9",
    ]
    assert client.login(username="siswa6", password="sandi-demo-uji")


@pytest.mark.django_db
def test_seed_demo_leaves_a_realistic_intact_access_log(settings):
    settings.DEBUG = True
    call_command("seed_demo")
    events = AccessEvent.objects.all()
    assert events.count() >= 10
    assert events.filter(action="login").exists()
    assert events.filter(action="denied").exists()
    access = EmergencyAccess.objects.get()
    assert access.reviewed_at is None and not access.is_active
    assert events.filter(emergency_access=access, action="view").exists()
    call_command("verify_audit", verbosity=0)


@pytest.mark.django_db
def test_seed_demo_publishes_consent_and_leaves_siswa6_at_the_gate(settings):
    from consent import services as consent_services
    from consent.models import Disclosure

    settings.DEBUG = True
    call_command("seed_demo")
    call_command("seed_demo")
    # Version 2 adds online counseling; siswa1-5 accepted both, siswa6 neither.
    assert consent_services.current_document().version == 2
    assert consent_services.current_document().covers_online_counseling
    for n in range(1, 6):
        assert consent_services.has_valid_consent(User.objects.get(username=f"siswa{n}"))
    assert not consent_services.has_valid_consent(User.objects.get(username="siswa6"))
    assert Disclosure.objects.count() == 1


@pytest.mark.django_db
def test_seed_demo_gives_siswa1_to_5_a_dated_history(settings):
    settings.DEBUG = True
    call_command("seed_demo", password="sandi-demo-uji")

    # The history is the walk-in sessions; sessions from confirmed bookings are still to come.
    # The dated history: sessions neither booked nor opened by the crisis pathway.
    history = CounselingSession.objects.filter(booking__isnull=True, crisis_request__isnull=True)
    with_sessions = history.values_list("counselee__user__username", flat=True)
    # siswa7's one session is the history her referral (counseling.referrals.demo) shares.
    expected = ["siswa1", "siswa2", "siswa3", "siswa4", "siswa5", "siswa7"]
    assert sorted(set(with_sessions)) == expected
    for session in CounselingSession.objects.select_related("counselee__user", "counselor"):
        # Each session is with the student's own counselor, and its notes are hers.
        assert session.counselee.assignments.filter(counselor=session.counselor).exists()
        assert all(note.author_id == session.counselor_id for note in session.notes.all())
    addendum = NoteAddendum.objects.select_related("note__session").get()
    assert addendum.note.is_final
    assert addendum.created_at > addendum.note.finalised_at


@pytest.mark.django_db
def test_seed_demo_opens_hours_and_leaves_bookings_in_every_state(settings):
    import datetime

    from django.utils import timezone

    from sessions import availability, bookings
    from sessions.models import Booking

    settings.DEBUG = True
    call_command("seed_demo")
    call_command("seed_demo")

    assert set(Booking.objects.values_list("status", flat=True)) == set(Booking.Status.values)
    assert Booking.objects.filter(rescheduled_from__isnull=False).count() == 1
    assert Booking.objects.filter(urgent=True).count() == 1
    for booking in Booking.objects.filter(status=Booking.Status.CONFIRMED):
        assert booking.session.scheduled_start == booking.start
    assert Booking.objects.count() == 8

    # The demo's opening move: siswa1 books konselor1 for tomorrow 10:00, urgent.
    konselor1 = User.objects.get(username="konselor1")
    siswa1 = User.objects.get(username="siswa1")
    tomorrow = timezone.localdate() + datetime.timedelta(days=1)
    ten = timezone.make_aware(datetime.datetime.combine(tomorrow, datetime.time(10)))
    booking = bookings.book(siswa1.counselee, konselor1, ten, by=siswa1, urgent=True)
    queue = Booking.objects.filter(counselor=konselor1, status=Booking.Status.REQUESTED)
    assert queue.order_by("-urgent", "start").first() == booking
    for username in ("konselor1", "konselor2"):
        assert availability.free_slots(User.objects.get(username=username))


@pytest.mark.django_db
def test_seed_demo_prints_an_enrolment_link_for_each_counselor_the_admin_and_the_dpo(settings):
    import io
    import re

    from django.test import Client

    settings.DEBUG = True
    out = io.StringIO()
    call_command("seed_demo", password="sandi-demo-uji", stdout=out)
    links = dict(
        re.findall(r"dua langkah (\w+): http://\S+?(/accounts/2fa/enrol/\S+/)", out.getvalue())
    )
    assert sorted(links) == ["admin", "dpo", "konselor1", "konselor2"]
    # The demo passwords are the accounts' own, not temporary ones.
    assert not User.objects.filter(password_is_temporary=True).exists()

    client = Client()
    client.post("/accounts/login/", {"username": "konselor1", "password": "sandi-demo-uji"})
    assert client.get(links["konselor1"])["Location"] == "/accounts/2fa/setup/"
    assert client.get("/accounts/2fa/setup/").status_code == 200

    # Running it again replaces the links it printed.
    call_command("seed_demo", password="sandi-demo-uji", stdout=io.StringIO())
    assert Client().get(links["konselor2"]).status_code == 302  # to the login page
    other = Client()
    other.post("/accounts/login/", {"username": "konselor2", "password": "sandi-demo-uji"})
    assert other.get(links["konselor2"]).status_code == 404

"""Asking, taking, the crisis session before consent, the 24-hour acknowledgement and the
7-day lapse of a crisis assignment."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from counseling import policy
from counseling.audit.models import AccessEvent
from counseling.crisis import services
from counseling.crisis.models import CrisisRequest
from counseling.notices.models import Notice
from counseling.records.models import CaseAssignment
from sessions import services as session_services
from sessions.models import CounselingSession
from tests.conftest import acknowledge
from tests.crisis.conftest import CRISIS_TEXT

Kind = Notice.Kind


def alerted(kind=Kind.CRISIS_REQUEST):
    return set(Notice.objects.filter(kind=kind).values_list("recipient__username", flat=True))


def test_a_student_without_consent_asks_with_one_tap_and_every_counselor_is_alerted(
    nabila, pak_budi, bu_rina, bu_wati
):
    crisis = services.ask_for_help(nabila, text=CRISIS_TEXT)
    assert crisis.status == CrisisRequest.Status.WAITING
    assert crisis.via == "button" and not crisis.after_hours
    assert alerted() == {"pak_budi", "bu_rina", "bu_wati"}
    notice = Notice.objects.filter(kind=Kind.CRISIS_REQUEST).first()
    assert notice.about == str(crisis.public_id) and notice.booking_id is None
    assert AccessEvent.objects.filter(action=AccessEvent.Action.CRISIS_ASKED).count() == 1


def test_a_second_tap_returns_the_waiting_request_and_alerts_nobody_twice(siti, bu_rina):
    first = services.ask_for_help(siti)
    again = services.ask_for_help(siti, text=CRISIS_TEXT)
    assert again.pk == first.pk
    assert CrisisRequest.objects.count() == 1
    assert Notice.objects.filter(kind=Kind.CRISIS_REQUEST).count() == 1
    assert CrisisRequest.objects.get().text.strip() == CRISIS_TEXT


def test_messaging_asks_through_the_same_function(siti):
    assert services.ask_for_help(siti, via="message").via == CrisisRequest.Via.MESSAGE
    with pytest.raises(ValueError):
        services.ask_for_help(siti, via="pigeon")


def test_only_a_student_asks_for_herself(bu_rina, admin):
    for user in (bu_rina, admin):
        with pytest.raises(policy.Denied):
            services.ask_for_help(user)


def test_a_conflicted_counselor_is_never_alerted_never_sees_and_cannot_take(
    nabila, pak_eko, pak_budi
):
    crisis = services.ask_for_help(nabila)
    assert "pak_eko" not in alerted()
    assert not policy.waiting_crisis_requests_for(pak_eko).exists()
    assert policy.waiting_crisis_requests_for(pak_budi).filter(pk=crisis.pk).exists()
    assert not policy.may_see_crisis_request(pak_eko, crisis)
    with pytest.raises(policy.Denied):
        services.take(crisis, by=pak_eko)
    assert CrisisRequest.objects.get().status == CrisisRequest.Status.WAITING


def test_the_first_claim_wins_and_the_second_sees_who(siti, bu_wati, pak_budi):
    crisis = services.ask_for_help(siti, text=CRISIS_TEXT)
    services.take(crisis, by=bu_wati)
    with pytest.raises(services.AlreadyTaken) as refusal:
        services.take(crisis, by=pak_budi)
    assert refusal.value.taker == bu_wati
    assert "Wati Susanti" in refusal.value.messages[0]
    assert CounselingSession.objects.count() == 1


def test_the_text_is_read_only_by_whoever_took_it(siti, bu_wati, pak_budi, bu_rina):
    crisis = services.ask_for_help(siti, text=CRISIS_TEXT)
    assert not policy.may_read_crisis_text(bu_rina, crisis)
    crisis = services.take(crisis, by=bu_wati)
    assert services.read_text(crisis, by=bu_wati) == CRISIS_TEXT
    for other in (pak_budi, bu_rina):
        with pytest.raises(policy.Denied):
            services.read_text(crisis, by=other)


def test_taking_it_opens_a_time_boxed_crisis_assignment_for_a_counselor_off_the_case(siti, bu_wati):
    crisis = services.take(services.ask_for_help(siti), by=bu_wati)
    assignment = crisis.assignment
    assert assignment.opened_by == CaseAssignment.OpenedBy.CRISIS
    assert assignment.expires_at - timezone.now() > datetime.timedelta(days=6, hours=23)
    assert policy.can_write_counseling_data(bu_wati, siti.counselee)
    assert crisis.session.counselor == bu_wati
    assert Notice.objects.filter(kind=Kind.CRISIS_TAKEN, recipient=siti).exists()


def test_her_own_counselor_takes_it_without_a_new_assignment(siti, bu_rina):
    crisis = services.take(services.ask_for_help(siti), by=bu_rina)
    assert crisis.assignment is None
    assert CaseAssignment.objects.filter(counselee=siti.counselee).count() == 1


def test_the_crisis_session_begins_before_consent_and_is_logged_as_the_exception(nabila, bu_wati):
    crisis = services.take(services.ask_for_help(nabila), by=bu_wati)
    # A regular start would be refused: she has not acknowledged the document.
    with pytest.raises(ValidationError):
        session_services.start_session(crisis.session, by=bu_wati, limits_explained=True)
    with pytest.raises(ValidationError):
        services.start_crisis_session(crisis, by=bu_wati, limits_explained=False)
    session = services.start_crisis_session(crisis, by=bu_wati, limits_explained=True)
    assert session.status == CounselingSession.Status.IN_PROGRESS
    assert session.limits_explained_at is not None
    assert policy.is_crisis_session(session)
    exception = AccessEvent.objects.get(action=AccessEvent.Action.CRISIS_BEFORE_CONSENT)
    assert exception.actor == bu_wati and exception.object_id == str(session.public_id)
    crisis.refresh_from_db()
    assert crisis.consent_due_at - session.started_at == datetime.timedelta(hours=24)
    assert Notice.objects.filter(kind=Kind.CRISIS_CONSENT_ASKED, recipient=nabila).exists()
    # Notes may be written about the session at once.
    note = session_services.write_note(session, by=bu_wati, body="Siswa sudah tenang.")
    assert note.pk


def test_a_regular_session_is_not_a_crisis_session(siti, bu_rina):
    session = session_services.create_walk_in_session(siti.counselee, by=bu_rina)
    assert not policy.is_crisis_session(session)


def test_with_consent_the_crisis_session_is_no_exception(siti, bu_wati):
    crisis = services.take(services.ask_for_help(siti), by=bu_wati)
    services.start_crisis_session(crisis, by=bu_wati, limits_explained=True)
    assert not AccessEvent.objects.filter(action=AccessEvent.Action.CRISIS_BEFORE_CONSENT)
    crisis.refresh_from_db()
    assert crisis.consent_due_at is None


def test_consent_within_24_hours_tells_nobody_and_after_24_hours_tells_the_counselor(
    nabila, bu_wati, consent_v1
):
    crisis = services.take(services.ask_for_help(nabila), by=bu_wati)
    services.start_crisis_session(crisis, by=bu_wati, limits_explained=True)
    assert services.consent_pending_for(nabila) == crisis
    assert services.tell_consent_overdue() == 0
    later = timezone.now() + datetime.timedelta(hours=24, minutes=1)
    assert services.tell_consent_overdue(later) == 1
    assert alerted(Kind.CRISIS_CONSENT_OVERDUE) == {"bu_wati"}
    assert services.tell_consent_overdue(later) == 0  # once


def test_an_acknowledgement_in_time_ends_the_ask(nabila, bu_wati, consent_v1):
    crisis = services.take(services.ask_for_help(nabila), by=bu_wati)
    services.start_crisis_session(crisis, by=bu_wati, limits_explained=True)
    acknowledge(nabila, consent_v1)
    assert services.consent_pending_for(nabila) is None
    later = timezone.now() + datetime.timedelta(hours=25)
    assert services.tell_consent_overdue(later) == 0
    assert not alerted(Kind.CRISIS_CONSENT_OVERDUE)


def lapse(crisis):
    """Seven days pass: the assignment's end is moved into the past."""
    CaseAssignment.objects.filter(pk=crisis.assignment_id).update(
        expires_at=timezone.now() - datetime.timedelta(seconds=1)
    )


def test_the_crisis_assignment_lapses_after_7_days_and_her_reach_ends_at_once(siti, bu_wati):
    crisis = services.take(services.ask_for_help(siti), by=bu_wati)
    lapse(crisis)
    assert not policy.can_write_counseling_data(bu_wati, siti.counselee)
    assert not policy.counselees_for(bu_wati).filter(pk=siti.counselee.pk).exists()
    assert services.lapse_crisis_assignments() == 1
    assignment = CaseAssignment.objects.get(pk=crisis.assignment_id)
    assert assignment.end_reason == CaseAssignment.EndReason.CRISIS_LAPSED
    assert assignment.ended_at is not None
    assert services.lapse_crisis_assignments() == 0


def test_a_lapsed_crisis_assignment_does_not_block_a_new_one(siti, bu_wati, admin):
    from counseling.records import services as records_services

    crisis = services.take(services.ask_for_help(siti), by=bu_wati)
    lapse(crisis)
    records_services.assign(bu_wati, siti.counselee, by=admin)
    assert policy.is_assigned(bu_wati, siti.counselee)


def test_the_student_keeps_the_counselor_and_the_assignment_no_longer_lapses(siti, bu_wati):
    crisis = services.take(services.ask_for_help(siti), by=bu_wati)
    crisis = CrisisRequest.objects.select_related("assignment", "counselee").get(pk=crisis.pk)
    assert policy.may_confirm_crisis_counselor(siti, crisis)
    assert not policy.may_confirm_crisis_counselor(bu_wati, crisis)
    services.confirm_counselor(crisis, by=siti)
    assignment = CaseAssignment.objects.get(pk=crisis.assignment_id)
    assert assignment.expires_at is None and assignment.is_active
    assert services.lapse_crisis_assignments() == 0


def test_the_counselor_on_duty_opens_a_walk_in_for_a_student_off_her_caseload(
    dimas, bu_wati, bu_rina
):
    from counseling.crisis.models import DutyShift

    with pytest.raises(policy.Denied):
        services.open_walk_in(dimas.counselee, by=bu_wati)
    now = timezone.localtime()
    DutyShift.objects.create(
        counselor=bu_wati,
        weekday=now.weekday(),
        start_time=datetime.time(0),
        end_time=datetime.time(23, 59, 59),
    )
    crisis = services.open_walk_in(dimas.counselee, by=bu_wati)
    assert crisis.via == CrisisRequest.Via.WALK_IN
    assert crisis.taken_by == bu_wati and crisis.session is not None
    assert crisis.assignment.opened_by == CaseAssignment.OpenedBy.CRISIS
    assert not policy.may_open_crisis_walk_in(bu_rina, dimas.counselee)
    # She did not ask for Bu Wati: the reach lapses after a day, not after the week a
    # request she made gives.
    lapse = crisis.assignment.expires_at - crisis.taken_at
    assert datetime.timedelta(hours=23) < lapse <= datetime.timedelta(hours=24)
    assignment = CaseAssignment.objects.get(pk=crisis.assignment.pk)
    CaseAssignment.objects.filter(pk=assignment.pk).update(
        expires_at=timezone.now() - datetime.timedelta(seconds=1)
    )
    assert not policy.record_access(bu_wati, dimas.counselee).read_counseling_data


def test_a_walk_in_is_told_to_the_student_her_counselors_and_the_admins(dimas, bu_wati, admin):
    from counseling.crisis.models import DutyShift

    on_case = set(
        CaseAssignment.objects.active()
        .filter(counselee=dimas.counselee)
        .values_list("counselor__username", flat=True)
    )
    assert on_case, "Dimas has a counselor"
    DutyShift.objects.create(
        counselor=bu_wati,
        weekday=timezone.localtime().weekday(),
        start_time=datetime.time(0),
        end_time=datetime.time(23, 59, 59),
    )
    crisis = services.open_walk_in(dimas.counselee, by=bu_wati, text=CRISIS_TEXT)
    told = set(
        Notice.objects.filter(kind=Notice.Kind.CRISIS_WALK_IN).values_list(
            "recipient__username", flat=True
        )
    )
    assert told == on_case | {admin.username}
    assert Notice.objects.filter(
        kind=Notice.Kind.CRISIS_TAKEN, recipient=dimas, about=str(crisis.public_id)
    ).exists()
    # Content-free: the notices name the request, never its text.
    assert not Notice.objects.filter(about__contains=CRISIS_TEXT).exists()


def test_a_conflicted_counselor_on_duty_cannot_open_a_walk_in(nabila, pak_eko):
    from counseling.crisis.models import DutyShift

    DutyShift.objects.create(
        counselor=pak_eko,
        weekday=timezone.localtime().weekday(),
        start_time=datetime.time(0),
        end_time=datetime.time(23, 59, 59),
    )
    with pytest.raises(policy.Denied):
        services.open_walk_in(nabila.counselee, by=pak_eko)


def test_the_safety_plan_is_written_by_the_counselor_and_shared_with_the_student(
    siti, bu_rina, pak_budi
):
    plan = services.save_safety_plan(
        siti.counselee, by=bu_rina, warning_signs=CRISIS_TEXT, shared_with_student=False
    )
    assert not policy.safety_plans_for(siti).exists()
    services.save_safety_plan(
        siti.counselee, by=bu_rina, plan=plan, warning_signs=CRISIS_TEXT, shared_with_student=True
    )
    assert policy.safety_plans_for(siti).get().warning_signs == CRISIS_TEXT
    assert not policy.safety_plans_for(pak_budi).exists()
    with pytest.raises(policy.Denied):
        services.save_safety_plan(siti.counselee, by=pak_budi, warning_signs="x")

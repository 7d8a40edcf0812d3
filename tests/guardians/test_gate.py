"""The guardian gate across age, the school's basis and the guardian's state.

Under "consent required" a minor's regular session starts only with a guardian's consent
not withdrawn since, or an exemption a second person approved; a crisis session always
passes; an adult and the other two bases never wait for a guardian. A minor can still
book: the gate stands before a session starts, nowhere else.
"""

import datetime

import pytest
from django.utils import timezone

from counseling import policy
from counseling.guardians import gate, services
from counseling.guardians.models import GuardianExemption
from counseling.policy.guardians import GateState
from sessions import services as session_services
from tests.conftest import open_hours, slot_at

BASES = ["consent_required", "notice_only", "public_duty"]


def years_ago(years, days=0):
    today = timezone.localdate()
    return today.replace(year=today.year - years) + datetime.timedelta(days=days)


def set_birth(student, born):
    counselee = student.counselee
    counselee.date_of_birth = born
    counselee.save(update_fields=["date_of_birth"])
    return counselee


def put_in_state(state, siti, bu_rina, admin, guardian_factory):
    """Bring Siti's guardians into `state`; returns nothing, the database holds it."""
    counselee = siti.counselee
    if state == "no_guardian":
        return
    guardian = guardian_factory()
    if state == "awaiting":
        return
    if state == "link_pending":
        services.send_link(guardian, by=bu_rina)
    elif state == "consent_given":
        services.record_paper_form(
            guardian, by=admin, form_number="F-1", signed_on=timezone.localdate()
        )
    elif state == "withdrawn":
        services.record_paper_form(
            guardian, by=admin, form_number="F-1", signed_on=timezone.localdate()
        )
        services.record_withdrawal(guardian, by=bu_rina)
    elif state == "exemption_pending":
        services.record_exemption(
            counselee, by=bu_rina, reason=GuardianExemption.Reason.SEXUAL_ABUSE, detail="x"
        )
    elif state == "exemption_approved":
        exemption = services.record_exemption(
            counselee, by=bu_rina, reason=GuardianExemption.Reason.SEXUAL_ABUSE, detail="x"
        )
        services.decide_exemption(exemption, by=admin, approve=True)
    elif state == "exemption_ended":
        exemption = services.record_exemption(
            counselee, by=bu_rina, reason=GuardianExemption.Reason.SEXUAL_ABUSE, detail="x"
        )
        services.decide_exemption(exemption, by=admin, approve=True)
        services.end_exemption(exemption, by=bu_rina)


@pytest.fixture
def guardian_factory(siti, bu_rina, guardian_document):
    def make():
        return services.add_guardian(
            siti.counselee, by=bu_rina, name="Ibu Suryani", relation="mother", email="s@x.test"
        )

    return make


# state -> the gate under "consent required" for a minor.
CLOSED_FOR_A_MINOR = {
    "no_guardian": GateState.NO_GUARDIAN,
    "awaiting": GateState.AWAITING_CONSENT,
    "link_pending": GateState.LINK_PENDING,
    "withdrawn": GateState.WITHDRAWN,
    "exemption_pending": GateState.EXEMPTION_PENDING,
    "exemption_ended": GateState.AWAITING_CONSENT,
}
OPEN_FOR_A_MINOR = {
    "consent_given": GateState.CONSENT_GIVEN,
    "exemption_approved": GateState.EXEMPT,
}
STATES = [*CLOSED_FOR_A_MINOR, *OPEN_FOR_A_MINOR]
# Dates of birth worked out when each test runs, not when the module is collected: a
# suite that crosses midnight must not turn "18 tomorrow" into "18 today".
AGES = {
    "17": lambda: years_ago(17),
    "unknown": lambda: None,
    "18 tomorrow": lambda: years_ago(18, days=1),
    "18 today": lambda: years_ago(18),
    "19": lambda: years_ago(19),
}
MINOR_AGES = {"17", "unknown", "18 tomorrow"}


@pytest.mark.parametrize("state", STATES)
@pytest.mark.parametrize("basis", BASES)
@pytest.mark.parametrize("age", list(AGES))
def test_the_gate_across_age_basis_and_state(
    settings, siti, bu_rina, admin, guardian_factory, state, basis, age
):
    settings.GUARDIAN_BASIS = basis
    counselee = set_birth(siti, AGES[age]())
    put_in_state(state, siti, bu_rina, admin, guardian_factory)
    found = policy.gate_state(counselee)
    if age not in MINOR_AGES:
        assert found == GateState.ADULT
    elif basis != "consent_required":
        assert found == GateState.NOT_REQUIRED
    elif state in OPEN_FOR_A_MINOR:
        assert found == OPEN_FOR_A_MINOR[state]
    else:
        assert found == CLOSED_FOR_A_MINOR[state]
    # A crisis session passes whatever the state.
    assert policy.guardian_gate_is_open(counselee, crisis=True)


def test_an_unknown_basis_counts_as_the_strictest(settings, siti):
    settings.GUARDIAN_BASIS = "whatever"
    assert policy.gate_state(siti.counselee) == GateState.NO_GUARDIAN


def test_consent_given_again_after_a_withdrawal_opens_the_gate(
    consent_required, siti, bu_rina, admin, guardian_factory
):
    put_in_state("withdrawn", siti, bu_rina, admin, guardian_factory)
    guardian = siti.counselee.guardians.get()
    services.record_paper_form(
        guardian, by=admin, form_number="F-2", signed_on=timezone.localdate()
    )
    assert policy.gate_state(siti.counselee) == GateState.CONSENT_GIVEN


def walk_in(siti, bu_rina):
    return session_services.create_walk_in_session(siti.counselee, by=bu_rina)


def test_it_refuses_a_minors_regular_session_without_guardian_consent(
    consent_required, siti, bu_rina, guardian_factory
):
    guardian_factory()
    session = walk_in(siti, bu_rina)
    with pytest.raises(gate.GuardianGateClosed) as refused:
        session_services.start_session(session, by=bu_rina, limits_explained=True)
    # The counselor reads why, and what to do.
    assert "persetujuan wali wajib" in refused.value.messages[0]
    assert "formulir kertas" in refused.value.messages[0]
    session.refresh_from_db()
    assert session.status == session.Status.SCHEDULED


def test_a_crisis_session_passes_the_gate_without_guardian_consent(consent_required, siti, bu_rina):
    from counseling.crisis import services as crisis_services

    regular = walk_in(siti, bu_rina)
    with pytest.raises(gate.GuardianGateClosed):
        session_services.check_session_may_proceed(regular)
    request = crisis_services.take(crisis_services.ask_for_help(siti), by=bu_rina)
    assert gate.session_is_crisis(request.session)
    session_services.check_session_may_proceed(request.session)
    crisis_services.start_crisis_session(request, by=bu_rina, limits_explained=True)
    request.session.refresh_from_db()
    assert request.session.status == request.session.Status.IN_PROGRESS


def test_the_crisis_argument_passes_the_gate_too(consent_required, siti, bu_rina):
    session = walk_in(siti, bu_rina)
    session_services.check_session_may_proceed(session, crisis=True)
    with pytest.raises(gate.GuardianGateClosed):
        session_services.check_session_may_proceed(session, crisis=False)


def test_with_guardian_consent_the_session_starts(
    consent_required, siti, bu_rina, admin, guardian_factory
):
    put_in_state("consent_given", siti, bu_rina, admin, guardian_factory)
    session = walk_in(siti, bu_rina)
    session_services.start_session(session, by=bu_rina, limits_explained=True)
    session.refresh_from_db()
    assert session.status == session.Status.IN_PROGRESS


def test_with_an_approved_exemption_the_session_starts(
    consent_required, siti, bu_rina, admin, guardian_factory
):
    put_in_state("exemption_approved", siti, bu_rina, admin, guardian_factory)
    session = walk_in(siti, bu_rina)
    session_services.start_session(session, by=bu_rina, limits_explained=True)
    session.refresh_from_db()
    assert session.status == session.Status.IN_PROGRESS


def test_an_adult_needs_no_guardian(consent_required, siti, bu_rina):
    set_birth(siti, years_ago(18))
    session = walk_in(siti, bu_rina)
    session_services.start_session(session, by=bu_rina, limits_explained=True)
    session.refresh_from_db()
    assert session.status == session.Status.IN_PROGRESS


def test_a_minor_without_guardian_consent_can_still_book(consent_required, siti, bu_rina):
    from sessions import bookings

    open_hours(bu_rina)
    slot = slot_at(bu_rina)
    booking = bookings.book(siti.counselee, bu_rina, slot.start, by=siti, topic="Ingin bercerita.")
    assert booking.pk is not None


def test_the_counselors_page_says_why_and_what_to_do(
    consent_required, client_for, siti, bu_rina, guardian_factory
):
    guardian_factory()
    response = client_for(bu_rina).get(f"/guardians/student/{siti.counselee.public_id}/")
    assert response.status_code == 200
    assert 'id="guardian-gate"' in response.text
    assert "Kirim tautan persetujuan" in response.text


def test_the_student_is_told_the_basis_and_when_consent_is_hers_alone(
    consent_required, client_for, siti
):
    response = client_for(siti).get("/consent/")
    assert "sekolah juga meminta persetujuan walimu" in response.text
    set_birth(siti, years_ago(18))
    response = client_for(siti).get("/consent/")
    assert "Kamu sudah berusia 18 tahun" in response.text


def test_the_counselor_who_tries_to_start_reads_why_and_what_to_do(
    consent_required, client_for, siti, bu_rina, guardian_factory
):
    from django.urls import reverse

    guardian_factory()
    session = walk_in(siti, bu_rina)
    response = client_for(bu_rina).post(
        reverse("session-start", args=[session.public_id]), {"limits_explained": "on"}, follow=True
    )
    assert "persetujuan wali wajib" in response.text
    session.refresh_from_db()
    assert session.status == session.Status.SCHEDULED

"""A guardian's withdrawal stops new regular sessions, keeps the records, leaves the crisis
pathway open, and tells the counselor without content."""

import pytest
from django.utils import timezone

from counseling.audit.models import AppendOnlyError
from counseling.guardians import gate, services
from counseling.guardians.models import GuardianAcknowledgement, GuardianWithdrawal
from counseling.notices.models import Notice
from sessions import services as session_services


@pytest.fixture
def consented(consent_required, ibu_suryani, admin):
    return services.record_paper_form(
        ibu_suryani, by=admin, form_number="BK-0001", signed_on=timezone.localdate()
    )


def test_a_withdrawal_stops_new_regular_sessions_but_not_crisis_help(
    consented, ibu_suryani, siti, bu_rina
):
    session = session_services.create_walk_in_session(siti.counselee, by=bu_rina)
    session_services.check_session_may_proceed(session)
    services.record_withdrawal(ibu_suryani, by=bu_rina)
    with pytest.raises(gate.GuardianGateClosed, match="menarik persetujuannya"):
        session_services.start_session(session, by=bu_rina, limits_explained=True)
    session_services.check_session_may_proceed(session, crisis=True)


def test_the_records_are_kept_and_immutable(consented, ibu_suryani, bu_rina):
    withdrawal = services.record_withdrawal(ibu_suryani, by=bu_rina)
    assert GuardianAcknowledgement.objects.filter(pk=consented.pk).exists()
    with pytest.raises(AppendOnlyError):
        consented.delete()
    with pytest.raises(AppendOnlyError):
        GuardianWithdrawal.objects.filter(pk=withdrawal.pk).update(withdrawn_at=timezone.now())


def test_the_counselor_is_told_without_content(
    consented, ibu_suryani, admin, bu_rina, django_capture_on_commit_callbacks, mailoutbox
):
    bu_rina.email = "rina@example.test"
    bu_rina.save(update_fields=["email"])
    with django_capture_on_commit_callbacks(execute=True):
        services.record_withdrawal(ibu_suryani, by=admin)
    notice = Notice.objects.get(kind=Notice.Kind.GUARDIAN_WITHDRAWN)
    assert notice.recipient == bu_rina
    body = mailoutbox[-1].body
    assert "Siti" not in body and "Suryani" not in body


def test_a_session_already_begun_goes_on(consented, ibu_suryani, siti, bu_rina):
    session = session_services.create_walk_in_session(siti.counselee, by=bu_rina)
    session_services.start_session(session, by=bu_rina, limits_explained=True)
    services.record_withdrawal(ibu_suryani, by=bu_rina)
    note = session_services.write_note(session, by=bu_rina, body="Catatan.")
    assert note.pk is not None


def test_a_paper_form_is_recorded_by_the_admin_only(consent_required, ibu_suryani, bu_rina):
    from counseling.policy.core import Denied

    with pytest.raises(Denied):
        services.record_paper_form(
            ibu_suryani, by=bu_rina, form_number="BK-1", signed_on=timezone.localdate()
        )


def test_a_paper_form_keeps_its_number_date_and_who_recorded_it(consented, admin):
    assert consented.channel == "paper"
    assert consented.form_number == "BK-0001"
    assert consented.signed_on == timezone.localdate()
    assert consented.recorded_by == admin

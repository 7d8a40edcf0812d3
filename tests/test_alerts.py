"""Alerts to admins and counselors are sent once, and never lost when the broker was down.

The change commits first; the task is queued after commit. If it could not be queued,
the sweep on the beat schedule finds the alert unsent and sends it, exactly once.
"""

import pytest

from consent import services as consent_services
from consent import tasks as consent_tasks
from counseling.audit import services as audit_services
from counseling.audit import tasks as audit_tasks


@pytest.fixture
def admin_with_email(admin):
    admin.email = "agus@sekolah.test"
    admin.save()
    return admin


def disclose(siti, bu_rina):
    return consent_services.record_disclosure(
        siti.counselee,
        by=bu_rina,
        reason="danger_to_self",
        recipient_name="Ibu Suryani",
        recipient_role="parent",
        what_was_shared="x",
        student_informed=True,
    )


def test_a_disclosure_alert_left_unqueued_is_sent_by_the_sweep_once(
    siti, bu_rina, admin_with_email, mailoutbox
):
    disclosure = disclose(siti, bu_rina)  # on_commit never ran: as if the broker were down
    assert mailoutbox == []
    assert consent_tasks.send_unsent_alerts() == 1
    assert consent_tasks.send_unsent_alerts() == 0
    assert consent_tasks.alert_admins_of_disclosure(disclosure.pk) is False  # a late duplicate
    assert len(mailoutbox) == 1


def test_an_emergency_alert_left_unqueued_is_sent_by_the_sweep_once(
    siti, pak_budi, admin_with_email, mailoutbox
):
    access = audit_services.grant_emergency_access(
        siti.counselee, "Siswa tidak pulang sejak kemarin, guru BK cuti.", by=pak_budi
    )
    assert audit_tasks.send_unsent_alerts() == 1
    assert audit_tasks.alert_admins_of_emergency_access(access.pk) is False
    assert len(mailoutbox) == 1


def test_a_case_ended_message_left_unqueued_is_sent_by_the_sweep_once(siti, bu_rina, mailoutbox):
    bu_rina.email = "rina@sekolah.test"
    bu_rina.save()
    consent_services.end_counseling(siti.counselee, by=siti)
    assert consent_tasks.send_unsent_alerts() == 1
    assert consent_tasks.send_unsent_alerts() == 0
    [mail] = mailoutbox
    assert mail.to == ["rina@sekolah.test"]


def test_a_queued_alert_sends_at_commit_and_the_sweep_finds_nothing(
    siti, bu_rina, admin_with_email, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        disclose(siti, bu_rina)
    assert len(mailoutbox) == 1
    assert consent_tasks.send_unsent_alerts() == 0

"""Alerts to admins and counselors are notices written with their cause, sent once.

The change and its notices commit together; the e-mail goes out after the commit, or
from the re-queue when the broker missed it, exactly once either way.
"""

import pytest
from django.db import transaction

from consent import services as consent_services
from counseling.audit import services as audit_services
from counseling.celery import app as project_app
from counseling.notices import publishing
from counseling.notices.models import Notice
from sessions import cases

Kind = Notice.Kind
Status = Notice.EmailStatus


@pytest.fixture(autouse=True)
def _deliver_in_process(monkeypatch):
    monkeypatch.setitem(project_app.conf, "task_always_eager", True)


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


def test_a_disclosure_alert_is_written_with_the_disclosure_and_sent_once(
    siti, bu_rina, admin_with_email, mailoutbox
):
    disclosure = disclose(siti, bu_rina)  # on_commit never ran: as if the broker were down
    [notice] = Notice.objects.filter(kind=Kind.DISCLOSURE_RECORDED)
    assert (notice.recipient, notice.about) == (admin_with_email, str(disclosure.public_id))
    assert mailoutbox == []

    assert publishing.requeue() == 1
    assert publishing.requeue() == 0
    [mail] = mailoutbox
    assert mail.to == ["agus@sekolah.test"]


def test_a_rolled_back_disclosure_alerts_nobody(siti, bu_rina, admin_with_email):
    with pytest.raises(RuntimeError), transaction.atomic():
        disclose(siti, bu_rina)
        raise RuntimeError("the request failed after the disclosure was written")
    assert not Notice.objects.exists()


def test_an_emergency_alert_is_written_with_the_grant_and_sent_once(
    siti, pak_budi, admin_with_email, mailoutbox
):
    access = audit_services.grant_emergency_access(
        siti.counselee, "Siswa tidak pulang sejak kemarin, guru BK cuti.", by=pak_budi
    )
    [notice] = Notice.objects.filter(kind=Kind.EMERGENCY_ACCESS)
    assert notice.about == str(access.public_id)
    assert publishing.requeue() == 1
    assert publishing.requeue() == 0
    [mail] = mailoutbox
    assert f"/audit/emergency/{access.public_id}/" in mail.body


def test_the_counselor_is_told_once_when_the_student_ends_counseling(siti, bu_rina, mailoutbox):
    bu_rina.email = "rina@sekolah.test"
    bu_rina.save()
    cases.end_counseling(siti.counselee, by=siti)
    assert publishing.requeue() == 1
    assert publishing.requeue() == 0
    [mail] = mailoutbox
    assert mail.to == ["rina@sekolah.test"]
    assert Notice.objects.get(kind=Kind.CASE_ENDED).recipient == bu_rina


def test_an_alert_sends_at_commit_and_the_requeue_finds_nothing(
    siti, bu_rina, admin_with_email, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        disclose(siti, bu_rina)
    assert len(mailoutbox) == 1
    assert publishing.requeue() == 0


def test_an_admin_without_an_address_finds_the_alert_in_her_inbox_only(
    siti, bu_rina, admin, mailoutbox, django_capture_on_commit_callbacks
):
    assert admin.email == ""
    with django_capture_on_commit_callbacks(execute=True):
        disclose(siti, bu_rina)
    notice = Notice.objects.get(kind=Kind.DISCLOSURE_RECORDED, recipient=admin)
    assert (notice.email_status, notice.sent_at, notice.read_at) == (Status.NO_ADDRESS, None, None)
    assert mailoutbox == []
    assert publishing.requeue() == 0

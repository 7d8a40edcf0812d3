"""The nightly chain check: writes the head to the application log, alerts admins on a break."""

import logging

from django.conf import settings
from django.db import connection

from counseling.audit import log, tasks
from counseling.audit.models import AccessEvent


def test_it_runs_every_night():
    schedule = settings.CELERY_BEAT_SCHEDULE["verify-audit-chain"]
    assert schedule["task"] == "counseling.audit.tasks.verify_audit_chain"


def test_an_intact_chain_writes_its_head_to_the_log(siti, caplog, mailoutbox):
    last = AccessEvent.objects.latest("id")
    with caplog.at_level(logging.INFO, logger="amanah.audit"):
        assert tasks.verify_audit_chain.delay().get() is True
    assert f"last_id={last.id} last_hash={last.hash}" in caplog.text
    assert mailoutbox == []


def test_a_broken_chain_alerts_admins_without_content(
    siti, bu_rina, admin, mailoutbox, django_capture_on_commit_callbacks
):
    admin.email = "agus@sekolah.test"
    admin.save()
    log.record(log.Action.VIEW, actor=bu_rina, obj=siti.counselee, counselee=siti.counselee)
    target = AccessEvent.objects.latest("id").id
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SET session_replication_role = replica")
        cursor.execute("UPDATE audit_accessevent SET actor_role = 'admin' WHERE id = %s", [target])

    with django_capture_on_commit_callbacks(execute=True):
        assert tasks.verify_audit_chain.delay().get() is False
    [mail] = mailoutbox
    assert mail.to == ["agus@sekolah.test"]
    assert f"#{target}" in mail.body
    assert "Siti" not in mail.body and "1001" not in mail.body

"""The access log's verification is remembered for /healthz, by the command and at night."""

import pytest
from django.core.management import CommandError, call_command

from counseling.audit import tasks
from counseling.audit.models import AccessEvent
from counseling.ops.models import ChainVerification

pytestmark = pytest.mark.django_db


def test_verify_audit_records_an_intact_chain_and_its_head(siti):
    call_command("verify_audit", verbosity=0)
    last = AccessEvent.objects.latest("id")
    record = ChainVerification.objects.latest()
    assert (record.intact, record.last_id, record.last_hash) == (True, last.id, last.hash)


def test_a_head_that_is_not_reached_is_recorded_as_a_failure(siti):
    last = AccessEvent.objects.latest("id")
    with pytest.raises(CommandError, match="cut off the end"):
        call_command("verify_audit", "--expect-head", f"{last.id + 5}:{'f' * 64}", verbosity=0)
    assert ChainVerification.objects.latest().intact is False


def test_the_nightly_task_records_its_result(siti):
    assert tasks.verify_audit_chain.delay().get() is True
    assert ChainVerification.objects.latest().intact is True

"""A student's requests under UU PDP: made, reviewed, decided, every step logged.

Each service locks the counselee's row first (before the access log's lock, as every
service does), asks the policy under that lock, writes a history row and an access-log
entry in the same transaction, and tells whoever must act next through the outbox.
"""

from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from counseling import notices, policy
from counseling.audit import log
from counseling.notices.models import Notice
from counseling.records.models import Counselee
from counseling.rights import law
from counseling.rights.models import DataRequest, DataRequestEvent

Kind = DataRequest.Kind
Status = DataRequest.Status


def _locked(counselee: Counselee) -> Counselee:
    # no_key: a KEY SHARE lock from a log insert naming her must not deadlock with us.
    return Counselee.objects.select_for_update(no_key=True).get(pk=counselee.pk)


def _locked_request(data_request: DataRequest) -> DataRequest:
    _locked(data_request.counselee)
    return DataRequest.objects.select_related("counselee__user").get(pk=data_request.pk)


def step(data_request: DataRequest, name: str, *, by: Any, status: str | None = None) -> None:
    """Move the request to `status` (if given) and write the step to its history."""
    if status is not None and status != data_request.status:
        data_request.status = status
        data_request.save(update_fields=["status"])
    DataRequestEvent.objects.create(
        request=data_request, status=data_request.status, step=name, by=by
    )


def handlers_of(data_request: DataRequest) -> list:
    """Who is told of a new request: the DPO, and for a copy the counselor who reviews it."""
    people = list(policy.dpos())
    if data_request.kind == Kind.COPY:
        people += list(policy.reviewers_of(data_request.counselee))
    return people


@transaction.atomic
def make_request(
    counselee: Counselee, *, by: Any, kind: str, details: str = "", proposed: str = ""
) -> DataRequest:
    """The student asks for a copy, a correction, erasure, restriction or objection."""
    counselee = _locked(counselee)
    policy.require(policy.may_make_data_request(by, counselee), counselee=counselee)
    if counselee.data_requests.open().filter(kind=kind).exists():
        raise ValidationError(
            _("Kamu sudah punya permintaan jenis ini yang belum selesai. Tunggu jawabannya dulu.")
        )
    now = timezone.now()
    data_request = DataRequest.objects.create(
        counselee=counselee,
        requested_by=by,
        kind=kind,
        details=details,
        proposed=proposed,
        received_at=now,
        due_at=law.due_at(now),
    )
    step(data_request, "received", by=by)
    log.record(
        log.Action.DATA_REQUEST_MADE,
        actor=by,
        obj=data_request,
        counselee=counselee,
        purpose=log.Purpose.OWN,
    )
    notices.notify_all(handlers_of(data_request), Notice.Kind.DATA_REQUEST, about=data_request)
    return data_request

"""The data protection officer's registers: the record of processing, holds and erasures.

Kept apart from `views.py`, which holds the requests' pages: these read no request and
no content, only what the code, the settings and the retention tables say.
"""

from django.shortcuts import render
from django.views.decorators.http import require_GET

from counseling import policy
from counseling.audit import log
from counseling.rights import processing


@require_GET
@policy.allowed_by(policy.may_see_processing_record)
def processing_record(request):
    """The yearly record of processing activities (UU PDP art. 31), printable."""
    record = processing.build()
    log.record(
        log.Action.PROCESSING_RECORD_VIEWED,
        actor=request.user,
        object_type="rights.processingrecord",
        object_id=str(record.year),
        purpose=log.Purpose.DATA_PROTECTION,
    )
    return render(request, "rights/processing_record.html", {"record": record})


@require_GET
@policy.allowed_by(policy.may_see_erasures)
def holds_and_erasures(request):
    """Every legal hold (never its reason) and every erasure tombstone, read-only."""
    holds = policy.legal_holds_for(request.user).order_by("-requested_at")[:200]
    erasures = policy.erasures_for(request.user).order_by("-erased_at")[:200]
    log.record(
        log.Action.VIEW,
        actor=request.user,
        object_type="retention.legalhold",
        object_id="list",
        purpose=log.Purpose.DATA_PROTECTION,
    )
    return render(request, "rights/holds_and_erasures.html", {"holds": holds, "erasures": erasures})

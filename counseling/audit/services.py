"""Emergency access (break-glass): granted loudly, briefly, and reviewed by an admin."""

import datetime

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from counseling import notices, policy
from counseling.accounts.models import User
from counseling.audit import log
from counseling.audit.models import EmergencyAccess
from counseling.notices.models import Notice
from counseling.records.models import Counselee

MIN_JUSTIFICATION_LENGTH = 20


@transaction.atomic
def grant_emergency_access(
    counselee: Counselee, justification: str, *, by: User
) -> EmergencyAccess:
    """Open `counselee`'s record to counselor `by`, read-only, for a fixed short time.

    The grant is logged and every admin is alerted in the same transaction.
    """
    justification = justification.strip()
    if len(justification) < MIN_JUSTIFICATION_LENGTH:
        raise ValidationError(
            _("Tuliskan alasan paling sedikit %(count)d karakter.")
            % {"count": MIN_JUSTIFICATION_LENGTH}
        )
    if not policy.may_request_emergency_access(by, counselee):
        raise ValidationError(_("Akses darurat tidak tersedia untuk Anda pada siswa ini."))
    now = timezone.now()
    access = EmergencyAccess.objects.create(
        counselor=by,
        counselee=counselee,
        justification=justification,
        granted_at=now,
        expires_at=now + datetime.timedelta(minutes=settings.AMANAH_EMERGENCY_ACCESS_MINUTES),
    )
    log.record(
        log.Action.EMERGENCY_ACCESS,
        actor=by,
        obj=access,
        counselee=counselee,
        purpose=log.Purpose.EMERGENCY,
        emergency_access=access,
    )
    notices.notify_all(notices.admins(), Notice.Kind.EMERGENCY_ACCESS, about=access)
    return access


@transaction.atomic
def review_emergency_access(access: EmergencyAccess, comment: str, *, by: User) -> None:
    # FOR NO KEY UPDATE: the log entry written below points at this row (TRAPS.md).
    access = EmergencyAccess.objects.select_for_update(no_key=True).get(pk=access.pk)
    policy.require(policy.may_review_emergency_access(by, access), access)
    comment = comment.strip()
    if not comment:
        raise ValidationError(_("Tuliskan komentar peninjauan."))
    if access.reviewed_at is not None:
        raise ValidationError(_("Akses darurat ini sudah ditinjau."))
    access.reviewed_at = timezone.now()
    access.reviewed_by = by
    access.review_comment = comment  # type: ignore[assignment]  # an untyped package field
    access.save(update_fields=["reviewed_at", "reviewed_by", "review_comment"])
    log.record(
        log.Action.EMERGENCY_REVIEW,
        actor=by,
        obj=access,
        counselee=access.counselee,
        purpose=log.Purpose.AUDIT,
        emergency_access=access,
    )

"""A student's requests under UU PDP: made, reviewed, decided, every step logged.

Each service locks the counselee's row first (before the access log's lock, as every
service does), asks the policy under that lock, writes a history row and an access-log
entry in the same transaction, and tells whoever must act next through the outbox.
"""

import json
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from counseling import notices, policy
from counseling.audit import log
from counseling.notices.models import Notice
from counseling.records.models import Counselee
from counseling.retention import erasure
from counseling.retention.models import SchoolStatus
from counseling.rights import law
from counseling.rights.models import DataRequest, DataRequestEvent
from sessions import bookings
from sessions import services as session_services
from sessions.models import NoteAddendum, SessionNote

Kind = DataRequest.Kind
Status = DataRequest.Status


def _locked(counselee: Counselee) -> Counselee:
    # no_key: a KEY SHARE lock from a log insert naming her must not deadlock with us.
    return Counselee.objects.select_for_update(no_key=True).get(pk=counselee.pk)


def lock_request(data_request: DataRequest) -> DataRequest:
    _locked(data_request.counselee)
    locked: DataRequest = DataRequest.objects.select_related("counselee__user").get(
        pk=data_request.pk
    )
    return locked


def step(data_request: DataRequest, name: str, *, by: Any, status: str | None = None) -> None:
    """Move the request to `status` (if given) and write the step to its history."""
    if status is not None and status != data_request.status:
        data_request.status = status
        data_request.save(update_fields=["status"])
    DataRequestEvent.objects.create(
        request=data_request, status=data_request.status, step=name, by=by
    )


def handlers_of(data_request: DataRequest) -> list[Any]:
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


@transaction.atomic
def withdraw(data_request: DataRequest, *, by: Any) -> DataRequest:
    """She no longer wants what she asked for, while it is still open."""
    data_request = lock_request(data_request)
    policy.require(policy.may_withdraw_data_request(by, data_request), data_request)
    step(data_request, "withdrawn", by=by, status=Status.WITHDRAWN)
    log.record(
        log.Action.DATA_REQUEST_WITHDRAWN,
        actor=by,
        obj=data_request,
        counselee=data_request.counselee,
        purpose=log.Purpose.OWN,
    )
    return data_request


@transaction.atomic
def add_view_to_note(note: SessionNote, *, by: Any, view: str) -> DataRequest:
    """A correction of a note (UU PDP art. 30): her view is added beside the counselor's
    as a dated addendum written in her name; the note itself never changes."""
    counselee = _locked(note.session.counselee)
    policy.require(policy.may_add_view_to_note(by, note), note, counselee=counselee)
    view = view.strip()
    if not view:
        raise ValidationError(_("Tuliskan pandanganmu tentang catatan itu."))
    now = timezone.now()
    data_request = DataRequest.objects.create(
        counselee=counselee,
        requested_by=by,
        kind=Kind.CORRECTION,
        note=note,
        received_at=now,
        due_at=law.due_at(now),
        status=Status.DONE,
        decided_at=now,
    )
    NoteAddendum.objects.create(note=note, author=by, body=view)
    step(data_request, "student_view_added", by=by)
    log.record(
        log.Action.DATA_CORRECTED,
        actor=by,
        obj=note,
        counselee=counselee,
        purpose=log.Purpose.OWN,
    )
    # Her counselors learn that a note has her view beside it; never what she wrote.
    notices.notify_all(policy.reviewers_of(counselee), Notice.Kind.DATA_REQUEST, about=data_request)
    return data_request


def proposed_values(data_request: DataRequest) -> dict[str, str]:
    """The directory values a correction asks for ({"full_name": ..., ...})."""
    if not data_request.proposed:
        return {}
    values = json.loads(data_request.proposed)
    return {name: str(values[name]) for name in DIRECTORY_FIELDS if values.get(name)}


# What a student may ask to have corrected in the directory, and where it is kept.
DIRECTORY_FIELDS = ("full_name", "class_name", "email")


def _apply_correction(data_request: DataRequest, by: Any) -> None:
    values = proposed_values(data_request)
    if not values:
        raise ValidationError(_("Permintaan ini tidak menyebut data yang harus diperbaiki."))
    counselee = data_request.counselee
    user = counselee.user
    if "class_name" in values:
        counselee.class_name = values["class_name"]
        counselee.save(update_fields=["class_name"])
    user_fields = [name for name in ("full_name", "email") if name in values]
    for name in user_fields:
        setattr(user, name, values[name])
    if user_fields:
        user.save(update_fields=user_fields)
    log.record(
        log.Action.DATA_CORRECTED,
        actor=by,
        obj=counselee,
        counselee=counselee,
        purpose=log.Purpose.DATA_PROTECTION,
    )


def _refuse_erasure_now(counselee: Counselee) -> None:
    obstacles = policy.erasure_obstacles(counselee)
    if DataRequest.Ground.LEGAL_HOLD in obstacles:
        raise ValidationError(
            _(
                "Catatan siswa ini ditahan untuk perkara hukum: penghapusan harus ditolak "
                "dengan dasar itu, atau menunggu penahanan berakhir."
            )
        )
    if DataRequest.Ground.PENDING_CASE in obstacles:
        raise ValidationError(
            _(
                "Siswa ini sedang ditangani (sesi berlangsung atau permintaan bicara sekarang "
                "menunggu): putuskan setelah itu selesai, atau tolak dengan dasar itu."
            )
        )


def _carry_out(data_request: DataRequest, by: Any) -> None:
    """Do what was granted. Row work only, every lock taken here before the caller's
    access-log entries (TRAPS.md, deadlocks); each step logs after its own rows."""
    counselee = data_request.counselee
    if data_request.kind == Kind.CORRECTION:
        _apply_correction(data_request, by)
    elif data_request.kind == Kind.RESTRICTION:
        # What is booked would wait on sessions nobody may run: it is cancelled, and she
        # is told as when a case closes.
        booked = bookings.lock_active(counselee)
        upcoming = session_services.lock_upcoming(counselee)
        counselee.processing_restricted_at = timezone.now()
        counselee.save(update_fields=["processing_restricted_at"])
        bookings.cancel_all(booked, by=by)
        session_services.cancel_locked_sessions(upcoming, by=by)
        log.record(
            log.Action.PROCESSING_RESTRICTED,
            actor=by,
            obj=counselee,
            counselee=counselee,
            purpose=log.Purpose.DATA_PROTECTION,
        )
    elif data_request.kind == Kind.ERASURE:
        status = getattr(counselee, "school_status", None)
        today = timezone.localdate()
        # Her other requests have nothing left to answer.
        counselee.data_requests.open().exclude(pk=data_request.pk).update(status=Status.WITHDRAWN)
        erasure.shred(
            counselee,
            status=status.status if status else SchoolStatus.Status.ACTIVE,
            left_on=status.since if status else today,
            due_on=today,
        )
        log.record(
            log.Action.COUNSELEE_ERASED,
            actor=by,
            obj=data_request,
            counselee=counselee,
            purpose=log.Purpose.DATA_PROTECTION,
        )


@transaction.atomic
def decide(
    data_request: DataRequest, *, by: Any, grant: bool, ground: str = "", answer: str = ""
) -> DataRequest:
    """The DPO grants (and carries out) or refuses a correction, erasure, restriction or
    objection; a refusal names the law's ground, and she is told either way."""
    data_request = lock_request(data_request)
    policy.require(policy.may_decide_data_request(by, data_request), data_request)
    if not grant and not ground:
        raise ValidationError(_("Pilih dasar penolakan: siswa berhak tahu alasannya."))
    if data_request.kind == Kind.OBJECTION and not answer.strip():
        raise ValidationError(_("Tuliskan jawaban atas keberatan siswa."))
    if grant and data_request.kind == Kind.ERASURE:
        _refuse_erasure_now(data_request.counselee)
    data_request.decided_by = by
    data_request.decided_at = timezone.now()
    data_request.ground = "" if grant else ground
    data_request.answer = answer.strip()  # type: ignore[assignment]
    data_request.status = Status.DONE if grant else Status.REFUSED
    data_request.save(update_fields=["decided_by", "decided_at", "ground", "answer", "status"])
    step(data_request, "granted" if grant else "refused", by=by)
    if grant:
        _carry_out(data_request, by)
    log.record(
        log.Action.DATA_REQUEST_DECIDED,
        actor=by,
        obj=data_request,
        counselee=data_request.counselee,
        purpose=log.Purpose.DATA_PROTECTION,
    )
    if not (grant and data_request.kind == Kind.ERASURE):
        # After an erasure her account is closed and her address gone: nobody to tell.
        notices.notify(
            data_request.counselee.user, Notice.Kind.DATA_REQUEST_ANSWERED, about=data_request
        )
    return data_request


@transaction.atomic
def end_restriction(counselee: Counselee, *, by: Any) -> Counselee:
    """She lifts the restriction she asked for: bookings and messages open again."""
    counselee = _locked(counselee)
    policy.require(policy.may_end_restriction(by, counselee), counselee)
    counselee.processing_restricted_at = None
    counselee.save(update_fields=["processing_restricted_at"])
    log.record(
        log.Action.PROCESSING_RESUMED,
        actor=by,
        obj=counselee,
        counselee=counselee,
        purpose=log.Purpose.OWN,
    )
    return counselee

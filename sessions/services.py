"""Changes to counseling sessions and session notes.

Each function is one transaction, takes the acting user as `by=`, asks the policy under
its lock, and writes its access-log event inside the same transaction. Views call these;
nothing else saves a session, a note or an addendum.

The consent gate (DESIGN rule 6) stands before a session starts: a session that began
with the student's consent may be written up to its end, even if a new version of the
document is published or the student withdraws meanwhile (records are kept; new
sessions stop).
"""

import datetime
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Model
from django.utils import formats, timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from consent import services as consent_services
from counseling import policy
from counseling.accounts.models import User
from counseling.audit import log
from counseling.guardians import gate as guardian_gate
from counseling.records.models import Counselee
from sessions.models import (
    Booking,
    CounselingSession,
    FinalisedNoteError,
    NoteAddendum,
    SessionNote,
)

Status = CounselingSession.Status

NOTE_FIELDS = ("presenting_concern", "what_was_done", "agreed_follow_up", "body")

# The session workflow: action -> (the statuses it may start from, the status it leads to).
TRANSITIONS = {
    "start": ({Status.SCHEDULED}, Status.IN_PROGRESS),
    "complete": ({Status.IN_PROGRESS}, Status.COMPLETED),
    "no_show": ({Status.SCHEDULED}, Status.NO_SHOW),
}

# Notes are written about a session that has taken place or is taking place.
NOTE_STATUSES = {Status.IN_PROGRESS, Status.COMPLETED}

WALK_IN_MINUTES = 45


class SessionStateError(ValidationError):
    """The session is not in a state that allows this action."""


def check_session_may_proceed(session: CounselingSession, *, crisis: bool | None = None) -> None:
    """The one precondition for starting a session.

    Raise `ValidationError` when counseling may not begin with this counselee: the
    consent gate (DESIGN rule 6), then the guardian gate for a minor (the school's basis,
    `counseling.guardians.gate`), so that no path around the pages can skip them. A crisis
    session passes the guardian gate; `crisis` None lets the gate's hook decide.
    """
    consent_services.require_consent(session.counselee)
    guardian_gate.require_guardian_basis(session, crisis=crisis)


def starts_today(session: CounselingSession) -> bool:
    """Whether the session is scheduled for today, in the school's time zone."""
    return timezone.localtime(session.scheduled_start).date() == timezone.localdate()


def has_start_time_passed(session: CounselingSession) -> bool:
    return session.scheduled_start <= timezone.now()


def check_session_may_start_now(session: CounselingSession) -> None:
    """A session starts on its own day; a walk-in is scheduled from the moment it is made.

    Starting a session days early would tell the record it took place while the student
    still sees "Dikonfirmasi" for a day to come.
    """
    if not starts_today(session):
        raise SessionStateError(
            _("Sesi ini dijadwalkan %(day)s. Sesi hanya dapat dimulai pada harinya.")
            % {"day": formats.date_format(timezone.localtime(session.scheduled_start), "j F Y")}
        )


def check_no_show_may_be_marked(session: CounselingSession) -> None:
    """A student can only fail to come once the start time has passed."""
    if not has_start_time_passed(session):
        raise SessionStateError(
            _(
                "Sesi ini belum dimulai menurut jadwal (pukul %(time)s). Tandai tidak hadir "
                "setelah waktunya lewat."
            )
            % {"time": formats.time_format(timezone.localtime(session.scheduled_start), "H:i")}
        )


def is_first_session(session: CounselingSession) -> bool:
    """Whether no earlier session with this counselee has begun."""
    return (
        not CounselingSession.objects.filter(counselee=session.counselee, started_at__isnull=False)
        .exclude(pk=session.pk)
        .exists()
    )


def _log(action: str, obj: Model, counselee: Counselee, by: User) -> None:
    purpose = policy.record_access(by, counselee).purpose
    log.record(action, actor=by, obj=obj, counselee=counselee, purpose=purpose)


@transaction.atomic
def create_walk_in_session(
    counselee: Counselee,
    *,
    by: User,
    mode: str = CounselingSession.Mode.FACE_TO_FACE,
    place: str = "",
    minutes: int = WALK_IN_MINUTES,
) -> CounselingSession:
    """Record a student who walks into the BK office: a session scheduled from now."""
    policy.require(policy.may_create_walk_in(by, counselee), counselee=counselee)
    start = timezone.now()
    session = CounselingSession.objects.create(
        counselee=counselee,
        counselor=by,
        scheduled_start=start,
        scheduled_end=start + datetime.timedelta(minutes=minutes),
        mode=mode,
        place=place,
    )
    _log(log.Action.CREATE, session, counselee, by)
    return session


def _transition(
    session: CounselingSession, action: str, *, by: User, **fields: Any
) -> CounselingSession:
    allowed_from, target = TRANSITIONS[action]
    locked = CounselingSession.objects.select_for_update().get(pk=session.pk)
    policy.require(policy.may_run_session(by, locked), locked, counselee=session.counselee)
    if locked.status not in allowed_from:
        raise SessionStateError(
            _("Sesi ini berstatus %(status)s; tindakan ini tidak dapat dilakukan.")
            % {"status": locked.get_status_display()}
        )
    if action == "start":
        check_session_may_start_now(locked)
        check_session_may_proceed(locked)
    if action == "no_show":
        check_no_show_may_be_marked(locked)
    session.status = target
    for name, value in fields.items():
        setattr(session, name, value)
    session.save(update_fields=["status", *fields])
    _log(log.Action.UPDATE, session, session.counselee, by)
    return session


@transaction.atomic
def start_session(
    session: CounselingSession, *, by: User, limits_explained: bool = False
) -> CounselingSession:
    """Mark a scheduled session as begun, now.

    At the counselee's first session the counselor confirms that the limits of
    confidentiality were explained in person (seed 001); the time is stored.
    """
    now = timezone.now()
    fields = {"started_at": now}
    if is_first_session(session):
        if not limits_explained:
            raise ValidationError(
                _(
                    "Ini sesi pertama dengan siswa ini. Jelaskan dulu batas kerahasiaan secara "
                    "langsung, lalu centang konfirmasinya."
                )
            )
        fields["limits_explained_at"] = now
    return _transition(session, "start", by=by, **fields)


@transaction.atomic
def create_session_from_booking(booking: Booking, *, by: User) -> CounselingSession:
    """The session a confirmed booking becomes; it still needs consent to start.

    The booking service has decided, under its lock, that `by` may confirm it.
    """
    session = CounselingSession.objects.create(
        counselee=booking.counselee,
        counselor=booking.counselor,
        scheduled_start=booking.start,
        scheduled_end=booking.end,
        mode=booking.mode,
        place=booking.place,
    )
    _log(log.Action.CREATE, session, booking.counselee, by)
    return session


@transaction.atomic
def cancel_session(
    session: CounselingSession, *, by: User, locked: bool = False
) -> CounselingSession:
    """Cancel a session that has not begun, with its booking.

    The booking service has already decided `by` may cancel (the student, before the
    cut-off, or the counselor); this only records the session's side of it. `locked`:
    the caller holds the session's row lock already (taken before anything was logged).
    """
    if not locked:
        session = CounselingSession.objects.select_for_update().get(pk=session.pk)
    locked_session = session
    if locked_session.status == Status.SCHEDULED:
        locked_session.status = Status.CANCELLED
        locked_session.save(update_fields=["status"])
        _log(log.Action.UPDATE, locked_session, locked_session.counselee, by)
    return locked_session


@transaction.atomic
def mark_no_show(session: CounselingSession, *, by: User) -> CounselingSession:
    """The student did not come to a scheduled session."""
    return _transition(session, "no_show", by=by)


@transaction.atomic
def cancel_upcoming_sessions(
    counselee: Counselee, *, by: User, counselor: User | None = None
) -> int:
    """Cancel the counselee's sessions that have not begun (with `counselor` only, if
    given): the student ended counseling, or that counselor's reach ended."""
    return cancel_locked_sessions(lock_upcoming(counselee, counselor), by=by)


def lock_upcoming(counselee: Counselee, counselor: User | None = None) -> list[CounselingSession]:
    """Lock the counselee's sessions that have not begun (with `counselor` only, if given).

    Services that also append to the access log take these locks before their first
    entry: the log's lock is held to the end of the transaction, and a row lock waited
    for while holding it deadlocks with a writer that holds the row and waits for the log.
    """
    upcoming = CounselingSession.objects.select_for_update().filter(
        counselee=counselee, status=Status.SCHEDULED
    )
    if counselor is not None:
        upcoming = upcoming.filter(counselor=counselor)
    return list(upcoming)


def cancel_locked_sessions(sessions: list[CounselingSession], *, by: User) -> int:
    """Cancel sessions whose row locks the caller holds (`lock_upcoming`); those that a
    cancelled booking took along meanwhile are skipped. Returns how many."""
    count = 0
    for session in sessions:
        session.refresh_from_db(fields=["status"])
        if session.status != Status.SCHEDULED:
            continue
        session.status = Status.CANCELLED
        session.save(update_fields=["status"])
        _log(log.Action.UPDATE, session, session.counselee, by)
        count += 1
    return count


@transaction.atomic
def complete_session(session: CounselingSession, *, by: User) -> CounselingSession:
    """Mark a session in progress as finished, now."""
    return _transition(session, "complete", by=by, ended_at=timezone.now())


def _clean_note_fields(fields: dict[str, Any]) -> dict[str, str]:
    unknown = set(fields) - set(NOTE_FIELDS)
    if unknown:
        raise TypeError(f"Unknown note fields: {sorted(unknown)}")
    values = {name: (fields.get(name) or "").strip() for name in NOTE_FIELDS}
    if not any(values.values()):
        raise ValidationError(_("Catatan kosong. Isi setidaknya satu bagian."))
    return values


@transaction.atomic
def write_note(session: CounselingSession, *, by: User, **fields: Any) -> SessionNote:
    """Write a draft note about a session that has begun."""
    session = CounselingSession.objects.select_for_update().get(pk=session.pk)
    policy.require(policy.may_run_session(by, session), session, counselee=session.counselee)
    if session.status not in NOTE_STATUSES:
        raise SessionStateError(_("Catatan hanya dapat ditulis setelah sesi dimulai."))
    note = SessionNote.objects.create(session=session, author=by, **_clean_note_fields(fields))
    _log(log.Action.CREATE, note, session.counselee, by)
    return note


def _locked_draft(note: SessionNote, by: User) -> SessionNote:
    locked = SessionNote.objects.select_for_update().get(pk=note.pk)
    locked.session = note.session
    policy.require(policy.is_own_note(by, locked), locked, counselee=note.counselee)
    if locked.is_final:
        raise FinalisedNoteError("A finalised note cannot be changed; add an addendum.")
    _refuse_if_restricted(note.counselee)
    return locked


# The student asked that her data be processed no further for now (UU PDP art. 41).
RESTRICTED = gettext_lazy(
    "Siswa ini meminta agar pemrosesan datanya dibatasi: catatan tidak dapat ditulis atau "
    "diubah sampai ia sendiri mengakhiri pembatasan. Catatan yang ada tetap tersimpan."
)


def _refuse_if_restricted(counselee: Counselee) -> None:
    # Read afresh: the record the caller holds may predate the restriction.
    if policy.is_restricted(
        Counselee.objects.only("pk", "processing_restricted_at").get(pk=counselee.pk)
    ):
        raise ValidationError(str(RESTRICTED))


@transaction.atomic
def edit_note(note: SessionNote, *, by: User, **fields: Any) -> SessionNote:
    """Change a draft note; its author only. A finalised note is refused."""
    locked = _locked_draft(note, by)
    values = _clean_note_fields(fields)
    for name, value in values.items():
        setattr(locked, name, value)
    locked.save(update_fields=[*values, "updated_at"])
    _log(log.Action.UPDATE, locked, note.session.counselee, by)
    return locked


class NoteChangedError(ValidationError):
    """The draft changed after its author reviewed it for finalising."""


def note_version(note: SessionNote) -> str:
    """Which save of a draft its author is looking at (no content: its last-saved time)."""
    return note.updated_at.isoformat()


@transaction.atomic
def finalise_note(note: SessionNote, *, by: User, shown_version: str | None = None) -> SessionNote:
    """Lock a draft note for good, under its author's name and the current time.

    With `shown_version` (from `note_version`, on the page where she confirmed), a draft
    saved again since (an autosave from another tab) is refused: she locks what she saw.
    """
    locked = _locked_draft(note, by)
    if shown_version is not None and note_version(locked) != shown_version:
        raise NoteChangedError(
            _("Draf ini berubah sejak Anda meninjaunya. Periksa lagi sebelum memfinalkan.")
        )
    locked.status = SessionNote.Status.FINAL
    locked.finalised_at = timezone.now()
    locked.save(update_fields=["status", "finalised_at", "updated_at"])
    _log(log.Action.FINALISE, locked, note.session.counselee, by)
    return locked


@transaction.atomic
def add_addendum(note: SessionNote, *, by: User, body: str) -> NoteAddendum:
    """Add a dated addendum to a finalised note (a draft is simply edited instead)."""
    _refuse_if_restricted(note.counselee)
    counselee = note.session.counselee
    body = (body or "").strip()
    if not body:
        raise ValidationError(_("Adendum kosong."))
    locked = SessionNote.objects.select_for_update().get(pk=note.pk)
    locked.session = note.session
    if not locked.is_final:
        raise ValidationError(_("Catatan ini masih draf; ubah catatannya langsung."))
    policy.require(policy.may_add_addendum(by, locked), locked, counselee=counselee)
    addendum = NoteAddendum.objects.create(note=locked, author=by, body=body)
    _log(log.Action.CREATE, addendum, counselee, by)
    return addendum

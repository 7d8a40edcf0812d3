"""Who reads and writes counseling sessions and their notes.

Session notes are the counselor's working notes. History follows the student's consent,
not the assignment: a draft belongs to its author alone; a final note is read by the
counselor who ran the session while she is on the case (and read-only for 14 days after
she handed the case over), and read-only by a counselor under emergency access. A
counselor newly on the case sees that earlier sessions took place (date, counselor) and
reads only the final notes the student left in an accepted hand-over
(`policy.shares`, `policy.referrals`). Nobody else learns that a session happened: not
another counselor, not an admin, and not the student (rule 4: not the counselor's notes).
"""

from typing import Any

from django.db.models import Exists, OuterRef, Q, QuerySet

from counseling.crisis.models import CrisisRequest
from counseling.encryption import encrypted_field_names, encrypted_paths
from counseling.policy.core import Person, Role, fetch, has_role
from counseling.policy.records import (
    RecordAccess,
    active_emergency_accesses,
    assigned_counselees,
    is_restricted,
    readable_counselees,
    record_access,
)
from counseling.policy.shares import note_shares_with, shares_note
from counseling.records.models import Counselee
from sessions.models import CounselingSession, SessionNote

Final = SessionNote.Status.FINAL


def _sessions() -> QuerySet[CounselingSession]:
    # Session pages show the student's name and class, and need not decrypt the record.
    return CounselingSession.objects.select_related("counselee__user", "counselor").defer(
        *encrypted_paths(Counselee, "counselee")
    )


def sessions_for(user: Person) -> QuerySet[CounselingSession]:
    """The counseling sessions `user` may open, with their counselee and counselor."""
    if not has_role(user, Role.COUNSELOR):
        return CounselingSession.objects.none()
    return _sessions().filter(readable_counselees(user))


def get_session_for(user: Person, public_id: Any) -> CounselingSession:
    """The session with `public_id` if `user` may read it, else `Http404` (logged)."""
    return fetch(
        user,
        _sessions(),
        public_id,
        may=lambda session: record_access(user, session.counselee).read_counseling_data,
        counselee_of=lambda session: session.counselee,
    )


def sessions_on_record(counselee: Counselee, access: RecordAccess) -> QuerySet[CounselingSession]:
    """The sessions listed on `counselee`'s record page, given the page's `access`.

    Date, counselor and status only: the encrypted place stays unread.
    """
    if not access.read_counseling_data:
        return CounselingSession.objects.none()
    return (
        CounselingSession.objects.filter(counselee=counselee)
        .select_related("counselor")
        .defer(*encrypted_field_names(CounselingSession))
    )


def may_run_session(
    user: Person, session: CounselingSession, access: RecordAccess | None = None
) -> bool:
    """Start, complete, mark a no-show, write notes: the session's own counselor, while
    she is on the case (emergency access is read-only), and not while the student has
    processing restricted, unless the session is a crisis session."""
    if session.counselor_id != user.pk:
        return False
    access = access or record_access(user, session.counselee)
    if not access.write_counseling_data:
        return False
    return (
        not is_restricted(session.counselee)
        or CrisisRequest.objects.filter(session_id=session.pk).exists()
    )


def may_create_walk_in(user: Person, counselee: Counselee) -> bool:
    return record_access(user, counselee).write_counseling_data and not is_restricted(counselee)


# Notes


def note_is_readable(user: Person, note: SessionNote, access: RecordAccess) -> bool:
    """Whether `user`, whose decision on the note's record is `access`, reads `note`."""
    if not access.read_counseling_data:
        return False
    if note.author_id == user.pk:
        return True
    if note.status != Final:
        return False
    if access.emergency_access is not None or note.session.counselor_id == user.pk:
        return True
    return access.write_counseling_data and shares_note(user, note)


def _readable_notes(user: Person, access: RecordAccess) -> Q:
    """`note_is_readable` as a filter on notes of one record, for the session page."""
    if not access.read_counseling_data:
        return Q(pk__in=[])
    final = Q(status=Final)
    if access.emergency_access is None:
        shared = Q(note_shares_with(user)) if access.write_counseling_data else Q(pk__in=[])
        final &= Q(session__counselor=user) | shared
    return Q(author=user) | final


def notes_on_session(
    user: Person, session: CounselingSession, access: RecordAccess
) -> QuerySet[SessionNote]:
    """The notes of `session` that `user` reads, given her decision on its record."""
    return session.notes.filter(_readable_notes(user, access))


def notes_for(user: Person) -> QuerySet[SessionNote]:
    """Every session note `user` may read, across records."""
    if not has_role(user, Role.COUNSELOR):
        return SessionNote.objects.none()
    emergency = active_emergency_accesses(user).filter(counselee=OuterRef("session__counselee_id"))
    # A shared note is read while its receiver is on the case, not in a read-only window.
    shared = Q(note_shares_with(user)) & Q(assigned_counselees(user, "session__counselee_id"))
    readable = Q(author=user) | Q(status=Final) & (
        Q(session__counselor=user) | Exists(emergency) | shared
    )
    return (
        SessionNote.objects.select_related("session__counselee__user", "author")
        .defer(*encrypted_paths(Counselee, "session__counselee"))
        .filter(readable_counselees(user, "session__counselee_id"))
        .filter(readable)
    )


def get_note_for(user: Person, public_id: Any) -> SessionNote:
    """The note with `public_id` if `user` may read it, else `Http404` (logged)."""
    return fetch(
        user,
        _notes(),
        public_id,
        may=lambda note: note_is_readable(user, note, record_access(user, note.counselee)),
        counselee_of=lambda note: note.counselee,
    )


def is_own_note(user: Person, note: SessionNote, access: RecordAccess | None = None) -> bool:
    """She wrote it and is still on the case (whether it is a draft or final)."""
    if note.author_id != user.pk:
        return False
    access = access or record_access(user, note.counselee)
    return access.write_counseling_data


def may_edit_note(user: Person, note: SessionNote, access: RecordAccess | None = None) -> bool:
    """A draft is its author's to edit and finalise, while she is on the case and the
    student has not restricted the processing of her data."""
    return (
        note.status == SessionNote.Status.DRAFT
        and is_own_note(user, note, access)
        and not is_restricted(note.counselee)
    )


def may_add_addendum(user: Person, note: SessionNote, access: RecordAccess | None = None) -> bool:
    """A counselor on the case who reads a finalised note may add a dated addendum."""
    access = access or record_access(user, note.counselee)
    return (
        access.write_counseling_data
        and note.status == Final
        and not is_restricted(note.counselee)
        and note_is_readable(user, note, access)
    )


def get_session_for_running(user: Person, public_id: Any) -> CounselingSession:
    """A session `user` runs (start, complete, write a note); else `Http404` (logged)."""
    return fetch(
        user,
        _sessions(),
        public_id,
        may=lambda session: may_run_session(user, session),
        counselee_of=lambda session: session.counselee,
    )


def _notes() -> QuerySet[SessionNote]:
    return SessionNote.objects.select_related("session__counselee__user", "author").defer(
        *encrypted_paths(Counselee, "session__counselee")
    )


def get_note_for_author(user: Person, public_id: Any) -> SessionNote:
    """A note `user` wrote and may still write about; else `Http404` (logged).

    The note may be final: the service then refuses the change with a clear message,
    since its author knows the note exists.
    """

    return fetch(
        user,
        _notes(),
        public_id,
        may=lambda note: is_own_note(user, note),
        counselee_of=lambda note: note.counselee,
    )


def get_note_for_addendum(user: Person, public_id: Any) -> SessionNote:
    """A note `user` reads and may add to (on the case, not under emergency access)."""

    def may(note: SessionNote) -> bool:
        access = record_access(user, note.counselee)
        return access.write_counseling_data and note_is_readable(user, note, access)

    return fetch(user, _notes(), public_id, may=may, counselee_of=lambda note: note.counselee)


def own_sessions_for(user: Person) -> QuerySet[CounselingSession]:
    """The sessions `user` runs herself, on records she may still read: her agenda."""
    return sessions_for(user).filter(counselor_id=user.pk)


def own_drafts_for(user: Person) -> QuerySet[SessionNote]:
    """Her draft notes not yet finalised, on records she may still write about."""
    return notes_for(user).filter(author_id=user.pk, status=SessionNote.Status.DRAFT)

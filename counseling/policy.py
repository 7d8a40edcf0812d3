"""Every confidentiality decision in Amanah, made here and nowhere else.

Views, templates, querysets, the admin site and exports ask this module. Lists are
querysets narrowed for the user, so a forgotten check shows an empty page, not a leak.
Single objects come from `get_*_for(user, id)`, which raise `Http404` both when the
object does not exist and when the user may not know about it: the two look the same.

The rules (DESIGN.md): a counselor reads content only for counselees on their active
caseload; a student sees their own record and nothing about anyone else; an admin sees
metadata and never content.
"""

from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from functools import wraps

from django.core.exceptions import ValidationError
from django.db.models import Exists, OuterRef, Q
from django.http import Http404
from django.utils import timezone

from counseling.accounts.models import User
from counseling.audit import log
from counseling.audit.models import AccessEvent, EmergencyAccess
from counseling.encryption import encrypted_field_names, encrypted_paths
from counseling.records.models import CaseAssignment, ConflictOfInterest, Counselee
from sessions.models import CounselingSession, SessionNote

Role = User.Role
Purpose = AccessEvent.Purpose


def has_role(user, *roles) -> bool:
    return user.is_authenticated and user.is_active and user.role in roles


def role_required(*roles):
    """View decorator: users of other roles get 404, as if the page did not exist."""

    def decorator(view):
        @wraps(view)
        def wrapper(request, *args, **kwargs):
            if not has_role(request.user, *roles):
                deny(request.user, object_type="page", object_id=request.path)
            return view(request, *args, **kwargs)

        return wrapper

    return decorator


def deny(user, *, object_type="", object_id="", counselee=None):
    """Record a denied attempt by a signed-in user, then answer as if nothing were there."""
    if user.is_authenticated:
        log.record(
            log.Action.DENIED,
            actor=user,
            object_type=object_type,
            object_id=object_id,
            counselee=counselee,
        )
    raise Http404


def can_use_admin_site(user) -> bool:
    return has_role(user, Role.ADMIN)


def can_audit(user) -> bool:
    return has_role(user, Role.ADMIN)


# Counselee records


def caseload_for(user):
    """A counselor's active caseload (empty for everyone else).

    Directory data only: the encrypted fields are deferred, so a list of a hundred
    counselees decrypts nothing (and a record opened from it is logged on its own page).
    """
    if not has_role(user, Role.COUNSELOR):
        return Counselee.objects.none()
    assigned = CaseAssignment.objects.active().filter(counselor=user).values("counselee_id")
    return (
        Counselee.objects.select_related("user")
        .defer(*encrypted_field_names(Counselee))
        .filter(pk__in=assigned)
    )


def active_emergency_accesses(user):
    return EmergencyAccess.objects.filter(counselor=user, expires_at__gt=timezone.now())


def counselees_for(user):
    """The counselee records `user` may open.

    A student: their own. A counselor: the caseload, plus any counselee they hold
    unexpired emergency access to. An admin: the directory (never the content).
    """
    records = Counselee.objects.select_related("user")
    if has_role(user, Role.STUDENT):
        return records.filter(user=user)
    if has_role(user, Role.COUNSELOR):
        return records.filter(_readable_counselees(user, "pk"))
    if has_role(user, Role.ADMIN):
        return records
    return records.none()


def _by_public_id(queryset, public_id):
    """The row with `public_id`, or None for no such row and for a malformed id alike."""
    try:
        return queryset.filter(public_id=public_id).first()
    except ValidationError:
        return None


def _get_readable(user, queryset, public_id, counselee_of, *, own=False):
    """The object with `public_id` if `user` may read its counselee's record, else `Http404`.

    Single objects are fetched by id and then decided on by `record_access`, the same
    decision `counselees_for` and `sessions_for` make in SQL for lists. A refusal is
    recorded against the counselee the attempt was aimed at. `own`: a student may open
    their own (the record itself, not the counselor's notes).
    """
    obj = _by_public_id(queryset, public_id)
    if obj is not None:
        access = record_access(user, counselee_of(obj))
        if access.read_counseling_data or (own and access.purpose == Purpose.OWN):
            return obj
    deny(
        user,
        object_type=queryset.model._meta.label_lower,
        object_id=str(public_id),
        counselee=counselee_of(obj) if obj is not None else None,
    )


def get_counselee_for(user, public_id) -> Counselee:
    """The counselee with `public_id` if `user` may open the record, else `Http404`:
    their own for a student; on the caseload or under emergency access for a counselor."""
    records = Counselee.objects.select_related("user")
    return _get_readable(user, records, public_id, lambda counselee: counselee, own=True)


def find_student_by_nis(user, nis: str) -> Counselee | None:
    """A counselor names a student by NIS to declare a conflict or to break the glass.

    Counselors are school staff who may know the directory (name, NIS, class); nothing
    of the record comes with it.
    """
    if not has_role(user, Role.COUNSELOR):
        return None
    return Counselee.objects.filter(nis=nis.strip()).only("pk", "nis", "public_id").first()


def is_assigned(counselor, counselee) -> bool:
    if not has_role(counselor, Role.COUNSELOR):
        return False
    return CaseAssignment.objects.active().filter(counselor=counselor, counselee=counselee).exists()


def emergency_access_to(user, counselee) -> EmergencyAccess | None:
    """The counselor's unexpired emergency access to `counselee`, if any."""
    if not has_role(user, Role.COUNSELOR):
        return None
    grants = active_emergency_accesses(user).filter(counselee=counselee)
    return grants.order_by("-expires_at").first()


@dataclass(frozen=True)
class RecordAccess:
    """What one user may read and do on one counselee's record, and on what basis."""

    purpose: str
    read_counseling_data: bool
    write_counseling_data: bool
    read_contact: bool
    emergency_access: EmergencyAccess | None


# Decisions already made inside `one_decision_per_record()`, by (user, counselee).
_decided: ContextVar[dict | None] = ContextVar("amanah_policy_decided", default=None)


@contextmanager
def one_decision_per_record():
    """Within the block, `record_access` decides each (user, counselee) once.

    A confidential page's getter and its access-log entry ask the same question; the
    block spans those reads only and ends before the view changes anything, so a
    decision is never reused after an assignment could have changed.
    """
    token = _decided.set({})
    try:
        yield
    finally:
        _decided.reset(token)


def record_access(user, counselee) -> RecordAccess:
    """The decisions about one record at once: one query for the counselor on the case.

    `@shows_confidential` asks once per page and hands the answer to the view, which
    then needs no second look at the caseload. Emergency access is looked up only for a
    counselor who is not on the case, and bookings only for one without either.
    """
    decided = _decided.get()
    key = (user.pk, counselee.pk)
    if decided is not None and key in decided:
        return decided[key]
    access = _decide(user, counselee)
    if decided is not None:
        decided[key] = access
    return access


def _decide(user, counselee) -> RecordAccess:
    own = has_role(user, Role.STUDENT) and counselee.user_id == user.pk
    assigned = not own and is_assigned(user, counselee)
    emergency = None if own or assigned else emergency_access_to(user, counselee)
    if own:
        purpose = Purpose.OWN
    elif assigned:
        purpose = Purpose.CASELOAD
    elif emergency is not None:
        purpose = Purpose.EMERGENCY
    elif has_role(user, Role.COUNSELOR) and counselee.bookings.filter(counselor=user).exists():
        purpose = Purpose.BOOKING
    elif has_role(user, Role.ADMIN):
        purpose = Purpose.ADMINISTRATION
    else:
        purpose = Purpose.NONE
    return RecordAccess(
        purpose=purpose,
        read_counseling_data=assigned or emergency is not None,
        write_counseling_data=assigned,
        read_contact=own or assigned,
        emergency_access=emergency,
    )


def can_read_counseling_data(user, counselee) -> bool:
    """Encrypted counseling content: the caseload's counselor, or one under emergency access."""
    return record_access(user, counselee).read_counseling_data


def can_write_counseling_data(user, counselee) -> bool:
    """Writing stays with the counselor on the case; emergency access is read-only."""
    return record_access(user, counselee).write_counseling_data


def can_request_emergency_access(user, counselee) -> bool:
    return (
        has_role(user, Role.COUNSELOR)
        and not is_assigned(user, counselee)
        and not has_conflict(user, counselee)
    )


# Conflicts of interest


def has_conflict(counselor, counselee) -> bool:
    return ConflictOfInterest.objects.filter(counselor=counselor, counselee=counselee).exists()


def conflicts_for(user):
    """Conflict declarations `user` may list: a counselor's own, or all for an admin."""
    declarations = ConflictOfInterest.objects.select_related("counselee__user", "counselor")
    if has_role(user, Role.COUNSELOR):
        return declarations.filter(counselor=user)
    if has_role(user, Role.ADMIN):
        return declarations
    return declarations.none()


# The access log and emergency access


def events_for(user):
    """Access-log entries `user` may read: all for an admin, their own record's for a student.

    A student sees every event about them (who opened their record, when and why),
    and nothing about anyone else.
    """
    events = AccessEvent.objects.select_related(
        "actor", "counselee__user", "emergency_access"
    ).defer(*encrypted_paths(Counselee, "counselee"))
    if has_role(user, Role.ADMIN):
        # Metadata only: the emergency justification is read on the review page.
        return events.defer(*encrypted_paths(EmergencyAccess, "emergency_access"))
    if has_role(user, Role.STUDENT):
        # Disclosures reach the student through the disclosure register, and only once
        # the counselor has marked it safe to tell them: until then no trace of one.
        return events.filter(counselee__user=user).exclude(
            Q(action=AccessEvent.Action.DISCLOSE) | Q(object_type="consent.disclosure")
        )
    return events.none()


def emergency_accesses_for(user):
    accesses = EmergencyAccess.objects.select_related("counselor", "counselee__user", "reviewed_by")
    if has_role(user, Role.ADMIN):
        return accesses
    if has_role(user, Role.COUNSELOR):
        return accesses.filter(counselor=user)
    return accesses.none()


def get_emergency_access_for(user, public_id) -> EmergencyAccess:
    try:
        if has_role(user, Role.ADMIN):
            return emergency_accesses_for(user).get(public_id=public_id)
    except (EmergencyAccess.DoesNotExist, ValidationError):
        pass
    deny(user, object_type="audit.emergencyaccess", object_id=str(public_id))


# Disclosures


def disclosures_for(user):
    """Disclosures `user` may know about.

    The counselor on the case sees all of the counselee's; the student sees their own
    once the counselor has marked that they were told; admins learn of them through the
    access log, never their content.
    """
    from consent.models import Disclosure

    disclosures = Disclosure.objects.select_related("counselor", "counselee__user")
    if has_role(user, Role.COUNSELOR):
        return disclosures.filter(_readable_counselees(user))
    if has_role(user, Role.STUDENT):
        return disclosures.filter(counselee__user=user, student_informed=True)
    return disclosures.none()


def get_disclosure_for(user, public_id):
    """A disclosure, for a counselor who may read its counselee's record (the student
    reads theirs in the register, not here)."""
    from consent.models import Disclosure

    disclosures = Disclosure.objects.select_related("counselor", "counselee__user")
    return _get_readable(user, disclosures, public_id, lambda disclosure: disclosure.counselee)


def disclosures_on_record(counselee, access: RecordAccess):
    """The disclosures listed on `counselee`'s record page, given the page's `access`."""
    from consent.models import Disclosure

    if not access.read_counseling_data:
        return Disclosure.objects.none()
    # Date, reason and whether the student was told: the encrypted details stay unread.
    disclosures = Disclosure.objects.filter(counselee=counselee).select_related("counselor")
    return disclosures.defer(*encrypted_field_names(Disclosure))


# Sessions and notes
#
# Session notes are the counselor's working notes. They are read by the counselor(s) on
# the counselee's active caseload, and read-only by a counselor holding unexpired
# emergency access; nobody else learns that a session even happened: not another
# counselor, not an admin, and not the student (rule 4: not the counselor's notes).


def _readable_counselees(user, field="counselee_id"):
    """A filter on `field`: the counselees whose counseling content `user` may read.

    Each row is checked with two index probes (the one active assignment of the pair, an
    unexpired emergency access): pages filter to one counselee, and an `IN` over the
    whole caseload read every assignment of the counselor for each query.
    """
    assigned = CaseAssignment.objects.active().filter(counselor=user, counselee=OuterRef(field))
    emergency = active_emergency_accesses(user).filter(counselee=OuterRef(field))
    return Exists(assigned) | Exists(emergency)


def sessions_for(user):
    """The counseling sessions `user` may open, with their counselee and counselor.

    The counselee comes with directory data only (the encrypted fields deferred): session
    pages show the student's name and class, and need not decrypt the record.
    """
    sessions = CounselingSession.objects.select_related("counselee__user", "counselor").defer(
        *encrypted_paths(Counselee, "counselee")
    )
    if not has_role(user, Role.COUNSELOR):
        return sessions.none()
    return sessions.filter(_readable_counselees(user))


def notes_for(user):
    """The session notes `user` may read."""
    notes = SessionNote.objects.select_related("session__counselee__user", "author").defer(
        *encrypted_paths(Counselee, "session__counselee")
    )
    if not has_role(user, Role.COUNSELOR):
        return notes.none()
    return notes.filter(_readable_counselees(user, "session__counselee_id"))


def get_session_for(user, public_id) -> CounselingSession:
    """The session with `public_id` if `user` may read it, else `Http404` (logged)."""
    sessions = CounselingSession.objects.select_related("counselee__user", "counselor").defer(
        *encrypted_paths(Counselee, "counselee")
    )
    return _get_readable(user, sessions, public_id, lambda session: session.counselee)


def get_note_for(user, public_id) -> SessionNote:
    """The note with `public_id` if `user` may read it, else `Http404` (logged)."""
    notes = SessionNote.objects.select_related("session__counselee__user", "author").defer(
        *encrypted_paths(Counselee, "session__counselee")
    )
    return _get_readable(user, notes, public_id, lambda note: note.session.counselee)


def sessions_on_record(counselee, access: RecordAccess):
    """The sessions listed on `counselee`'s record page, given the page's `access`.

    The page has already asked `record_access`; this needs no second look at the
    caseload. Date, counselor and status only: the encrypted place stays unread.
    """
    if not access.read_counseling_data:
        return CounselingSession.objects.none()
    return (
        CounselingSession.objects.filter(counselee=counselee)
        .select_related("counselor")
        .defer(*encrypted_field_names(CounselingSession))
    )


def get_counselee_for_writing(user, public_id) -> Counselee:
    """A counselee on `user`'s caseload, for recording a session; else `Http404` (logged)."""
    counselee = get_counselee_for(user, public_id)
    if not can_write_counseling_data(user, counselee):
        deny(user, object_type="records.counselee", object_id=str(public_id), counselee=counselee)
    return counselee


def get_session_for_writing(user, public_id) -> CounselingSession:
    """A session `user` may add to (start, complete, write a note); else `Http404` (logged)."""
    session = get_session_for(user, public_id)
    if not can_write_counseling_data(user, session.counselee):
        deny(
            user,
            object_type=session._meta.label_lower,
            object_id=str(public_id),
            counselee=session.counselee,
        )
    return session


def may_edit_note(user, note, *, may_write: bool) -> bool:
    """A draft is its author's to edit and finalise, while they are on the case.

    `may_write` is `can_write_counseling_data(user, counselee)`, computed once per page.
    """
    return may_write and note.status == SessionNote.Status.DRAFT and note.author_id == user.pk


def may_add_addendum(note, *, may_write: bool) -> bool:
    """Any counselor on the case may add a dated addendum to a finalised note."""
    return may_write and note.status == SessionNote.Status.FINAL


def get_note_for_author(user, public_id) -> SessionNote:
    """A note `user` wrote and may still write about; else `Http404` (logged).

    The note may be final: the service then refuses the change with a clear message,
    since its author knows the note exists.
    """
    note = get_note_for(user, public_id)
    counselee = note.session.counselee
    if note.author_id != user.pk or not can_write_counseling_data(user, counselee):
        deny(
            user, object_type=note._meta.label_lower, object_id=str(public_id), counselee=counselee
        )
    return note


def get_note_for_addendum(user, public_id) -> SessionNote:
    """A note `user` may add an addendum to (on the case, not under emergency access)."""
    note = get_note_for(user, public_id)
    counselee = note.session.counselee
    if not can_write_counseling_data(user, counselee):
        deny(
            user, object_type=note._meta.label_lower, object_id=str(public_id), counselee=counselee
        )
    return note


# Booking


def bookable_counselors_for(user):
    """The counselors a student may book: their assigned counselor(s), or any counselor
    while they have none; never one who declared a conflict of interest with them.

    One query, without looking the student's record up first: it runs on every booking.
    """
    if not has_role(user, Role.STUDENT):
        return User.objects.none()
    assigned = CaseAssignment.objects.active().filter(counselee__user=user)
    conflicted = ConflictOfInterest.objects.filter(counselee__user=user, counselor=OuterRef("pk"))
    return (
        User.objects.filter(role=Role.COUNSELOR, is_active=True)
        .filter(Exists(Counselee.objects.filter(user=user)))
        .filter(~Exists(assigned) | Exists(assigned.filter(counselor=OuterRef("pk"))))
        .exclude(Exists(conflicted))
        .order_by("full_name")
    )


def can_book(user, counselor) -> bool:
    return bookable_counselors_for(user).filter(pk=counselor.pk).exists()


def bookings_for(user):
    """A student's own bookings; a counselor's bookings with them. The topic is for
    these two alone: another counselor on the case does not see it."""
    from sessions.models import Booking

    bookings = Booking.objects.select_related("counselee__user", "counselor", "session")
    if has_role(user, Role.STUDENT):
        return bookings.filter(counselee__user=user)
    if has_role(user, Role.COUNSELOR):
        return bookings.filter(counselor=user)
    return bookings.none()


def get_booking_for(user, public_id):
    from sessions.models import Booking

    try:
        return bookings_for(user).get(public_id=public_id)
    except (Booking.DoesNotExist, ValidationError):
        pass
    try:
        target = Booking.objects.filter(public_id=public_id).select_related("counselee").first()
    except ValidationError:
        target = None
    deny(
        user,
        object_type="counseling_sessions.booking",
        object_id=str(public_id),
        counselee=target.counselee if target else None,
    )


def get_bookable_counselor_for(user, username) -> User:
    """A counselor `user` may book, named by username in the URL; else `Http404` (logged).

    Counselors are staff and appear in URLs by username; a student who may not book one
    (a declared conflict, or not their counselor) is answered as if they did not exist.
    """
    counselor = bookable_counselors_for(user).filter(username=username).first()
    if counselor is None:
        deny(user, object_type="accounts.user", object_id=str(username))
    return counselor


def booking_requests_for(user):
    """A counselor's open requests: urgent first, then the earliest. Empty for others."""
    from sessions.models import Booking

    if not has_role(user, Role.COUNSELOR):
        return Booking.objects.none()
    return bookings_for(user).filter(status=Booking.Status.REQUESTED).order_by("-urgent", "start")


def availability_rules_for(user):
    """A counselor's own published hours (about the counselor, not about any student)."""
    from sessions.models import AvailabilityRule

    if not has_role(user, Role.COUNSELOR):
        return AvailabilityRule.objects.none()
    return AvailabilityRule.objects.filter(counselor=user)


def days_off_for(user):
    from sessions.models import DayOff

    if not has_role(user, Role.COUNSELOR):
        return DayOff.objects.none()
    return DayOff.objects.filter(counselor=user)


def get_availability_rule_for(user, pk):
    """One of the counselor's own availability rules, else `Http404` (logged)."""
    rule = availability_rules_for(user).filter(pk=pk).first()
    if rule is None:
        deny(user, object_type="counseling_sessions.availabilityrule", object_id=str(pk))
    return rule


def get_day_off_for(user, pk):
    """One of the counselor's own days off, else `Http404` (logged)."""
    day_off = days_off_for(user).filter(pk=pk).first()
    if day_off is None:
        deny(user, object_type="counseling_sessions.dayoff", object_id=str(pk))
    return day_off


# Authentication strength


def needs_second_factor(user) -> bool:
    """A counselor or admin signed in with the password alone reaches no data."""
    from django.conf import settings

    return (
        settings.AMANAH_REQUIRE_2FA
        and has_role(user, Role.COUNSELOR, Role.ADMIN)
        and not user.is_verified()
    )


# --- from branch notify ---


def notices_for(user):
    """A person's own notices that are due and not withdrawn, newest first; nobody
    else's, whatever their role (a notice says only what happened and where to look)."""
    from counseling.notices.models import Notice

    if not user.is_authenticated:
        return Notice.objects.none()
    return Notice.objects.filter(
        recipient=user, cancelled_at__isnull=True, send_after__lte=timezone.now()
    ).order_by("-send_after", "-pk")


def get_notice_for(user, public_id):
    """One of the user's own notices, else `Http404` (logged)."""
    notice = _by_public_id(notices_for(user), public_id)
    if notice is None:
        deny(user, object_type="notices.notice", object_id=str(public_id))
    return notice


def alerted_admins():
    """The people alerted to disclosures, emergency access and a broken access log."""
    return User.objects.filter(role=Role.ADMIN, is_active=True)

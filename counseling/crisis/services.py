"""The crisis pathway's changes: asking for help, taking a request, the crisis session.

Each function is one transaction with its access-log entries and notices inside, and
asks the policy under its lock. Locks come in one order: the request's row, then the
session's, then the access log's (which `log.record` takes).

- `ask_for_help(student, text=, via=)`: one tap, no slot, no consent needed.
- `take(request, by=)`: "Saya tangani"; the first claim wins under a row lock.
- `start_crisis_session(request, by=, limits_explained=)`: the one exception to
  "consent before the first session" (DESIGN rule 6), logged as such; the student is
  asked to acknowledge the document within 24 hours.
- `open_walk_in(counselee, by=)`: the counselor on duty, for any student who walks in.
- `confirm_counselor(request, by=)`: the student keeps the counselor; otherwise the
  crisis assignment lapses after 7 days.
- `tick()`: escalation, lapses and overdue consent, every minute from beat.
"""

import datetime
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from consent import services as consent_services
from counseling import notices, policy
from counseling.accounts.models import User
from counseling.audit import log
from counseling.crisis.models import CrisisRequest, DutyShift, EmergencyContact, SafetyPlan
from counseling.notices.models import Notice
from counseling.records import services as records_services
from counseling.records.models import CaseAssignment, Counselee
from sessions.models import CounselingSession

Kind = Notice.Kind
Status = CrisisRequest.Status

CRISIS_SESSION_MINUTES = 60
SAFETY_PLAN_FIELDS = ("warning_signs", "what_helps", "people_to_contact", "safe_places")


class AlreadyTaken(ValidationError):
    """Another counselor took the request first."""

    def __init__(self, taker: User):
        super().__init__(
            _("Permintaan ini sudah ditangani oleh %(name)s.") % {"name": taker.full_name}
        )
        self.taker = taker


def is_school_hours(now: datetime.datetime | None = None) -> bool:
    """Whether `now` falls in school hours (local time), when counselors are in."""
    local = timezone.localtime(now)
    start, end = settings.AMANAH_CRISIS_SCHOOL_HOURS
    return local.weekday() in settings.AMANAH_CRISIS_SCHOOL_DAYS and start <= local.time() < end


def on_duty_today(now: datetime.datetime | None = None) -> QuerySet[DutyShift]:
    """Today's roster, for the student's page: who, when, where."""
    local = timezone.localtime(now)
    return (
        DutyShift.objects.filter(weekday=local.weekday(), counselor__is_active=True)
        .select_related("counselor")
        .order_by("start_time")
    )


def emergency_contacts() -> QuerySet[EmergencyContact]:
    return EmergencyContact.objects.all()


def _own_counselee(student: User) -> Counselee:
    counselee = Counselee.objects.filter(user=student).first()
    policy.require(counselee is not None and policy.may_ask_for_help(student, counselee))
    assert counselee is not None
    return counselee


@transaction.atomic
def ask_for_help(student: User, *, text: str = "", via: str = "button") -> CrisisRequest:
    """The student needs to talk now: a request every counselor without a conflict sees.

    No slot, no notice period, no booking cap, no consent needed. A student who already
    has a request waiting gets that one back (her new line of text added to it), so a
    second tap alerts nobody twice. `via` says where she asked: "button", "message".
    """
    if via not in CrisisRequest.Via.values:
        raise ValueError(f"unknown via: {via}")
    counselee = _own_counselee(student)
    # Her row serialises her own taps: two at once make one request. NO KEY UPDATE lets
    # an access-log insert that names her take its KEY SHARE meanwhile.
    Counselee.objects.select_for_update(no_key=True).filter(pk=counselee.pk).first()
    text = text.strip()
    waiting = CrisisRequest.objects.filter(counselee=counselee, status=Status.WAITING).first()
    if waiting is not None:
        if text:
            waiting.text = f"{waiting.text}\n{text}".strip()  # type: ignore[assignment]
            waiting.save(update_fields=["text", "updated_at"])
            log.record(
                log.Action.UPDATE,
                actor=student,
                obj=waiting,
                counselee=counselee,
                purpose=log.Purpose.OWN,
            )
        return waiting
    request = CrisisRequest.objects.create(
        counselee=counselee, text=text, via=via, after_hours=not is_school_hours()
    )
    log.record(
        log.Action.CRISIS_ASKED,
        actor=student,
        obj=request,
        counselee=counselee,
        purpose=log.Purpose.OWN,
    )
    notices.notify_all(
        policy.crisis_alert_recipients(counselee),
        Kind.CRISIS_REQUEST,
        about=request,
        dedupe_key=f"crisis:{request.public_id}",
    )
    return request


def _lock(request: CrisisRequest) -> CrisisRequest:
    # No joins in the locking query: a second claimer waits here, and PostgreSQL then
    # re-reads the locked row alone; a joined row (who took it) would come back empty
    # from that re-check, as measured, and the claim would look unclaimed.
    locked = CrisisRequest.objects.select_for_update().get(pk=request.pk)
    locked.counselee = Counselee.objects.select_related("user").get(pk=locked.counselee_id)
    return locked


def _open_crisis_case(
    locked: CrisisRequest, *, by: User, lapse_after: datetime.timedelta | None = None
) -> None:
    """Give the taker what she needs to help now: a session, and the case if need be.

    Not on the caseload: a crisis assignment ("darurat"), which lapses after
    `lapse_after` (`AMANAH_CRISIS_ASSIGNMENT_DAYS` by default) unless the student
    confirms the counselor.
    """
    counselee = locked.counselee
    now = timezone.now()
    lapse_after = lapse_after or datetime.timedelta(days=settings.AMANAH_CRISIS_ASSIGNMENT_DAYS)
    if not policy.is_assigned(by, counselee):
        locked.assignment = records_services.open_assignment(
            by,
            counselee,
            by=by,
            opened_by=CaseAssignment.OpenedBy.CRISIS,
            expires_at=now + lapse_after,
        )
    session = CounselingSession.objects.create(
        counselee=counselee,
        counselor=by,
        scheduled_start=now,
        scheduled_end=now + datetime.timedelta(minutes=CRISIS_SESSION_MINUTES),
    )
    log.record(
        log.Action.CREATE,
        actor=by,
        obj=session,
        counselee=counselee,
        purpose=log.Purpose.CASELOAD,
    )
    locked.session = session
    locked.status = Status.TAKEN
    locked.taken_by = by
    locked.taken_at = now


@transaction.atomic
def take(request: CrisisRequest, *, by: User) -> CrisisRequest:
    """A counselor takes the request ("Saya tangani"): a crisis session with the student.

    Every counselor without a conflict was alerted; the first claim wins: the request's
    row is locked, so a second counselor waits and then finds it taken (`AlreadyTaken`,
    which names who took it).
    """
    locked = _lock(request)
    policy.require(policy.may_see_crisis_request(by, locked), locked, counselee=locked.counselee)
    if locked.status == Status.TAKEN and locked.taken_by is not None:
        raise AlreadyTaken(locked.taken_by)
    policy.require(policy.may_take_crisis_request(by, locked), locked, counselee=locked.counselee)
    _open_crisis_case(locked, by=by)
    locked.save(
        update_fields=["session", "status", "taken_by", "taken_at", "assignment", "updated_at"]
    )
    log.record(
        log.Action.CRISIS_TAKEN,
        actor=by,
        obj=locked,
        counselee=locked.counselee,
        purpose=log.Purpose.CASELOAD,
    )
    notices.notify(locked.counselee.user, Kind.CRISIS_TAKEN, about=locked)
    return locked


def read_text(request: CrisisRequest, *, by: User) -> str:
    """The request's line of text, for the counselor who took it.

    The page that shows it is `@shows_confidential`, which logged the view already.
    """
    policy.require(policy.may_read_crisis_text(by, request), request, counselee=request.counselee)
    return str(CrisisRequest.objects.values_list("text", flat=True).get(pk=request.pk))


@transaction.atomic
def start_crisis_session(
    request: CrisisRequest, *, by: User, limits_explained: bool
) -> CounselingSession:
    """Begin the crisis session now, with or without the student's consent.

    The counselor records that she explained the limits of confidentiality in person.
    Without a valid acknowledgement this is the one exception to "consent before the
    first session": logged as such, and the student is asked to acknowledge the
    document within `AMANAH_CRISIS_CONSENT_HOURS`.
    """
    locked = _lock(request)
    session = CounselingSession.objects.select_for_update().get(pk=locked.session_id or 0)
    policy.require(
        policy.may_start_crisis_session(by, locked) and policy.may_run_session(by, session),
        locked,
        counselee=locked.counselee,
    )
    if session.status != CounselingSession.Status.SCHEDULED:
        raise ValidationError(_("Sesi darurat ini sudah dimulai."))
    if not limits_explained:
        raise ValidationError(
            _(
                "Jelaskan dulu batas kerahasiaan secara langsung kepada siswa, lalu centang "
                "konfirmasinya."
            )
        )
    now = timezone.now()
    session.status = CounselingSession.Status.IN_PROGRESS
    session.started_at = now
    session.limits_explained_at = now
    session.save(update_fields=["status", "started_at", "limits_explained_at"])
    consented = consent_services.has_valid_consent(locked.counselee.user)
    if not consented:
        locked.consent_due_at = now + datetime.timedelta(hours=settings.AMANAH_CRISIS_CONSENT_HOURS)
        locked.save(update_fields=["consent_due_at", "updated_at"])
    log.record(
        log.Action.UPDATE if consented else log.Action.CRISIS_BEFORE_CONSENT,
        actor=by,
        obj=session,
        counselee=locked.counselee,
        purpose=log.Purpose.CASELOAD,
    )
    if not consented:
        notices.notify(
            locked.counselee.user,
            Kind.CRISIS_CONSENT_ASKED,
            about=locked,
            dedupe_key=f"crisis-consent:{locked.public_id}",
        )
    return session


@transaction.atomic
def open_walk_in(counselee: Counselee, *, by: User, text: str = "") -> CrisisRequest:
    """The counselor on duty opens a crisis session for a student who walked in."""
    locked_counselee = Counselee.objects.select_for_update(no_key=True).get(pk=counselee.pk)
    policy.require(policy.may_open_crisis_walk_in(by, locked_counselee), counselee=locked_counselee)
    request = CrisisRequest(
        counselee=locked_counselee,
        via=CrisisRequest.Via.WALK_IN,
        text=text.strip(),
        after_hours=not is_school_hours(),
    )
    # She did not ask for this counselor: the case opens to her for a day, not a week.
    _open_crisis_case(
        request, by=by, lapse_after=datetime.timedelta(hours=settings.AMANAH_CRISIS_WALK_IN_HOURS)
    )
    request.save()
    log.record(
        log.Action.CRISIS_TAKEN,
        actor=by,
        obj=request,
        counselee=locked_counselee,
        purpose=log.Purpose.CASELOAD,
    )
    # The walk-in opens her case to the counselor on duty without a request of hers: she,
    # her counselors and the admins are told (content-free), as after breaking the glass.
    notices.notify(locked_counselee.user, Kind.CRISIS_TAKEN, about=request)
    notices.notify_all(
        policy.walk_in_watchers(locked_counselee, by), Kind.CRISIS_WALK_IN, about=request
    )
    return request


@transaction.atomic
def confirm_counselor(request: CrisisRequest, *, by: User) -> CaseAssignment:
    """The student keeps the counselor who helped her: the assignment no longer lapses."""
    locked = _lock(request)
    policy.require(
        policy.may_confirm_crisis_counselor(by, locked), locked, counselee=locked.counselee
    )
    assignment = locked.assignment
    assert assignment is not None
    CaseAssignment.objects.filter(pk=assignment.pk).update(expires_at=None)
    assignment.expires_at = None
    log.record(
        log.Action.ASSIGNMENT_CHANGED,
        actor=by,
        obj=assignment,
        counselee=locked.counselee,
        purpose=log.Purpose.OWN,
    )
    return assignment


# Beat, every minute


def escalate_waiting(now: datetime.datetime | None = None) -> int:
    """Tell the coordinators and admins of each request nobody took within
    `AMANAH_CRISIS_ESCALATION_MINUTES` of school hours (once, without content)."""
    now = now or timezone.now()
    if not is_school_hours(now):
        return 0
    cutoff = now - datetime.timedelta(minutes=settings.AMANAH_CRISIS_ESCALATION_MINUTES)
    due = CrisisRequest.objects.filter(
        status=Status.WAITING, escalated_at__isnull=True, created_at__lte=cutoff
    ).values_list("pk", "public_id")
    count = 0
    for pk, public_id in list(due):
        with transaction.atomic():
            claimed = CrisisRequest.objects.filter(
                pk=pk, status=Status.WAITING, escalated_at__isnull=True
            ).update(escalated_at=now)
            if not claimed:
                continue
            notices.notify_all(
                policy.escalation_recipients(),
                Kind.CRISIS_ESCALATED,
                about=public_id,
                dedupe_key=f"crisis-escalated:{public_id}",
            )
            count += 1
    return count


def lapse_crisis_assignments() -> int:
    """Close the crisis assignments whose 7 days passed without the student's word."""
    with transaction.atomic():
        return records_services.end_lapsed(
            CaseAssignment.objects.filter(opened_by=CaseAssignment.OpenedBy.CRISIS)
        )


def tell_consent_overdue(now: datetime.datetime | None = None) -> int:
    """Tell the counselor, once, when a student has not acknowledged the consent document
    within 24 hours of a crisis session that began without it."""
    now = now or timezone.now()
    due = CrisisRequest.objects.filter(
        consent_due_at__lte=now, consent_overdue_told_at__isnull=True
    ).select_related("counselee__user", "taken_by")
    count = 0
    for request in due.defer("text"):
        with transaction.atomic():
            claimed = CrisisRequest.objects.filter(
                pk=request.pk, consent_overdue_told_at__isnull=True
            ).update(consent_overdue_told_at=now)
            if not claimed or request.taken_by is None:
                continue
            if consent_services.has_valid_consent(request.counselee.user):
                continue
            notices.notify(request.taken_by, Kind.CRISIS_CONSENT_OVERDUE, about=request)
            count += 1
    return count


def tick() -> dict[str, int]:
    return {
        "escalated": escalate_waiting(),
        "lapsed": lapse_crisis_assignments(),
        "consent_overdue": tell_consent_overdue(),
    }


def consent_pending_for(student: User) -> CrisisRequest | None:
    """Her crisis request whose consent is still awaited, for her dashboard."""
    requests: QuerySet[CrisisRequest] = CrisisRequest.objects.filter(
        counselee__user=student, consent_due_at__isnull=False
    ).defer("text")
    request = requests.order_by("-consent_due_at").first()
    if request is None or consent_services.has_valid_consent(student):
        return None
    return request


# The safety plan


@transaction.atomic
def save_safety_plan(
    counselee: Counselee, *, by: User, plan: SafetyPlan | None = None, **fields: Any
) -> SafetyPlan:
    """Write or revise the counselor's safety plan with the student (encrypted)."""
    locked = Counselee.objects.select_for_update(no_key=True).get(pk=counselee.pk)
    if plan is not None:
        plan = SafetyPlan.objects.select_for_update().get(pk=plan.pk)
        policy.require(policy.may_edit_safety_plan(by, plan), plan, counselee=locked)
    policy.require(policy.may_write_safety_plan(by, locked), plan, counselee=locked)
    if plan is None:
        plan = SafetyPlan(counselee=locked, counselor=by)
    for name in SAFETY_PLAN_FIELDS:
        setattr(plan, name, str(fields.get(name, "")).strip())
    plan.shared_with_student = bool(fields.get("shared_with_student"))
    creating = plan.pk is None
    plan.save()
    log.record(
        log.Action.CREATE if creating else log.Action.UPDATE,
        actor=by,
        obj=plan,
        counselee=locked,
        purpose=log.Purpose.CASELOAD,
    )
    return plan


# The duty roster (about counselors, not students)


@transaction.atomic
def add_shift(*, by: User, **fields: Any) -> DutyShift:
    policy.require(policy.may_edit_roster(by))
    shift = DutyShift.objects.create(**fields)
    log.record(log.Action.CREATE, actor=by, obj=shift, purpose=log.Purpose.ADMINISTRATION)
    return shift


@transaction.atomic
def remove_shift(shift: DutyShift, *, by: User) -> None:
    policy.require(policy.may_edit_roster(by), shift)
    log.record(log.Action.UPDATE, actor=by, obj=shift, purpose=log.Purpose.ADMINISTRATION)
    shift.delete()

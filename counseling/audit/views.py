from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from counseling import exports, policy
from counseling.accounts import ratelimit
from counseling.audit import describe, log, queries, services
from counseling.audit.forms import AuditFilterForm, EmergencyAccessForm, EmergencyReviewForm
from counseling.policy import Role


def _filtered_events(request):
    """The admin's filter form and the events it selects.

    An invalid filter selects nothing: showing (or exporting) the whole log instead of
    the part asked for would be a surprise, and a large one.
    The NIS filter's student is looked up once, by id alone, for the filter and for the
    entry recording the read.
    """
    form = AuditFilterForm(request.GET or None)
    events = policy.events_for(request.user)
    if form.is_bound and not form.is_valid():
        return form, {}, events.none(), None
    filters = form.cleaned_data if form.is_bound else {}
    counselee = queries.named_counselee(filters)
    return form, filters, queries.filter_events(events, filters, counselee), counselee


def _record_audit_read(request, action, counselee):
    # Reading the log is itself an event; a read filtered to one student is about them.
    log.record(
        action,
        actor=request.user,
        object_type="audit.accessevent",
        object_id="export" if action == log.Action.EXPORT else "list",
        counselee=counselee,
        # The data protection officer reads it to answer for breaches and requests.
        purpose=log.Purpose.DATA_PROTECTION if policy.is_dpo(request.user) else log.Purpose.AUDIT,
    )


@require_GET
@policy.allowed_by(policy.can_audit)
def audit_log(request):
    form, filters, events, counselee = _filtered_events(request)
    try:
        before = int(request.GET["before"]) if request.GET.get("before") else None
    except ValueError:
        before = None
    rows, next_before = queries.keyset_page(events, before)
    _record_audit_read(request, log.Action.VIEW, counselee)
    query = request.GET.copy()
    query.pop("before", None)
    return render(
        request,
        "audit/log.html",
        {
            "form": form,
            "events": queries.with_labels(rows),
            "next_before": next_before,
            "is_first_page": before is None,
            "query": query.urlencode(),
            "chart": queries.daily_counts(events, filters),
        },
    )


CSV_COLUMNS = [
    "id",
    "occurred_at",
    "actor",
    "actor_role",
    "action",
    "object_type",
    "object_id",
    "counselee_nis",
    "purpose",
    "emergency_access",
    "after_hours",
    "ip_address",
    "request_id",
    "hash",
    "actor_name",
    "counselee_name",
    "object_label",
]


@require_GET
@policy.allowed_by(policy.can_audit)
def audit_export(request):
    """The filtered log as CSV, streamed row by row so its size does not matter.

    Times are in the school's time zone with their offset (2025-06-03T09:15:00+07:00),
    as the page shows them, so a spreadsheet and the page agree.
    """
    _form, _filters, events, counselee = _filtered_events(request)
    _record_audit_read(request, log.Action.EXPORT, counselee)

    def rows():
        labels: dict[str, str] = {}
        for event in events.order_by("id").iterator(chunk_size=2000):
            if event.object_type not in labels:
                labels[event.object_type] = describe.object_label(event.object_type)
            yield [
                event.id,
                timezone.localtime(event.occurred_at).isoformat(),
                event.actor.username if event.actor else "",
                event.actor_role,
                event.action,
                event.object_type,
                event.object_id,
                event.counselee.nis if event.counselee else "",
                event.purpose,
                event.emergency_access.public_id if event.emergency_access else "",
                int(event.after_hours),
                event.ip_address or "",
                event.request_id,
                event.hash,
                event.actor.full_name if event.actor else "",
                event.counselee.user.full_name if event.counselee else "",
                labels[event.object_type],
            ]

    stamp = timezone.localtime().strftime("%Y%m%d-%H%M")
    return exports.csv_response(f"amanah-log-akses-{stamp}.csv", CSV_COLUMNS, rows())


@require_GET
@policy.role_required(Role.STUDENT)
def my_access_log(request):
    """'Siapa yang membuka catatanku': every event about the student, and nothing else."""
    """'Siapa yang membuka catatanku': every event about the student, and nothing else.

    Other people's looks come first; her own (she opened her record, she booked) are
    folded away below, so they do not bury what she came to check.
    """
    events = policy.events_for(request.user).order_by("-id")
    others = events.exclude(actor_id=request.user.pk)
    own = events.filter(actor_id=request.user.pk)
    page = Paginator(others, 25).get_page(request.GET.get("page"))
    lines = [describe.for_student(event, request.user) for event in page.object_list]
    own_lines = [describe.for_student(event, request.user) for event in own[:OWN_SHOWN]]
    disclosures = policy.disclosures_for(request.user).order_by("-disclosed_at")
    return render(
        request,
        "audit/my_access_log.html",
        {
            "page": page,
            "lines": lines,
            "own_lines": own_lines,
            "own_count": own.count(),
            "own_shown": OWN_SHOWN,
            "disclosures": disclosures,
        },
    )


OWN_SHOWN = 50


@sensitive_post_parameters("justification", "password")
@require_http_methods(["GET", "POST"])
@policy.role_required(Role.COUNSELOR)
def emergency_access_request(request):
    form = EmergencyAccessForm(request.POST or None, user=request.user, request=request)
    if request.method == "POST" and form.is_valid():
        try:
            with ratelimit.limited(request.user, "emergency_access"):
                access = services.grant_emergency_access(
                    form.counselee, form.cleaned_data["justification"], by=request.user
                )
        except ValidationError as error:  # RateLimited among them
            form.add_error(None, error)
        else:
            # A new privilege, a new session key.
            request.session.cycle_key()
            messages.warning(
                request,
                _(
                    "Akses darurat aktif sampai pukul %(time)s. Hanya baca; setiap pembukaan "
                    "dicatat dan admin telah diberi tahu."
                )
                % {"time": timezone.localtime(access.expires_at).strftime("%H:%M")},
            )
            return redirect("counselee-detail", public_id=access.counselee.public_id)
    return render(request, "audit/emergency_request.html", {"form": form})


@require_GET
@policy.role_required(Role.ADMIN)
def emergency_access_list(request):
    accesses = policy.emergency_accesses_for(request.user).order_by("reviewed_at", "-granted_at")
    page = Paginator(accesses, 25).get_page(request.GET.get("page"))
    log.record(
        log.Action.VIEW,
        actor=request.user,
        object_type="audit.emergencyaccess",
        object_id="list",
        purpose=log.Purpose.AUDIT,
    )
    return render(request, "audit/emergency_list.html", {"page": page, "now": timezone.now()})


@require_GET
def emergency_access_detail(request, public_id):
    access = policy.get_emergency_access_for(request.user, public_id)
    log.record(
        log.Action.VIEW,
        actor=request.user,
        obj=access,
        counselee=access.counselee,
        purpose=log.Purpose.AUDIT,
        emergency_access=access,
    )
    events = policy.events_for(request.user).filter(emergency_access=access).order_by("id")
    return render(
        request,
        "audit/emergency_detail.html",
        {"access": access, "events": events, "form": EmergencyReviewForm()},
    )


@sensitive_post_parameters("comment")
@require_POST
def emergency_access_review(request, public_id):
    access = policy.get_emergency_access_for(request.user, public_id)
    form = EmergencyReviewForm(request.POST)
    if form.is_valid():
        try:
            services.review_emergency_access(access, form.cleaned_data["comment"], by=request.user)
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(request, _("Peninjauan disimpan."))
    else:
        messages.error(request, _("Tuliskan komentar peninjauan."))
    return redirect("emergency-access-detail", public_id=access.public_id)

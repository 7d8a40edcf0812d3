"""The measured pages without the confidentiality layer: the benchmark's baseline.

Each view reads the same rows as its real counterpart and renders the same template with
the same context, but asks `counseling.policy` nothing, writes no access-log entry, and
decrypts nothing: encrypted columns are read as their stored tokens (same length as the
text would be after decryption, near enough) and shown as they are. The difference
between a real page and its bare twin is what encryption, policy and audit cost.

Served only by `bench.settings`; never part of Amanah's own URLconf.
"""

from django.contrib import messages
from django.core.paginator import Paginator
from django.db import transaction
from django.db.models import Prefetch
from django.http import HttpResponseRedirect, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from consent import services as consent_services
from consent.models import Disclosure
from counseling.accounts.models import User
from counseling.audit import queries
from counseling.audit.forms import AuditFilterForm
from counseling.audit.models import AccessEvent, EmergencyAccess
from counseling.encryption import encrypted_field_names, encrypted_paths
from counseling.fernet import raw
from counseling.records.forms import CaseloadSearchForm
from counseling.records.models import CaseAssignment, Counselee
from counseling.records.views import CASELOAD_PAGE_SIZE, SESSIONS_SHOWN
from sessions import availability, services
from sessions.forms import AddendumForm, NoteForm, WalkInSessionForm
from sessions.models import Booking, CounselingSession, NoteAddendum, SessionNote


def _tokens(queryset):
    """`queryset` with its encrypted columns read raw, as `token_<name>` annotations."""
    names = encrypted_field_names(queryset.model)
    return queryset.defer(*names).annotate(**{f"token_{n}": raw(n) for n in names})


def _show_tokens(obj):
    for name in encrypted_field_names(type(obj)):
        obj.__dict__[name] = getattr(obj, f"token_{name}")
    return obj


@require_GET
def caseload(request):
    form = CaseloadSearchForm(request.GET)
    form.is_valid()
    assigned = CaseAssignment.objects.filter(counselor=request.user, ended_at__isnull=True)
    counselees = (
        Counselee.objects.select_related("user")
        .filter(pk__in=assigned.values("counselee_id"))
        .defer(*encrypted_field_names(Counselee))
        .order_by("class_name", "user__full_name")
    )
    page = Paginator(counselees, CASELOAD_PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "records/caseload.html", {"form": form, "page": page, "query": ""})


@require_GET
def counselee_detail(request, public_id):
    counselee = _show_tokens(
        get_object_or_404(_tokens(Counselee.objects.select_related("user")), public_id=public_id)
    )
    counselors = [
        a.counselor
        for a in counselee.assignments.active().select_related("counselor").order_by("pk")
    ]
    sessions = (
        CounselingSession.objects.select_related("counselee__user", "counselor")
        .defer(*encrypted_field_names(CounselingSession), *encrypted_paths(Counselee, "counselee"))
        .filter(counselee=counselee)
        .order_by("-scheduled_start")[:SESSIONS_SHOWN]
    )
    disclosures = (
        Disclosure.objects.select_related("counselor", "counselee__user")
        .defer(*encrypted_field_names(Disclosure), *encrypted_paths(Counselee, "counselee"))
        .filter(counselee=counselee)
        .order_by("-disclosed_at")
    )
    return render(
        request,
        "records/counselee_detail.html",
        {
            "counselee": counselee,
            "counselors": counselors,
            "show_contact": True,
            "show_counseling_data": True,
            "emergency_access": None,
            "can_write": True,
            "disclosures": disclosures,
            "sessions": sessions,
            "walk_in_form": WalkInSessionForm(),
        },
    )


@require_GET
def session_detail(request, public_id):
    session = _show_tokens(
        get_object_or_404(
            _tokens(CounselingSession.objects.select_related("counselee__user", "counselor")).defer(
                *encrypted_paths(Counselee, "counselee")
            ),
            public_id=public_id,
        )
    )
    addenda = _tokens(NoteAddendum.objects.select_related("author")).order_by("created_at", "pk")
    notes = (
        _tokens(SessionNote.objects.select_related("author"))
        .filter(session=session)
        .prefetch_related(Prefetch("addenda", queryset=addenda))
        .order_by("created_at", "pk")
    )
    entries = []
    for note in notes:
        _show_tokens(note)
        for addendum in note.addenda.all():
            _show_tokens(addendum)
        auto_id = f"id_{note.public_id.hex}_%s"
        editable = note.status == SessionNote.Status.DRAFT and note.author_id == request.user.pk
        entries.append(
            {
                "note": note,
                "edit_form": NoteForm.for_note(note, auto_id=auto_id) if editable else None,
                "addendum_form": AddendumForm(auto_id=auto_id) if note.is_final else None,
            }
        )
    start_from, _started = services.TRANSITIONS["start"]
    complete_from, _completed = services.TRANSITIONS["complete"]
    no_show_from, _no_show = services.TRANSITIONS["no_show"]
    return render(
        request,
        "sessions/session_detail.html",
        {
            "session": session,
            "entries": entries,
            "may_write": True,
            "can_start": session.status in start_from,
            "first_session": session.status in start_from and services.is_first_session(session),
            "consent_missing": not consent_services.has_valid_consent(session.counselee.user),
            "can_complete": session.status in complete_from,
            "can_mark_no_show": session.status in no_show_from,
            "note_form": NoteForm() if session.status in services.NOTE_STATUSES else None,
            "emergency_access": None,
        },
    )


@require_GET
def audit_log(request):
    form = AuditFilterForm(request.GET or None)
    filters = form.cleaned_data if form.is_valid() else {}
    events = (
        AccessEvent.objects.select_related("actor", "counselee__user", "emergency_access")
        .defer(*encrypted_paths(Counselee, "counselee"))
        .defer(*encrypted_paths(EmergencyAccess, "emergency_access"))
    )
    events = queries.filter_events(events, filters)
    rows, next_before = queries.keyset_page(events, None)
    query = request.GET.copy()
    return render(
        request,
        "audit/log.html",
        {
            "form": form,
            "events": queries.with_labels(rows),
            "next_before": next_before,
            "is_first_page": True,
            "query": query.urlencode(),
            "chart": queries.daily_counts(events, filters),
        },
    )


@require_GET
def crisis_poll(request):
    """The crisis banner's poll without its one query: a signed-in counselor's JSON answer
    saying nothing waits. The poll's floor: what is left is its own query and policy."""
    return JsonResponse({"waiting": 0, "newest": 0, "new": False, "url": "/crisis/"})


@require_POST
def nothing(request):
    """Answers a signed-in POST and does nothing else: the floor under any request."""
    return HttpResponseRedirect("/book/")


@require_POST
def book(request, username, slot_key):
    """A booking request without policy, consent, access log or notices: the rush's floor.

    The same free-slot check before and under the counselor's lock, the same insert and
    the same redirects and messages as `sessions.booking_views.confirm_slot`.
    """
    counselor = get_object_or_404(User, username=username, role=User.Role.COUNSELOR)
    start = availability.parse_key(slot_key)
    taken = redirect("book-slots", username=username)
    if availability.find_free_slot(counselor, start) is None:
        messages.error(request, _("Waktu ini sudah tidak tersedia. Pilih waktu lain."))
        return taken
    counselee = Counselee.objects.only("pk").get(user=request.user)
    with transaction.atomic():
        User.objects.select_for_update().get(pk=counselor.pk)
        slot = availability.find_free_slot(counselor, start)
        if slot is None:
            messages.error(request, _("Waktu ini sudah tidak tersedia. Pilih waktu lain."))
            return taken
        booking = Booking.objects.create(
            counselee=counselee,
            counselor=counselor,
            start=slot.start,
            end=slot.end,
            mode=slot.mode,
            place=slot.place,
        )
    messages.success(
        request, _("Permintaanmu terkirim. Kamu akan diberi tahu setelah guru BK mengonfirmasi.")
    )
    return redirect("booking-detail", public_id=booking.public_id)

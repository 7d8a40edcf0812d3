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
from django.db import connection, transaction
from django.db.models import Prefetch
from django.http import Http404, HttpResponseRedirect, JsonResponse
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
from sessions.booking_views import _by_day
from sessions.forms import AddendumForm, NoteForm, WalkInSessionForm
from sessions.models import Booking, CounselingSession, NoteAddendum, SessionNote


def _tokens(queryset):
    """`queryset` with its encrypted columns read raw, as `token_<name>` annotations."""
    names = encrypted_field_names(queryset.model)
    return queryset.defer(*names).annotate(**{f"token_{n}": raw(n) for n in names})


def _first(queryset, public_id):
    """The row with `public_id` or 404, fetched as the policy's getters fetch it."""
    obj = queryset.filter(public_id=public_id).first()
    if obj is None:
        raise Http404
    return obj


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
    """`records.views.counselee_detail` as its counselor on the case sees it.

    The same rows in the same order: the record with its account, its counselors, the
    disclosures (listed in the view) and the latest sessions with their counselor (read by
    the template); only the policy's probe and the access-log append are missing.
    """
    counselee = _show_tokens(_first(_tokens(Counselee.objects.select_related("user")), public_id))
    counselors = [
        a.counselor
        for a in counselee.assignments.active().select_related("counselor").order_by("pk")
    ]
    sessions = (
        CounselingSession.objects.filter(counselee=counselee)
        .select_related("counselor")
        .defer(*encrypted_field_names(CounselingSession))
        .order_by("-scheduled_start")
    )
    disclosures = [
        {"disclosure": disclosure, "readable": True}
        for disclosure in Disclosure.objects.filter(counselee=counselee)
        .select_related("counselor")
        .defer(*encrypted_field_names(Disclosure))
        .order_by("-disclosed_at")
    ]
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
            "sessions": sessions[:SESSIONS_SHOWN],
            "walk_in_form": WalkInSessionForm(),
        },
    )


@require_GET
def session_detail(request, public_id):
    """`sessions.views.session_detail` as the session's own counselor sees it."""
    session = _show_tokens(
        _first(
            _tokens(CounselingSession.objects.select_related("counselee__user", "counselor")).defer(
                *encrypted_paths(Counselee, "counselee")
            ),
            public_id,
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
        note.session = session
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
    startable = session.status in start_from
    return render(
        request,
        "sessions/session_detail.html",
        {
            "session": session,
            "entries": entries,
            "notes_withheld": False,
            "may_write": True,
            "can_start": startable and services.starts_today(session),
            "starts_later": startable and not services.starts_today(session),
            "first_session": startable and services.is_first_session(session),
            "consent_missing": startable
            and not consent_services.has_valid_consent(session.counselee.user),
            "can_complete": session.status in complete_from,
            "can_mark_no_show": session.status in no_show_from
            and services.has_start_time_passed(session),
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


def _counselor(username):
    """The counselor named in the URL, fetched as the policy's getter fetches her, minus
    its conditions on the student (assignment, conflict)."""
    counselor = (
        User.objects.filter(role=User.Role.COUNSELOR, is_active=True, username=username)
        .order_by("full_name")
        .first()
    )
    if counselor is None:
        raise Http404
    return counselor


def _slot_page(username):
    return f"/bench-bare/book/{username}/"


@require_GET
def slots(request, username):
    """`sessions.booking_views.choose_slot` without the policy and the consent gate: the
    page a student loads before she books, and where a refused booking sends her back."""
    counselor = _counselor(username)
    return render(
        request,
        "sessions/book_slots.html",
        {
            "counselor": counselor,
            "days": _by_day(availability.free_slots(counselor)),
            "several_counselors": User.objects.filter(
                role=User.Role.COUNSELOR, is_active=True
            ).count()
            > 1,
        },
    )


@require_POST
def book(request, username, slot_key):
    """A booking request without policy, consent, access log or notices: the rush's floor.

    The same free-slot check before and under the counselor's lock, the same insert and
    the same redirects and messages as `sessions.booking_views.confirm_slot`; a refusal
    sends the student back to the bare slot page.
    """
    counselor = _counselor(username)
    start = availability.parse_key(slot_key)
    if start is None:
        raise Http404
    taken = HttpResponseRedirect(_slot_page(username))
    if availability.find_free_slot(counselor, start) is None:
        messages.error(request, _("Waktu ini sudah tidak tersedia. Pilih waktu lain."))
        return taken
    counselee = Counselee.objects.only("pk").get(user=request.user)
    with transaction.atomic():
        User.objects.select_for_update(no_key=True).get(pk=counselor.pk)
        slot = availability.find_free_slot(counselor, start)
        if slot is None:
            messages.error(
                request, _("Waktu ini sudah tidak tersedia. Pilih waktu lain yang masih kosong.")
            )
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


# Online counseling


def _bare_access():
    from counseling.policy.messaging import ConversationAccess

    return ConversationAccess(True, True, AccessEvent.Purpose.CASELOAD)


@require_GET
def conversation(request, public_id):
    """The thread page with no policy, no access-log entry and no decryption: the same
    page of messages and the same template as `counseling.messaging.views`."""
    from django.conf import settings
    from django.utils import timezone

    from counseling.messaging.models import Conversation, Message

    talk = get_object_or_404(
        Conversation.objects.select_related("counselor", "counselee__user").defer(
            *encrypted_paths(Counselee, "counselee")
        ),
        public_id=public_id,
    )
    per_page = settings.AMANAH_MESSAGES_PER_PAGE
    rows = _tokens(Message.objects.filter(conversation=talk).select_related("sender"))
    page = [_show_tokens(m) for m in rows.order_by("-pk")[: per_page + 1]]
    older = len(page) > per_page
    page = page[:per_page]
    page.reverse()
    return render(
        request,
        "messaging/thread.html",
        {
            "conversation": talk,
            "access": _bare_access(),
            "page": page,
            "older": page[0].pk if older and page else None,
            "retract_window": 60,
            "now": timezone.now(),
            "user": request.user,
            "draft": "",
            "needs_consent": False,
            "hours": None,
            "version": talk.version,
        },
    )


_BARE_TOKEN = None


@require_POST
def message_send(request, public_id):
    """Sending without policy, consent, encryption (one token made once), access log or
    notices: the same insert and counter update, and the same redirect."""
    import uuid

    from django.db.models import F
    from django.utils import timezone

    from counseling import fernet
    from counseling.messaging.models import Conversation

    global _BARE_TOKEN
    if _BARE_TOKEN is None:
        _BARE_TOKEN = fernet.encrypt("pesan kembar polos")
    talk = get_object_or_404(Conversation.objects.only("pk"), public_id=public_id)
    now = timezone.now()
    with transaction.atomic():
        Conversation.objects.select_for_update(no_key=True).filter(pk=talk.pk).first()
        with connection.cursor() as cursor:
            cursor.execute(
                "INSERT INTO messaging_message (public_id, conversation_id, sender_id, side, "
                "body, urgent, sent_at) VALUES (%s, %s, %s, %s, %s, false, %s)",
                [uuid.uuid4(), talk.pk, request.user.pk, "counselor", _BARE_TOKEN, now],
            )
        Conversation.objects.filter(pk=talk.pk).update(
            version=F("version") + 1,
            last_message_at=now,
            unread_for_student=F("unread_for_student") + 1,
        )
    return redirect("conversation", public_id)


@require_GET
def conversation_poll(request, public_id):
    """The poll's one read with no policy: the version, and 204 when nothing changed."""
    from django.http import HttpResponse

    from counseling.messaging.models import Conversation

    version = (
        Conversation.objects.filter(public_id=public_id).values_list("version", flat=True).first()
    )
    if version is None:
        return HttpResponse(status=404)
    if request.GET.get("v") == str(version):
        return HttpResponse(status=204)
    return HttpResponse(status=200)

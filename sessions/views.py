"""Pages for counseling sessions and their notes: one view per action.

Reading goes through `@shows_confidential`, so each look is in the access log; changes
go through `sessions.services`, which log them. Flash messages never repeat content.
"""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import Prefetch
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_GET, require_POST

from consent import services as consent_services
from counseling import policy
from counseling.audit.decorators import shows_confidential
from sessions import services
from sessions.forms import AddendumForm, NoteForm, WalkInSessionForm
from sessions.models import FinalisedNoteError, NoteAddendum


def _note_entries(user, session, access):
    """The session's notes `user` reads, in writing order, each with the forms she may use."""
    addenda = NoteAddendum.objects.select_related("author").order_by("created_at", "pk")
    notes = (
        policy.notes_on_session(user, session, access)
        .select_related("author")
        .prefetch_related(Prefetch("addenda", queryset=addenda))
        .order_by("created_at", "pk")
    )
    entries = []
    for note in notes:
        note.session = session
        auto_id = f"id_{note.public_id.hex}_%s"
        editable = policy.may_edit_note(user, note, access)
        entries.append(
            {
                "note": note,
                "edit_form": NoteForm.for_note(note, auto_id=auto_id) if editable else None,
                "addendum_form": AddendumForm(auto_id=auto_id)
                if policy.may_add_addendum(user, note, access)
                else None,
            }
        )
    return entries


@require_GET
@shows_confidential(policy.get_session_for)
def session_detail(request, session, access):
    may_write = policy.may_run_session(request.user, session, access)
    entries = _note_entries(request.user, session, access)
    start_from, _started = services.TRANSITIONS["start"]
    complete_from, _completed = services.TRANSITIONS["complete"]
    no_show_from, _no_show = services.TRANSITIONS["no_show"]
    return render(
        request,
        "sessions/session_detail.html",
        {
            "session": session,
            "entries": entries,
            # Another counselor's session: its notes reach her only through a hand-over.
            "notes_withheld": not may_write and access.emergency_access is None,
            "may_write": may_write,
            "can_start": may_write
            and session.status in start_from
            and services.starts_today(session),
            "starts_later": may_write
            and session.status in start_from
            and not services.starts_today(session),
            "first_session": may_write
            and session.status in start_from
            and services.is_first_session(session),
            "consent_missing": may_write
            and session.status in start_from
            and not consent_services.has_valid_consent(session.counselee.user),
            "can_complete": may_write and session.status in complete_from,
            "can_mark_no_show": may_write
            and session.status in no_show_from
            and services.has_start_time_passed(session),
            "note_form": NoteForm()
            if may_write and session.status in services.NOTE_STATUSES
            else None,
            "emergency_access": access.emergency_access,
        },
    )


def _back_to(session, anchor=""):
    response = redirect("session-detail", public_id=session.public_id)
    if anchor:
        response["Location"] += f"#{anchor}"
    return response


def _refuse(request, error):
    messages.error(request, " ".join(error.messages))


@require_POST
@sensitive_post_parameters()
def walk_in_create(request, public_id):
    counselee = policy.get_counselee_for_writing(request.user, public_id)
    form = WalkInSessionForm(request.POST)
    if not form.is_valid():
        return render(request, "sessions/walk_in.html", {"counselee": counselee, "form": form})
    session = services.create_walk_in_session(counselee, by=request.user, **form.cleaned_data)
    messages.success(request, _("Sesi baru dicatat. Mulai sesi saat siswa siap."))
    return _back_to(session)


@require_POST
def session_start(request, public_id):
    session = policy.get_session_for_running(request.user, public_id)
    try:
        services.start_session(
            session, by=request.user, limits_explained=request.POST.get("limits_explained") == "on"
        )
    except ValidationError as error:
        _refuse(request, error)
    else:
        messages.success(request, _("Sesi dimulai."))
    return _back_to(session)


@require_POST
def session_complete(request, public_id):
    session = policy.get_session_for_running(request.user, public_id)
    try:
        services.complete_session(session, by=request.user)
    except ValidationError as error:
        _refuse(request, error)
    else:
        messages.success(request, _("Sesi selesai."))
    return _back_to(session)


@require_POST
def session_no_show(request, public_id):
    session = policy.get_session_for_running(request.user, public_id)
    try:
        services.mark_no_show(session, by=request.user)
    except ValidationError as error:
        _refuse(request, error)
    else:
        messages.success(request, _("Dicatat: siswa tidak hadir."))
    return _back_to(session)


@require_POST
@sensitive_post_parameters()
def note_create(request, public_id):
    session = policy.get_session_for_running(request.user, public_id)
    form = NoteForm(request.POST)
    if form.is_valid():
        try:
            note = services.write_note(session, by=request.user, **form.cleaned_data)
        except ValidationError as error:
            form.add_error(None, error)
    if not form.is_valid():
        # What she typed comes back with the reason, never lost behind a redirect.
        return render(
            request,
            "sessions/note_form.html",
            {"session": session, "form": form, "title": _("Tulis catatan sesi")},
        )
    messages.success(request, _("Catatan disimpan sebagai draf."))
    return _back_to(session, f"note-{note.public_id}")


@require_POST
@sensitive_post_parameters()
def note_edit(request, public_id):
    note = policy.get_note_for_author(request.user, public_id)
    session = note.session
    if note.is_final:
        return _refuse_final_edit(request, note)
    form = NoteForm(request.POST)
    if form.is_valid():
        try:
            services.edit_note(note, by=request.user, **form.cleaned_data)
        except FinalisedNoteError:
            # Finalised between loading the note and locking it for the edit.
            return _refuse_final_edit(request, note)
        except ValidationError as error:
            form.add_error(None, error)
    if not form.is_valid():
        return render(
            request,
            "sessions/note_form.html",
            {"session": session, "note": note, "form": form, "title": _("Ubah draf catatan")},
        )
    messages.success(request, _("Draf catatan diperbarui."))
    return _back_to(session, f"note-{note.public_id}")


def _refuse_final_edit(request, note):
    messages.error(request, _("Catatan ini sudah final dan tidak dapat diubah. Tambahkan adendum."))
    return _back_to(note.session, f"note-{note.public_id}")


@require_POST
def note_finalise(request, public_id):
    note = policy.get_note_for_author(request.user, public_id)
    try:
        services.finalise_note(note, by=request.user)
    except FinalisedNoteError:
        messages.error(request, _("Catatan ini sudah final."))
    else:
        messages.success(
            request, _("Catatan difinalkan. Sejak sekarang hanya adendum yang dapat ditambahkan.")
        )
    return _back_to(note.session, f"note-{note.public_id}")


@require_POST
@sensitive_post_parameters()
def addendum_create(request, public_id):
    note = policy.get_note_for_addendum(request.user, public_id)
    form = AddendumForm(request.POST)
    if form.is_valid():
        try:
            services.add_addendum(note, by=request.user, body=form.cleaned_data["body"])
        except ValidationError as error:
            form.add_error(None, error)
    if not form.is_valid():
        return render(
            request,
            "sessions/note_form.html",
            {"session": note.session, "note": note, "form": form, "title": _("Tambah adendum")},
        )
    messages.success(request, _("Adendum ditambahkan."))
    return _back_to(note.session, f"note-{note.public_id}")

"""Pages for counseling sessions and their notes: one view per action.

Reading goes through `@shows_confidential`, so each look is in the access log; changes
go through `sessions.services`, which log them. Flash messages never repeat content.
"""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import Prefetch
from django.http import JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_GET, require_POST

from consent import services as consent_services
from counseling import policy
from counseling.audit import log
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
@sensitive_post_parameters()
def note_finalise(request, public_id):
    """Finalise in two steps: save what is on screen and show it, then lock it once asked.

    The first POST comes from the draft's own form ("Finalkan catatan"), so the text on
    screen is saved as a draft first (a change, logged like any save) and never lost; the
    page then shows the note exactly as it will be locked and says it cannot be undone.
    The second POST, from that page, finalises that version and no other.
    """
    note = policy.get_note_for_author(request.user, public_id)
    if note.is_final:
        messages.error(request, _("Catatan ini sudah final."))
        return _back_to(note.session, f"note-{note.public_id}")
    if request.POST.get("confirm") == "yes":
        try:
            services.finalise_note(
                note, by=request.user, shown_version=request.POST.get("version", "")
            )
        except FinalisedNoteError:
            messages.error(request, _("Catatan ini sudah final."))
        except services.NoteChangedError as error:
            note.refresh_from_db()
            return _finalise_review(request, note, error=" ".join(error.messages))
        else:
            messages.success(
                request,
                _("Catatan difinalkan. Sejak sekarang hanya adendum yang dapat ditambahkan."),
            )
        return _back_to(note.session, f"note-{note.public_id}")
    if any(name in request.POST for name in NoteForm.base_fields):
        form = NoteForm(request.POST)
        if form.is_valid() and _changes(note, form.cleaned_data):
            try:
                note = services.edit_note(note, by=request.user, **form.cleaned_data)
            except FinalisedNoteError:
                return _refuse_final_edit(request, note)
            except ValidationError as error:
                form.add_error(None, error)
        if not form.is_valid():
            return render(
                request,
                "sessions/note_form.html",
                {
                    "session": note.session,
                    "note": note,
                    "form": form,
                    "title": _("Ubah draf catatan"),
                },
            )
    return _finalise_review(request, note)


def _changes(note, values):
    """Whether `values` differ from what the draft holds (saving the same text is no change)."""
    return any((values.get(name) or "").strip() != getattr(note, name) for name in values)


def _finalise_review(request, note, error=""):
    # The page shows the note's whole text: a look at confidential content, logged.
    log.record(
        log.Action.VIEW,
        actor=request.user,
        obj=note,
        counselee=note.counselee,
        purpose=policy.record_access(request.user, note.counselee).purpose,
    )
    return render(
        request,
        "sessions/note_finalise.html",
        {
            "note": note,
            "session": note.session,
            "version": services.note_version(note),
            "error": error,
        },
    )


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


def _saved(note, status=200):
    return JsonResponse(
        {
            "saved": True,
            "note": str(note.public_id),
            "saved_at": timezone.localtime(note.updated_at).strftime("%H:%M:%S"),
            "autosave_url": reverse("note-autosave", args=[note.public_id]),
            "edit_url": reverse("note-edit", args=[note.public_id]),
            "finalise_url": reverse("note-finalise", args=[note.public_id]),
        },
        status=status,
    )


def _not_saved(message, status=400):
    return JsonResponse({"saved": False, "error": message}, status=status)


@require_POST
@sensitive_post_parameters()
def note_autosave_new(request, public_id):
    """The first autosave of a note being written: it becomes a draft, as a manual save would.

    Called by static/js/autosave.js a few seconds after typing stops (and at most every
    few seconds while it goes on) and when the page is left; the same service as the
    form, so the draft is encrypted and the save is in the access log.
    """
    session = policy.get_session_for_running(request.user, public_id)
    form = NoteForm(request.POST)
    if not form.is_valid():
        return _not_saved(" ".join(form.non_field_errors()))
    try:
        note = services.write_note(session, by=request.user, **form.cleaned_data)
    except ValidationError as error:
        return _not_saved(" ".join(error.messages))
    return _saved(note, status=201)


@require_POST
@sensitive_post_parameters()
def note_autosave(request, public_id):
    """An autosave of a draft: saved through `services.edit_note` when the text changed."""
    note = policy.get_note_for_author(request.user, public_id)
    if note.is_final:
        return _not_saved(_("Catatan ini sudah final dan tidak dapat diubah."), status=409)
    form = NoteForm(request.POST)
    if not form.is_valid():
        return _not_saved(" ".join(form.non_field_errors()))
    if not _changes(note, form.cleaned_data):
        return _saved(note)
    try:
        note = services.edit_note(note, by=request.user, **form.cleaned_data)
    except FinalisedNoteError:
        return _not_saved(_("Catatan ini sudah final dan tidak dapat diubah."), status=409)
    except ValidationError as error:
        return _not_saved(" ".join(error.messages))
    return _saved(note)

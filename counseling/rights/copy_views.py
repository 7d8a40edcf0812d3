"""Pages of her copy: the counselor's review and release, her links and the download."""

from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_GET, require_POST

from counseling import policy
from counseling.policy import Role
from counseling.rights import copies
from counseling.rights.models import DataRequest, WithheldNote

WITHHOLD = "withhold-"


def detail_context(user: Any, data_request: DataRequest) -> dict[str, Any]:
    """What the shared request page shows of a copy request (empty for other kinds)."""
    if data_request.kind != DataRequest.Kind.COPY:
        return {}
    withheld = (
        WithheldNote.objects.filter(request=data_request)
        .select_related("note__session")
        .only("reason", "note__session__scheduled_start")
        .order_by("note__session__scheduled_start")
    )
    waiting = copies.waiting_copy(data_request)
    may_download = policy.may_download_copy(user, data_request)
    return {
        "copy_may_review": policy.may_review_copy(user, data_request),
        "copy_may_download": may_download,
        "copy_withheld": withheld,
        "copy_waiting": waiting,
        "copy_formats": [
            (value, label)
            for value, label in copies.Format.choices
            if waiting and waiting.has(value)
        ],
        "copy_downloads": data_request.links.filter(used_at__isnull=False).order_by("used_at")
        if may_download
        else [],
    }


def _review_request(request: HttpRequest, public_id: str) -> DataRequest:
    data_request = policy.get_data_request_for(request.user, public_id)
    if not policy.may_review_copy(request.user, data_request):
        policy.deny_object(request.user, data_request, data_request.counselee)
    return data_request


def _choices(request: HttpRequest) -> tuple[dict[str, str], list[str]]:
    withheld = {
        key.removeprefix(WITHHOLD): value
        for key, value in request.POST.items()
        if key.startswith(WITHHOLD)
    }
    phrases = [line.strip() for line in request.POST.get("phrases", "").splitlines()]
    return withheld, [phrase for phrase in phrases if phrase]


def _review_page(request: HttpRequest, data_request: DataRequest, **extra: Any) -> HttpResponse:
    notes = copies.notes_for_review(data_request, by=request.user)  # type: ignore[arg-type]
    withheld = extra.pop("withheld", {})
    return render(
        request,
        "rights/copy_review.html",
        {
            "data_request": data_request,
            "counselee": data_request.counselee,
            "notes": [(note, withheld.get(str(note.public_id), "")) for note in notes],
            "reviewed": copies.fingerprint(notes),
            "reasons": WithheldNote.Reason.choices,
            **extra,
        },
    )


@require_GET
@policy.role_required(Role.COUNSELOR)
def copy_review(request: HttpRequest, public_id: str) -> HttpResponse:
    """Every final note of hers, each with a withhold reason to choose, before release."""
    return _review_page(request, _review_request(request, public_id))


@sensitive_post_parameters("phrases")
@require_POST
@policy.role_required(Role.COUNSELOR)
def copy_preview(request: HttpRequest, public_id: str) -> HttpResponse:
    data_request = _review_request(request, public_id)
    withheld, phrases = _choices(request)
    try:
        counts = copies.preview(data_request, by=request.user, withheld=withheld, phrases=phrases)  # type: ignore[arg-type]
    except ValidationError as error:
        return _review_page(request, data_request, withheld=withheld, errors=error.messages)
    return _review_page(
        request,
        data_request,
        withheld=withheld,
        phrases="\n".join(phrases),
        counts=counts,
    )


@sensitive_post_parameters("phrases")
@require_POST
@policy.role_required(Role.COUNSELOR)
def copy_release(request: HttpRequest, public_id: str) -> HttpResponse:
    data_request = _review_request(request, public_id)
    withheld, phrases = _choices(request)
    try:
        copies.release(
            data_request,
            by=request.user,  # type: ignore[arg-type]
            withheld=withheld,
            phrases=phrases,
            reviewed=request.POST.get("reviewed", ""),
        )
    except ValidationError as error:
        return _review_page(request, data_request, withheld=withheld, errors=error.messages)
    messages.success(request, _("Salinan dirilis. Siswa diberi tahu bahwa salinannya siap."))
    return redirect("data-request", public_id=data_request.public_id)


@require_POST
@policy.role_required(Role.STUDENT)
def copy_link(request: HttpRequest, public_id: str, format: str) -> HttpResponse:
    """A fresh one-time link to one format of her copy, shown on this page only."""
    data_request = policy.get_data_request_for(request.user, public_id)
    try:
        token = copies.issue_link(data_request, by=request.user, format=format)  # type: ignore[arg-type]
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return redirect("data-request", public_id=data_request.public_id)
    waiting = copies.waiting_copy(data_request)
    # Every page is sent with Cache-Control: no-store (counseling.accounts.security), this one too.
    return render(
        request,
        "rights/copy_link.html",
        {
            "data_request": data_request,
            "token": token,
            "format": copies.Format(format).label,
            "expires_at": waiting.expires_at if waiting else None,
        },
    )


@require_GET
@policy.role_required(Role.STUDENT)
def copy_download(request: HttpRequest, token: str) -> HttpResponse:
    """Her file, once. Anyone else following the link gets 404, as for no link at all."""
    try:
        file = copies.download(token, by=request.user)  # type: ignore[arg-type]
    except copies.LinkUsed as used:
        response = render(request, "rights/copy_gone.html", {"used_at": used.used_at}, status=410)
    except copies.LinkExpired:
        response = render(request, "rights/copy_gone.html", {"expired": True}, status=410)
    else:
        response = HttpResponse(file.content, content_type=file.content_type)
        response["Content-Disposition"] = f'attachment; filename="{file.filename}"'
    response["Cache-Control"] = "no-store"
    return response

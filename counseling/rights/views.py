from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from counseling import policy
from counseling.audit import log
from counseling.audit.decorators import shows_confidential
from counseling.policy import Role
from counseling.rights import copy_views, law, services
from counseling.rights.forms import FORMS, DecisionForm, NoteViewForm
from counseling.rights.models import DataRequest


@require_GET
@policy.role_required(Role.STUDENT)
def my_data(request):
    """ "Data saya": her rights in plain words, and her requests with their clocks."""
    counselee = policy.own_counselee(request.user, decrypt=False)
    requests = policy.data_requests_for(request.user).defer("details", "proposed", "answer")
    return render(
        request,
        "rights/my_data.html",
        {
            "counselee": counselee,
            "may_ask": policy.may_make_data_request(request.user, counselee),
            "restricted": counselee is not None and policy.is_restricted(counselee),
            "rights": [
                {"kind": kind, "explained": law.EXPLAINED[kind], "articles": law.ARTICLES[kind]}
                for kind in law.Kind
            ],
            "requests": requests.order_by("-received_at"),
        },
    )


@sensitive_post_parameters("details", "full_name", "class_name", "email")
@require_http_methods(["GET", "POST"])
@policy.role_required(Role.STUDENT)
def new_request(request, kind):
    """Ask for one of her rights; the form says who reads what she writes."""
    if kind not in law.Kind.values:
        raise Http404
    counselee = policy.own_counselee(request.user, decrypt=False)
    if not policy.may_make_data_request(request.user, counselee):
        policy.deny(request.user, object_type="page", object_id=request.path)
    # An empty POST is still a POST: bound, so that it says what is missing.
    form = FORMS[kind](request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        proposed = form.proposed() if hasattr(form, "proposed") else ""
        try:
            data_request = services.make_request(
                counselee,
                by=request.user,
                kind=kind,
                details=form.cleaned_data.get("details", ""),
                proposed=proposed,
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(
                request, _("Permintaanmu diterima. Sekolah menjawabnya paling lambat 3 x 24 jam.")
            )
            return redirect("data-request", data_request.public_id)
    return render(
        request,
        "rights/new_request.html",
        {
            "form": form,
            "kind": law.Kind(kind),
            "explained": law.EXPLAINED[kind],
            "articles": law.ARTICLES[kind],
        },
    )


@sensitive_post_parameters("view")
@require_http_methods(["GET", "POST"])
@policy.role_required(Role.STUDENT)
def note_view(request):
    """A correction of a note: her view, added beside it at once."""
    counselee = policy.own_counselee(request.user, decrypt=False)
    if not policy.may_make_data_request(request.user, counselee):
        policy.deny(request.user, object_type="page", object_id=request.path)
    notes = policy.notes_to_answer(request.user).order_by("-session__scheduled_start")
    form = NoteViewForm(request.POST if request.method == "POST" else None, notes=notes)
    if request.method == "POST" and form.is_valid():
        try:
            services.add_view_to_note(
                form.cleaned_data["note"], by=request.user, view=form.cleaned_data["view"]
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("Pandanganmu sudah ditambahkan di samping catatan itu."))
            return redirect("my-data")
    return render(request, "rights/note_view.html", {"form": form, "has_notes": bool(form.notes)})


@require_POST
@policy.role_required(Role.STUDENT)
def end_restriction(request):
    counselee = policy.own_counselee(request.user, decrypt=False)
    if counselee is None:
        raise Http404
    services.end_restriction(counselee, by=request.user)
    messages.success(
        request, _("Pembatasan berakhir. Kamu bisa memesan jadwal dan mengirim pesan lagi.")
    )
    return redirect("my-data")


@require_GET
@policy.role_required(Role.COUNSELOR, Role.DPO)
def request_list(request):
    """The requests this counselor or DPO answers, open ones first, by their deadline."""
    requests = policy.data_requests_for(request.user).defer("details", "proposed", "answer")
    return render(
        request,
        "rights/request_list.html",
        {
            "open": requests.open().order_by("due_at"),
            "closed": requests.exclude(status__in=requests.model.OPEN).order_by("-received_at")[
                :100
            ],
        },
    )


@require_GET
@policy.role_required(Role.STUDENT, Role.COUNSELOR, Role.DPO)
@shows_confidential(policy.get_data_request_for)
def request_detail(request, data_request, access):
    """One request: what was asked, its clock and history, its answer; for the DPO the
    decision form, for the student "withdraw"."""
    return _detail_page(request, data_request)


def _detail_page(request, data_request, decision_form=None, status=200):
    user = request.user
    may_decide = policy.may_decide_data_request(user, data_request)
    return render(
        request,
        "rights/request_detail.html",
        {
            "data_request": data_request,
            "articles": law.ARTICLES[data_request.kind],
            "proposed": services.proposed_values(data_request),
            "events": data_request.events.select_related("by"),
            "may_withdraw": policy.may_withdraw_data_request(user, data_request),
            "may_decide": may_decide,
            "decision_form": (decision_form or DecisionForm()) if may_decide else None,
            "obstacles": policy.erasure_obstacles(data_request.counselee)
            if may_decide and data_request.kind == DataRequest.Kind.ERASURE
            else [],
            **copy_views.detail_context(user, data_request),
        },
        status=status,
    )


@sensitive_post_parameters("answer")
@require_POST
@policy.role_required(Role.DPO)
def decide(request, public_id):
    data_request = policy.get_data_request_for(request.user, public_id)
    form = DecisionForm(request.POST)
    if form.is_valid():
        try:
            services.decide(
                data_request,
                by=request.user,
                grant=form.cleaned_data["decision"] == DecisionForm.GRANT,
                ground=form.cleaned_data["ground"],
                answer=form.cleaned_data["answer"],
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("Keputusan tercatat dan siswa diberi tahu."))
            return redirect("data-request-list")
    # The page shows her request again: a look at it, recorded as every look is.
    log.record(
        log.Action.VIEW,
        actor=request.user,
        obj=data_request,
        counselee=data_request.counselee,
        purpose=policy.record_access(request.user, data_request.counselee).purpose,
    )
    return _detail_page(request, data_request, decision_form=form, status=400)


@require_POST
@policy.role_required(Role.STUDENT)
def withdraw(request, public_id):
    data_request = policy.get_data_request_for(request.user, public_id)
    services.withdraw(data_request, by=request.user)
    messages.success(request, _("Permintaanmu dibatalkan."))
    return redirect("my-data")


@require_GET
@policy.role_required(Role.DPO)
def dpo_dashboard(request):
    """The DPO's desk: open requests by their clock, and her registers (metadata only).

    The breaches card is drawn by `rights/_dpo_breaches.html`, which the breach pages
    fill in; it renders nothing until they do.
    """
    requests = policy.data_requests_for(request.user).defer("details", "proposed", "answer")
    open_requests = requests.open()
    return render(
        request,
        "rights/dpo_dashboard.html",
        {
            "open_requests": open_requests.order_by("due_at")[:50],
            "open_count": open_requests.count(),
            "overdue_count": open_requests.filter(due_at__lt=timezone.now()).count(),
            "holds_count": policy.legal_holds_for(request.user)
            .filter(released_at__isnull=True)
            .count(),
            "erasures_count": policy.erasures_for(request.user).count(),
        },
    )

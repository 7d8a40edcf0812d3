from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db.models import Q
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from counseling import policy
from counseling.audit.decorators import shows_confidential
from counseling.policy import Role
from counseling.records.forms import CaseloadSearchForm, ConflictDeclarationForm
from sessions import cases
from sessions.forms import WalkInSessionForm

CASELOAD_PAGE_SIZE = 25
# The record page lists the latest sessions; older ones stay in the record.
SESSIONS_SHOWN = 50


@require_GET
@policy.role_required(Role.COUNSELOR)
def caseload(request):
    form = CaseloadSearchForm(request.GET)
    counselees = policy.caseload_for(request.user).order_by("class_name", "user__full_name")
    query = form.cleaned_data["q"] if form.is_valid() else ""
    if query:
        counselees = counselees.filter(
            Q(user__full_name__icontains=query)
            | Q(nis__startswith=query)
            | Q(class_name__iexact=query)
        )
    page = Paginator(counselees, CASELOAD_PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "records/caseload.html", {"form": form, "page": page, "query": query})


@require_GET
@shows_confidential(policy.get_counselee_for)
def counselee_detail(request, counselee, access):
    user = request.user
    counselors = [
        a.counselor
        for a in counselee.assignments.active().select_related("counselor").order_by("pk")
    ]
    show_counseling_data = access.read_counseling_data
    may_write = access.write_counseling_data
    sessions = policy.sessions_on_record(counselee, access).order_by("-scheduled_start")
    disclosures = [
        {
            "disclosure": disclosure,
            "readable": policy.disclosure_is_readable(user, disclosure, access),
        }
        for disclosure in policy.disclosures_on_record(counselee, access).order_by("-disclosed_at")
    ]
    return render(
        request,
        "records/counselee_detail.html",
        {
            "counselee": counselee,
            "counselors": counselors,
            "show_contact": access.read_contact,
            "show_counseling_data": show_counseling_data,
            "show_background": access.read_background,
            "emergency_access": access.emergency_access,
            "handed_over": access.purpose == policy.Purpose.REFERRAL,
            "can_write": may_write,
            "disclosures": disclosures,
            "sessions": sessions[:SESSIONS_SHOWN],
            "walk_in_form": WalkInSessionForm() if may_write else None,
        },
    )


@require_http_methods(["GET", "POST"])
@policy.role_required(Role.COUNSELOR)
def conflicts(request):
    form = ConflictDeclarationForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            cases.declare_conflict(form.counselee, form.cleaned_data["relation"], by=request.user)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(
                request,
                _(
                    "Konflik kepentingan dicatat. Anda tidak akan ditugaskan untuk siswa ini; "
                    "jadwalnya dengan Anda dibatalkan dan ia dapat memilih konselor lain."
                ),
            )
            return redirect("conflicts")
    return render(
        request,
        "records/conflicts.html",
        {"form": form, "declarations": policy.conflicts_for(request.user).order_by("-declared_at")},
    )


@require_POST
@policy.role_required(Role.STUDENT)
def answer_assignment(request, public_id):
    """The student's answer to a counselor an admin assigned her: fine, or not asked for."""
    assignment = policy.get_unanswered_assignment_for(request.user, public_id)
    asked_for = request.POST.get("answer") == "fine"
    cases.answer_assignment(assignment, by=request.user, asked_for=asked_for)
    if asked_for:
        messages.success(request, _("Terima kasih. Guru BK-mu sudah tercatat."))
    else:
        messages.success(
            request,
            _(
                "Penugasan ini diakhiri dan admin dapat melihatnya. Kamu boleh memilih guru BK "
                "sendiri saat memesan jadwal."
            ),
        )
    return redirect("student-dashboard")

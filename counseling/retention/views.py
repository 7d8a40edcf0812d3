from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from counseling import policy
from counseling.policy import Role
from counseling.retention import schedule, services
from counseling.retention.forms import ClassStatusForm, LegalHoldForm, StudentStatusForm


@require_GET
@policy.role_required(Role.COUNSELOR, Role.ADMIN)
def overview(request):
    """Who is to be erased soon (name, class, date: no content), and the legal holds."""
    due = [
        {"counselee": c, "due_on": schedule.due_on(c.school_status.since)}
        for c in policy.to_be_erased_for(request.user).order_by("school_status__since", "pk")
    ]
    user = request.user
    holds = [
        {
            "hold": hold,
            "may_confirm": policy.may_confirm_legal_hold(user, hold),
            "may_review": policy.may_review_legal_hold(user, hold),
            "may_release": policy.may_release_legal_hold(user, hold),
        }
        for hold in policy.legal_holds_for(user)
        .filter(released_at__isnull=True)
        .order_by("-requested_at")
    ]
    return render(
        request,
        "retention/overview.html",
        {
            "due": due,
            "holds": holds,
            "years": services.retention_years(),
            "notice_days": schedule.settings.AMANAH_RETENTION_NOTICE_DAYS,
        },
    )


@require_GET
@policy.role_required(Role.ADMIN)
def lifecycle(request):
    return render(
        request,
        "retention/lifecycle.html",
        {
            "class_form": ClassStatusForm(prefix="class"),
            "student_form": StudentStatusForm(prefix="student", user=request.user),
        },
    )


@require_POST
@policy.role_required(Role.ADMIN)
def set_class_status(request):
    form = ClassStatusForm(request.POST, prefix="class")
    if form.is_valid():
        count = services.set_class_status(
            form.cleaned_data["class_name"],
            status=form.cleaned_data["status"],
            since=form.cleaned_data["since"],
            by=request.user,
        )
        messages.success(request, _("Status %(count)s siswa diperbarui.") % {"count": count})
        return redirect("retention-lifecycle")
    return render(
        request,
        "retention/lifecycle.html",
        {
            "class_form": form,
            "student_form": StudentStatusForm(prefix="student", user=request.user),
        },
        status=400,
    )


@require_POST
@policy.role_required(Role.ADMIN)
def set_student_status(request):
    form = StudentStatusForm(request.POST, prefix="student", user=request.user)
    if form.is_valid():
        try:
            services.set_school_status(
                form.counselee,
                status=form.cleaned_data["status"],
                since=form.cleaned_data["since"],
                by=request.user,
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("Status siswa diperbarui."))
            return redirect("retention-lifecycle")
    return render(
        request,
        "retention/lifecycle.html",
        {"class_form": ClassStatusForm(prefix="class"), "student_form": form},
        status=400,
    )


@sensitive_post_parameters("reason")
@require_http_methods(["GET", "POST"])
@policy.role_required(Role.COUNSELOR, Role.ADMIN)
def request_hold(request):
    form = LegalHoldForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            services.request_legal_hold(
                form.counselee, reason=form.cleaned_data["reason"], by=request.user
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(
                request,
                _("Penahanan diminta. Penghapusan ditunda; admin lain perlu mengonfirmasinya."),
            )
            return redirect("retention-overview")
    return render(request, "retention/hold_form.html", {"form": form})


def _hold_action(service, done):
    @require_POST
    @policy.role_required(Role.ADMIN)
    def view(request, public_id):
        hold = policy.get_legal_hold_for(request.user, public_id)
        service(hold, by=request.user)
        messages.success(request, done())
        return redirect("retention-overview")

    return view


confirm_hold = _hold_action(
    services.confirm_legal_hold, lambda: _("Penahanan dikonfirmasi. Ditinjau lagi setahun lagi.")
)
review_hold = _hold_action(
    services.review_legal_hold, lambda: _("Penahanan ditinjau: tetap berlaku setahun lagi.")
)
release_hold = _hold_action(
    services.release_legal_hold,
    lambda: _("Penahanan diakhiri. Jadwal penghapusan berlaku kembali."),
)

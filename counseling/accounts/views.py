from django.conf import settings
from django.contrib.auth.decorators import login_not_required
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.views import i18n
from django.views.decorators.http import require_GET, require_POST

from consent import services as consent_services
from counseling import policy
from counseling.accounts.models import User
from counseling.policy import Role
from counseling.records.models import CaseAssignment, ConflictOfInterest, Counselee

DASHBOARDS = {
    Role.STUDENT: "student-dashboard",
    Role.COUNSELOR: "counselor-dashboard",
    Role.ADMIN: "admin-dashboard",
}


@require_GET
def home(request):
    """Send each role to its own dashboard; a student without consent meets it first."""
    if request.user.role == Role.STUDENT and not consent_services.has_valid_consent(request.user):
        return redirect("consent")
    return redirect(DASHBOARDS[request.user.role])


@require_GET
@policy.role_required(Role.STUDENT)
def student_dashboard(request):
    counselee = policy.counselees_for(request.user).first()
    counselors = []
    if counselee is not None:
        counselors = [
            a.counselor
            for a in counselee.assignments.active().select_related("counselor").order_by("pk")
        ]
    return render(
        request,
        "accounts/student_dashboard.html",
        {
            "counselee": counselee,
            "counselors": counselors,
            "has_consent": consent_services.has_valid_consent(request.user),
        },
    )


@require_GET
@policy.role_required(Role.COUNSELOR)
def counselor_dashboard(request):
    caseload = policy.caseload_for(request.user)
    return render(
        request,
        "accounts/counselor_dashboard.html",
        {
            "caseload_count": caseload.count(),
            "conflict_count": policy.conflicts_for(request.user).count(),
        },
    )


@require_GET
@policy.role_required(Role.ADMIN)
def admin_dashboard(request):
    # Counts only: the admin audits and administers, and never reads content.
    return render(
        request,
        "accounts/admin_dashboard.html",
        {
            "student_count": Counselee.objects.count(),
            "counselor_count": User.objects.filter(role=Role.COUNSELOR, is_active=True).count(),
            "active_assignment_count": CaseAssignment.objects.active().count(),
            "conflict_count": ConflictOfInterest.objects.count(),
        },
    )


@require_POST
def keepalive(request):
    """'Tetap masuk' on the idle warning: the request itself resets the idle clock."""
    target = request.POST.get("next", "/")
    if not url_has_allowed_host_and_scheme(target, {request.get_host()}, request.is_secure()):
        target = "/"
    return redirect(target)


@login_not_required
@require_POST
def set_language(request):
    """Django's language switch; a signed-in person's choice is kept for her e-mails too.

    The switch sits in the footer of the login page as well, where nobody is signed in.
    """
    response = i18n.set_language(request)
    language = request.POST.get("language")
    user = request.user
    if user.is_authenticated and language in dict(settings.LANGUAGES) and user.language != language:
        user.language = language
        user.save(update_fields=["language"])
    return response

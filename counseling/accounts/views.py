import datetime

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import update_session_auth_hash
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_not_required
from django.db.models import Count, Q
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views import i18n
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from consent import services as consent_services
from counseling import policy
from counseling.accounts import enrolment, lockout, passwords
from counseling.accounts.forms import ChoosePasswordForm, LoginForm
from counseling.accounts.models import User
from counseling.encryption import encrypted_field_names, encrypted_paths
from counseling.policy import Role
from counseling.records.models import CaseAssignment, ConflictOfInterest, Counselee
from sessions.models import CounselingSession, SessionNote

# How far back the admin's dashboard counts assignments that students said they did not ask for.
DECLINED_SHOWN_FOR = datetime.timedelta(days=30)

DASHBOARDS = {
    Role.STUDENT: "student-dashboard",
    Role.COUNSELOR: "counselor-dashboard",
    Role.ADMIN: "admin-dashboard",
    Role.TEACHER: "teacher-dashboard",
    Role.DPO: "dpo-dashboard",
}


@require_GET
def home(request):
    """Send each role to its own dashboard; a student who never accepted the consent
    document meets it first (a new version waits on her dashboard for her next session)."""
    if policy.has_role(request.user, Role.STUDENT) and not consent_services.has_ever_acknowledged(
        request.user
    ):
        return redirect("consent")
    return redirect(DASHBOARDS[request.user.role])


@require_GET
@policy.role_required(Role.STUDENT)
def student_dashboard(request):
    counselee = policy.own_counselee(request.user)
    has_consent = consent_services.has_valid_consent(request.user)
    acknowledged = None if has_consent else consent_services.latest_acknowledgement(request.user)
    current = None if has_consent else consent_services.current_document()
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
            "has_consent": has_consent,
            "new_version_pending": acknowledged is not None
            and current is not None
            and acknowledged.document.version < current.version,
            "new_assignments": policy.unanswered_assignments_for(request.user),
            "unread_messages": policy.unread_messages_for(request.user),
            # Her latest "I need to talk now", to follow it again; and the consent asked
            # for after a crisis session that began without it.
            "crisis": policy.own_crisis_requests_for(request.user).first(),
            "has_safety_plan": policy.safety_plans_for(request.user).exists(),
            "referrals_to_answer": policy.referrals_awaiting_student(request.user),
            "bk_invitations": policy.bk_invitations_for(request.user),
            "changeable_assignments": policy.changeable_assignments_for(request.user),
        },
    )


DRAFTS_SHOWN = 10


@require_GET
@policy.role_required(Role.COUNSELOR)
def counselor_dashboard(request):
    """Her day: today's sessions, the next one, requests waiting, drafts to finalise.

    A constant number of queries whatever her caseload; no content is read here (no
    topic, no note text), so the page writes no access-log entry.
    """
    user = request.user
    now = timezone.now()
    midnight = timezone.make_aware(
        datetime.datetime.combine(timezone.localdate(), datetime.time.min)
    )
    Status = CounselingSession.Status
    sessions = (
        policy.own_sessions_for(user)
        .exclude(status=Status.CANCELLED)
        .defer(*encrypted_field_names(CounselingSession))
    )
    today = sessions.filter(
        scheduled_start__gte=midnight, scheduled_start__lt=midnight + datetime.timedelta(days=1)
    ).order_by("scheduled_start")
    requests = policy.booking_requests_for(user).aggregate(
        total=Count("pk"), urgent=Count("pk", filter=Q(urgent=True))
    )
    drafts = (
        policy.own_drafts_for(user)
        .defer(*encrypted_field_names(SessionNote), *encrypted_paths(CounselingSession, "session"))
        .order_by("created_at")
    )
    return render(
        request,
        "accounts/counselor_dashboard.html",
        {
            "today_date": timezone.localdate(),
            "today": list(today),
            "next_session": sessions.filter(status=Status.SCHEDULED, scheduled_start__gt=now)
            .order_by("scheduled_start")
            .first(),
            "request_count": requests["total"],
            "urgent_count": requests["urgent"],
            "urgent_elsewhere_count": policy.urgent_requests_for(user).count(),
            "drafts": list(drafts[:DRAFTS_SHOWN]),
            "draft_count": drafts.count(),
            "caseload_count": policy.caseload_for(user).count(),
            "conflict_count": policy.conflicts_for(user).count(),
            "unread_messages": policy.unread_messages_for(user),
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
            "declined_assignment_count": CaseAssignment.objects.filter(
                end_reason=CaseAssignment.EndReason.STUDENT_DECLINED,
                ended_at__gte=timezone.now() - DECLINED_SHOWN_FOR,
            ).count(),
            "message_counts": message_counts(request.user),
            "pending_links": [
                {"link": link, "may_approve": policy.may_approve_enrolment_link(request.user, link)}
                for link in enrolment.pending_approval()
            ],
        },
    )


def message_counts(user) -> dict[str, int]:
    """How much online counseling happens, for the admin: counts, never a line of text."""
    from counseling.messaging.models import Conversation, Message

    if not policy.may_see_message_counts(user):
        return {}
    week_ago = timezone.now() - datetime.timedelta(days=7)
    return {
        "conversations": Conversation.objects.count(),
        "messages_this_week": Message.objects.filter(sent_at__gte=week_ago).count(),
    }


@require_POST
@policy.role_required(Role.ADMIN)
def approve_enrolment_link(request, public_id):
    """A second admin lets a link that replaces an enrolled second factor go out."""
    link = policy.fetch(
        request.user,
        enrolment.pending_approval(),
        public_id,
        may=lambda link: policy.may_approve_enrolment_link(request.user, link),
    )
    enrolment.approve(link, by=request.user)
    messages.success(
        request,
        _("Disetujui. Tautannya dikirim ke alamat e-mail %(username)s.")
        % {"username": link.user.get_username()},
    )
    return redirect("admin-dashboard")


@require_POST
def keepalive(request):
    """'Tetap masuk' on the idle warning: the request itself resets the idle clock.

    From static/js/session.js (the button, or someone typing) it answers 204, so the
    page stays as it is; without JavaScript the form posts and comes back to the page.
    """
    if request.headers.get("X-Requested-With") == "fetch":
        return HttpResponse(status=204)
    target = request.POST.get("next", "/")
    if not url_has_allowed_host_and_scheme(target, {request.get_host()}, request.is_secure()):
        target = "/"
    return redirect(target)


class LoginView(auth_views.LoginView):
    """Django's login page; a browser that signs in becomes a trusted device for the account
    (`lockout`: its attempts are counted apart from the address it shares)."""

    authentication_form = LoginForm

    def form_valid(self, form):
        response = super().form_valid(form)
        lockout.remember_device(self.request, response, form.get_user().get_username())
        return response


@sensitive_post_parameters("new_password1", "new_password2")
@require_http_methods(["GET", "POST"])
def choose_password(request):
    """The one page a temporary password leads to: choose your own."""
    user = request.user
    if not user.password_is_temporary:
        return redirect("home")
    form = ChoosePasswordForm(user, request.POST or None)
    if request.method == "POST" and form.is_valid():
        passwords.choose_own(user, form.cleaned_data["new_password1"])
        update_session_auth_hash(request, user)
        messages.success(request, _("Kata sandi baru tersimpan."))
        return redirect("home")
    return render(request, "accounts/choose_password.html", {"form": form})


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

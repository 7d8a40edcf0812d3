"""Pages of the crisis pathway: thin, each one URL and one action.

The student's button posts to `ask`; her request's page polls `request_state`; every
counselor's pages poll `poll` for the red banner. Both polls answer JSON and cost one
query of their own; the banner's decrypts nothing.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import ValidationError
from django.db.models import Count, Max
from django.http import JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from counseling import policy
from counseling.audit.decorators import shows_confidential
from counseling.crisis import services
from counseling.crisis.forms import DutyShiftForm, SafetyPlanForm
from counseling.crisis.models import CrisisRequest, DutyShift
from counseling.records.models import Counselee

Role = policy.Role


def _attempt(request, change):
    try:
        return change()
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    return None


# The student


@login_not_required
@require_GET
def help_page(request):
    """The numbers to call, for anyone: linked from the login page's help text."""
    return render(
        request,
        "crisis/help.html",
        {"contacts": services.emergency_contacts(), "on_duty": services.on_duty_today()},
    )


@require_POST
@sensitive_post_parameters("text")
@policy.role_required(Role.STUDENT)
def ask(request):
    """One tap: "Aku butuh bicara sekarang" (an optional line of text)."""
    crisis = services.ask_for_help(request.user, text=request.POST.get("text", "")[:1000])
    return redirect("crisis-status", public_id=crisis.public_id)


@require_GET
@policy.role_required(Role.STUDENT)
def status(request, public_id):
    """Her request: who is on duty, the numbers to call, and its live state."""
    crisis = policy.get_crisis_request_for(request.user, public_id)
    return render(
        request,
        "crisis/status.html",
        {
            "crisis": crisis,
            "state": _student_state(crisis),
            "contacts": services.emergency_contacts(),
            "on_duty": services.on_duty_today(),
            "school_hours": services.is_school_hours(),
            "may_keep": policy.may_confirm_crisis_counselor(request.user, crisis),
        },
    )


def _student_state(crisis: CrisisRequest) -> dict:
    if crisis.is_waiting:
        if crisis.after_hours or not services.is_school_hours():
            text = _(
                "Saat ini di luar jam sekolah: belum ada guru BK di sekolah. Kalau kamu dalam "
                "bahaya, hubungi sekarang salah satu layanan di bawah. Permintaanmu tetap "
                "tersimpan untuk guru BK."
            )
        else:
            text = _("Menunggu guru BK. Tetap di tempat yang aman; halaman ini diperbarui sendiri.")
        return {"status": crisis.status, "text": text, "where": ""}
    taker = crisis.taken_by.full_name if crisis.taken_by else ""
    place = ""
    shift = services.on_duty_today().filter(counselor=crisis.taken_by).first()
    if shift is not None and shift.place:
        place = shift.place
    return {
        "status": crisis.status,
        "text": _("Ditangani oleh %(name)s. Dia akan menemuimu.") % {"name": taker},
        "where": (_("Datang ke %(place)s.") % {"place": place})
        if place
        else _("Datang ke ruang BK."),
    }


@require_GET
@policy.role_required(Role.STUDENT)
def request_state(request, public_id):
    """Her request's state as JSON, for the page's poll."""
    crisis = policy.own_crisis_requests_for(request.user).filter(public_id=public_id).first()
    if crisis is None:
        policy.deny(request.user, object_type="crisis.crisisrequest", object_id=str(public_id))
    return JsonResponse(_student_state(crisis))


@require_POST
@policy.role_required(Role.STUDENT)
def keep_counselor(request, public_id):
    crisis = policy.get_crisis_request_for(request.user, public_id)
    if _attempt(request, lambda: services.confirm_counselor(crisis, by=request.user)):
        messages.success(request, _("Guru BK ini tetap mendampingimu."))
    return redirect("crisis-status", public_id=crisis.public_id)


# Counselors


@require_GET
def poll(request):
    """The banner's poll: how many requests wait for this counselor, and the newest.

    One query of its own (a COUNT and a MAX over the waiting requests, conflicts left
    out), no decryption, whatever is new; `?seen=` lets the page tell nothing new.
    """
    if not policy.has_role(request.user, Role.COUNSELOR):
        return JsonResponse({"waiting": 0, "new": False})
    state = CrisisRequest.objects.filter(policy.crisis_poll_filter(request.user)).aggregate(
        waiting=Count("pk"), newest=Max("pk")
    )
    waiting, newest = state["waiting"], state["newest"] or 0
    seen = request.GET.get("seen", "")
    return JsonResponse(
        {
            "waiting": waiting,
            "newest": newest,
            "new": waiting > 0 and seen != str(newest),
            "url": reverse("crisis-queue"),
        }
    )


@require_GET
def queue(request):
    """The requests waiting: counselors take them; an admin watches the times only."""
    if not policy.has_role(request.user, Role.COUNSELOR, Role.ADMIN):
        policy.deny(request.user, object_type="page", object_id=request.path)
    return render(
        request,
        "crisis/queue.html",
        {
            "waiting": policy.waiting_crisis_requests_for(request.user),
            "may_walk_in": policy.has_role(request.user, Role.COUNSELOR),
            "may_edit_roster": policy.may_edit_roster(request.user),
            "now": timezone.now(),
        },
    )


@require_GET
@shows_confidential(policy.get_crisis_request_for)
def request_detail(request, crisis, _access):
    """A crisis request: time, class, how long it waited, and "Saya tangani"; for the
    counselor who took it, the text and the crisis session."""
    user = request.user
    if not policy.has_role(user, Role.COUNSELOR):
        return redirect("crisis-status", public_id=crisis.public_id)
    mine = policy.may_read_crisis_text(user, crisis)
    session = crisis.session if mine else None
    return render(
        request,
        "crisis/request.html",
        {
            "crisis": crisis,
            "may_take": policy.may_take_crisis_request(user, crisis),
            "mine": mine,
            "text": services.read_text(crisis, by=user) if mine else "",
            "session": session,
            "may_start": mine
            and session is not None
            and session.status == session.Status.SCHEDULED
            and policy.may_start_crisis_session(user, crisis),
        },
    )


@require_POST
@policy.role_required(Role.COUNSELOR)
def take(request, public_id):
    crisis = policy.get_crisis_request_for(request.user, public_id)
    if _attempt(request, lambda: services.take(crisis, by=request.user)) is not None:
        messages.success(request, _("Anda menangani siswa ini sekarang. Temui dia segera."))
    return redirect("crisis-request", public_id=crisis.public_id)


@require_POST
@policy.role_required(Role.COUNSELOR)
def start(request, public_id):
    crisis = policy.get_crisis_request_for(request.user, public_id)
    started = _attempt(
        request,
        lambda: services.start_crisis_session(
            crisis, by=request.user, limits_explained=request.POST.get("limits_explained") == "on"
        ),
    )
    if started is None:
        return redirect("crisis-request", public_id=crisis.public_id)
    return redirect("session-detail", public_id=started.public_id)


@require_http_methods(["GET", "POST"])
@policy.role_required(Role.COUNSELOR)
def walk_in(request):
    """The counselor on duty finds a student who walked in, by NIS or name."""
    query = request.GET.get("q", "")
    return render(
        request,
        "crisis/walk_in.html",
        {
            "query": query,
            "students": policy.find_students_for_walk_in(request.user, query),
            "on_duty": policy.on_duty_now(request.user) or policy.is_coordinator(request.user),
        },
    )


@require_POST
@policy.role_required(Role.COUNSELOR)
def walk_in_open(request, public_id):
    counselee = policy.get_walk_in_student_for(request.user, public_id)
    crisis = _attempt(request, lambda: services.open_walk_in(counselee, by=request.user))
    if crisis is None:
        return redirect("crisis-walk-in")
    messages.success(request, _("Sesi darurat dibuka."))
    return redirect("crisis-request", public_id=crisis.public_id)


# The roster


@require_http_methods(["GET", "POST"])
def roster(request):
    if not policy.may_edit_roster(request.user):
        policy.deny(request.user, object_type="page", object_id=request.path)
    form = DutyShiftForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        services.add_shift(by=request.user, **form.cleaned_data)
        messages.success(request, _("Jadwal piket ditambahkan."))
        return redirect("crisis-roster")
    shifts = DutyShift.objects.select_related("counselor").order_by("weekday", "start_time")
    return render(request, "crisis/roster.html", {"form": form, "shifts": shifts})


@require_POST
def roster_remove(request, pk):
    if not policy.may_edit_roster(request.user):
        policy.deny(request.user, object_type="page", object_id=request.path)
    shift = DutyShift.objects.filter(pk=pk).first()
    if shift is None:
        policy.deny(request.user, object_type="crisis.dutyshift", object_id=str(pk))
    services.remove_shift(shift, by=request.user)
    messages.success(request, _("Jadwal piket dihapus."))
    return redirect("crisis-roster")


# The safety plan


@require_http_methods(["GET", "POST"])
@sensitive_post_parameters(*SafetyPlanForm.base_fields)
@shows_confidential(policy.get_counselee_for_writing)
def safety_plan_edit(request, counselee: Counselee, _access):
    plan = policy.safety_plans_for(request.user).filter(counselee=counselee).first()
    form = SafetyPlanForm(request.POST or None, instance=plan)
    if request.method == "POST" and form.is_valid():
        saved = _attempt(
            request,
            lambda: services.save_safety_plan(
                counselee, by=request.user, plan=plan, **form.cleaned_data
            ),
        )
        if saved is not None:
            messages.success(request, _("Rencana keselamatan disimpan."))
            return redirect("counselee-detail", public_id=counselee.public_id)
    return render(request, "crisis/safety_plan_form.html", {"form": form, "counselee": counselee})


@require_GET
@policy.role_required(Role.STUDENT)
def my_safety_plan(request):
    plans = list(policy.safety_plans_for(request.user).select_related("counselor"))
    return render(request, "crisis/my_safety_plan.html", {"plans": plans})

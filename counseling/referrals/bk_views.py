"""Pages of referrals into BK: the teacher's, BK's, and the student's invitation."""

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from counseling import policy
from counseling.audit.decorators import shows_confidential
from counseling.policy import RecordAccess, Role
from counseling.referrals import bk
from counseling.referrals.models import BkReferral


class BkReferralForm(forms.Form):
    reason = forms.CharField(
        label=gettext_lazy("Alasan singkat"),
        max_length=bk.REASON_MAX,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=gettext_lazy(
            "Hanya guru BK yang membacanya; Anda tidak dapat membukanya lagi. Tersimpan "
            "terenkripsi."
        ),
    )


@require_GET
@policy.role_required(Role.TEACHER)
def teacher_dashboard(request: HttpRequest) -> HttpResponse:
    students = policy.students_for(request.user).order_by("class_name", "user__full_name")
    referrals = policy.bk_referrals_for(request.user).order_by("-created_at")
    return render(
        request,
        "referrals/teacher_dashboard.html",
        {
            "classes": policy.classes_taught(request.user).order_by("class_name"),
            "students": students,
            "referrals": referrals[:100],
        },
    )


@sensitive_post_parameters("reason")
@require_http_methods(["GET", "POST"])
@policy.role_required(Role.TEACHER)
def teacher_refer(request: HttpRequest, public_id: str) -> HttpResponse:
    counselee = policy.get_student_for_teacher(request.user, public_id)
    may_refer = policy.may_refer_into_bk(request.user, counselee)
    form = BkReferralForm(request.POST or None)
    if request.method == "POST" and may_refer and form.is_valid():
        try:
            bk.refer(counselee, by=request.user, reason=form.cleaned_data["reason"])  # type: ignore[arg-type]
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("Rujukan terkirim ke BK."))
            return redirect("teacher-dashboard")
    return render(
        request,
        "referrals/teacher_refer.html",
        {"form": form, "counselee": counselee, "may_refer": may_refer},
    )


@require_GET
@policy.role_required(Role.COUNSELOR)
def bk_referral_list(request: HttpRequest) -> HttpResponse:
    referrals = policy.bk_referrals_for(request.user).defer("reason").order_by("-created_at")
    return render(request, "referrals/bk_referral_list.html", {"referrals": referrals[:100]})


@require_GET
@shows_confidential(policy.get_bk_referral_for)
def bk_referral_detail(
    request: HttpRequest, referral: BkReferral, access: RecordAccess
) -> HttpResponse:
    user = request.user
    return render(
        request,
        "referrals/bk_referral_detail.html",
        {
            "referral": referral,
            "may_receive": policy.may_receive_bk_referral(user, referral),
            "may_invite": policy.may_invite_student(user, referral),
            "may_follow_up": policy.may_follow_up_bk_referral(user, referral),
        },
    )


def _step(action):  # type: ignore[no-untyped-def]
    @require_POST
    @policy.role_required(Role.COUNSELOR)
    def view(request: HttpRequest, public_id: str) -> HttpResponse:
        referral = policy.get_bk_referral_for(request.user, public_id)
        action(referral, by=request.user)
        return redirect("bk-referral-detail", public_id=referral.public_id)

    return view


bk_referral_receive = _step(bk.receive)
bk_referral_invite = _step(bk.invite)
bk_referral_follow_up = _step(bk.follow_up)


@require_GET
@policy.role_required(Role.STUDENT)
def bk_invitation(request: HttpRequest, public_id: str) -> HttpResponse:
    invitation = policy.get_bk_invitation_for(request.user, public_id)
    return render(request, "referrals/bk_invitation.html", {"invitation": invitation})


@require_POST
@policy.role_required(Role.STUDENT)
def bk_invitation_answer(request: HttpRequest, public_id: str) -> HttpResponse:
    invitation = policy.get_bk_invitation_for(request.user, public_id)
    accept = request.POST.get("answer") == "accept"
    bk.answer_invitation(invitation, by=request.user, accept=accept)  # type: ignore[arg-type]
    if accept:
        messages.success(request, _("Terima kasih. Pilih waktu yang cocok untukmu."))
        return redirect("book")
    messages.success(request, _("Tidak apa-apa. Kamu boleh datang ke BK kapan saja."))
    return redirect("student-dashboard")

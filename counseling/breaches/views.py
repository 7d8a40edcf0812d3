from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from counseling import policy
from counseling.breaches import letters, services
from counseling.breaches.forms import NO_STUDENT_CONTENT, BreachForm
from counseling.breaches.models import BreachNotice
from counseling.policy import Role
from counseling.policy.breaches import without_content

Audience = BreachNotice.Audience


@require_GET
@policy.role_required(Role.DPO, Role.ADMIN)
def breach_list(request):
    """Open breaches by their deadline, then the closed ones (metadata only)."""
    breaches = policy.breaches_for(request.user)
    return render(
        request,
        "breaches/list.html",
        {
            "open": breaches.open().order_by("deadline"),
            "closed": breaches.filter(closed_at__isnull=False).order_by("-closed_at")[:50],
        },
    )


@sensitive_post_parameters("description", "how_found", "handling")
@require_http_methods(["GET", "POST"])
@policy.role_required(Role.DPO, Role.ADMIN)
def breach_new(request):
    form = BreachForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            breach = services.record_breach(
                by=request.user,
                description=data["description"],
                how_found=data["how_found"],
                handling=data["handling"],
                occurred_from=data["occurred_from"],
                occurred_to=data["occurred_to"],
                approximate=data["approximate"],
                discovered_at=data["discovered_at"],
                scope=data["scope"],
                scope_account=data["scope_account"],
                scope_counselee=data["scope_counselee"],
                scope_object_type=data["object_type"],
                scope_object_id=data["object_id"],
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("Kegagalan pelindungan data tercatat."))
            return redirect("breach-detail", breach.public_id)
    return render(
        request,
        "breaches/form.html",
        {"form": form, "no_student_content": NO_STUDENT_CONTENT},
        status=400 if form.is_bound else 200,
    )


@require_GET
@policy.role_required(Role.DPO, Role.ADMIN)
def breach_detail(request, public_id):
    """The breach, the students it exposed, and each letter with its state."""
    breach = policy.get_breach_for(request.user, public_id)
    notices = {
        (notice.audience, notice.counselee_id): notice
        for notice in breach.notices.select_related("marked_sent_by")
    }
    rows = [
        {
            "exposure": exposure,
            "student": notices.get((Audience.STUDENT, exposure.counselee_id)),
            "guardian": notices.get((Audience.GUARDIAN, exposure.counselee_id)),
        }
        for exposure in breach.exposures.select_related("counselee__user").defer(
            *without_content("counselee")
        )
    ]
    return render(
        request,
        "breaches/detail.html",
        {
            "breach": breach,
            "rows": rows,
            "authority": notices.get((Audience.AUTHORITY, None)),
            "may_compute": policy.may_compute_exposure(request.user, breach),
            "exempt": sum(
                1
                for row in rows
                if not row["exposure"].gets_guardian_letter and row["exposure"].minor
            ),
        },
    )


@require_POST
@policy.role_required(Role.DPO, Role.ADMIN)
def breach_compute(request, public_id):
    breach = policy.get_breach_for(request.user, public_id)
    exposed = services.compute_exposure(breach, by=request.user)
    messages.success(
        request,
        _("Dihitung dari log akses: %(count)s siswa terdampak; surat sudah disusun.")
        % {"count": len(exposed)},
    )
    return redirect("breach-detail", breach.public_id)


@require_GET
@policy.role_required(Role.STUDENT, Role.DPO, Role.ADMIN)
def breach_letter(request, public_id):
    """One letter, printable; a student opens her own once it was sent."""
    notice = policy.get_breach_notice_for(request.user, public_id)
    return render(
        request,
        "breaches/letter.html",
        {
            "letter": letters.letter_for(notice),
            "may_mark_sent": policy.may_mark_breach_notice_sent(request.user, notice),
        },
    )


@require_POST
@policy.role_required(Role.DPO, Role.ADMIN)
def breach_letter_sent(request, public_id):
    notice = policy.get_breach_notice_for(request.user, public_id)
    services.mark_notice_sent(notice, by=request.user)
    messages.success(request, _("Surat ditandai terkirim."))
    return redirect("breach-detail", notice.breach.public_id)

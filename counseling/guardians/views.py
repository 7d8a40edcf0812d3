"""Pages of the guardians app: the staff's guardian page per student, the exemptions, and
the guardian's one-time link (no sign-in, no content)."""

import secrets

from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from consent import rendering
from counseling import policy
from counseling.audit import log
from counseling.audit.context import client_ip
from counseling.audit.decorators import shows_confidential
from counseling.guardians import basis as basis_text
from counseling.guardians import gate, services
from counseling.guardians.forms import (
    ExemptionForm,
    GuardianAcknowledgementForm,
    GuardianForm,
    PaperFormForm,
)
from counseling.guardians.models import Basis, GuardianExemption, GuardianLink

CLAIM_SESSION_KEY = "amanah_guardian_link_claim"


def _errors(request, error: ValidationError) -> None:
    messages.error(request, " ".join(error.messages))


@require_GET
@policy.role_required(policy.Role.ADMIN)
def overview(request):
    page = Paginator(policy.counselees_for_guardians(request.user), 50).get_page(
        request.GET.get("page")
    )
    return render(request, "guardians/overview.html", {"page": page})


@require_GET
@shows_confidential(policy.get_counselee_for_guardians)
def counselee_guardians(request, counselee, access):
    user = request.user
    state = policy.gate_state(counselee)
    guardians = [
        {
            "guardian": guardian,
            "links": list(guardian.links.order_by("-created_at")[:3]),
            "acknowledgements": list(guardian.acknowledgements.select_related("document")),
            "withdrawals": list(guardian.withdrawals.all()),
        }
        for guardian in policy.guardians_for(user, counselee)
    ]
    exemptions = GuardianExemption.objects.filter(counselee=counselee).defer("detail")
    may_exempt = policy.may_record_exemption(user, counselee)
    return render(
        request,
        "guardians/counselee.html",
        {
            "counselee": counselee,
            "minor": policy.is_minor(counselee),
            "basis": policy.guardian_basis(),
            "basis_label": Basis(policy.guardian_basis()).label,
            "state": state,
            "gate_open": state in policy.GUARDIAN_GATE_OPEN_STATES,
            "what_to_do": gate.what_to_do(state),
            "guardians": guardians,
            "exemptions": exemptions.order_by("-created_at"),
            "guardian_form": GuardianForm(),
            "paper_form": PaperFormForm() if policy.may_record_paper_form(user) else None,
            "exemption_form": ExemptionForm() if may_exempt else None,
        },
    )


@require_POST
@sensitive_post_parameters("name", "phone", "email")
def add_guardian(request, public_id):
    counselee = policy.get_counselee_for_guardians(request.user, public_id)
    form = GuardianForm(request.POST)
    if form.is_valid():
        services.add_guardian(counselee, by=request.user, **form.cleaned_data)
        messages.success(request, _("Wali ditambahkan."))
    else:
        messages.error(request, _("Periksa data wali: nama dan hubungan wajib diisi."))
    return redirect("guardians", counselee.public_id)


@require_POST
def send_link(request, public_id):
    guardian = policy.get_guardian_for(request.user, public_id)
    try:
        services.send_link(guardian, by=request.user)
    except ValidationError as error:
        _errors(request, error)
    else:
        messages.success(request, _("Tautan persetujuan sekali pakai dikirim ke e-mail wali."))
    return redirect("guardians", guardian.counselee.public_id)


@require_POST
def paper_form(request, public_id):
    guardian = policy.get_guardian_for(request.user, public_id)
    form = PaperFormForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Isi nomor formulir dan tanggal tanda tangan."))
        return redirect("guardians", guardian.counselee.public_id)
    try:
        services.record_paper_form(guardian, by=request.user, **form.cleaned_data)
    except ValidationError as error:
        _errors(request, error)
    else:
        messages.success(request, _("Formulir kertas wali tercatat."))
    return redirect("guardians", guardian.counselee.public_id)


@require_POST
def withdrawal(request, public_id):
    guardian = policy.get_guardian_for(request.user, public_id)
    services.record_withdrawal(guardian, by=request.user)
    messages.success(
        request,
        _(
            "Penarikan persetujuan wali tercatat. Catatan tetap disimpan; "
            "jalur krisis tetap terbuka."
        ),
    )
    return redirect("guardians", guardian.counselee.public_id)


@require_POST
@sensitive_post_parameters("detail")
def record_exemption(request, public_id):
    counselee = policy.get_counselee_for_guardians(request.user, public_id)
    form = ExemptionForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Pilih alasan dan tulis keterangannya."))
        return redirect("guardians", counselee.public_id)
    try:
        services.record_exemption(counselee, by=request.user, **form.cleaned_data)
    except ValidationError as error:
        _errors(request, error)
    else:
        messages.success(
            request,
            _("Pengecualian tercatat dan menunggu persetujuan koordinator BK atau admin."),
        )
    return redirect("guardians", counselee.public_id)


@require_GET
@policy.role_required(policy.Role.ADMIN, policy.Role.COUNSELOR)
def exemptions(request):
    rows = policy.exemptions_for(request.user).order_by("-created_at")[:200]
    return render(request, "guardians/exemptions.html", {"exemptions": rows})


@require_GET
def exemption_detail(request, public_id):
    user = request.user
    exemption = policy.get_exemption_for(user, public_id)
    detail = None
    if policy.may_read_exemption_detail(user, exemption):
        detail = services.read_exemption_detail(exemption, by=user)
    else:
        # An admin decides on the reason alone: her look is logged all the same.
        services.record_exemption_view(exemption, by=user)
    return render(
        request,
        "guardians/exemption.html",
        {
            "exemption": exemption,
            "detail": detail,
            "may_decide": policy.may_decide_exemption(user, exemption),
            "may_renew": policy.may_renew_exemption(user, exemption),
            "may_end": policy.may_end_exemption(user, exemption),
        },
    )


DECISIONS = {
    "approve": lambda exemption, by: services.decide_exemption(exemption, by=by, approve=True),
    "refuse": lambda exemption, by: services.decide_exemption(exemption, by=by, approve=False),
    "renew": lambda exemption, by: services.renew_exemption(exemption, by=by),
    "end": lambda exemption, by: services.end_exemption(exemption, by=by),
}


@require_POST
def exemption_decision(request, public_id, decision):
    if decision not in DECISIONS:
        raise Http404
    exemption = policy.get_exemption_for(request.user, public_id)
    DECISIONS[decision](exemption, request.user)
    messages.success(request, _("Keputusan tercatat."))
    return redirect("guardian-exemption", exemption.public_id)


# The guardian's one-time link.


def _claim_hash(value: str) -> str:
    return GuardianLink.hash_of("claim:" + value)


def _claimed_link(request, token: str) -> GuardianLink | None:
    """The valid link of `token`, claimed by this browser: the first browser to open it
    claims it, and any other browser is refused afterwards (a forwarded or intercepted
    link cannot be used by someone else)."""
    link = services.find_link(token)
    if link is None:
        return None
    nonce = request.session.get(CLAIM_SESSION_KEY)
    if not link.claim_hash:
        nonce = secrets.token_urlsafe(24)
        taken = (
            GuardianLink.objects.valid()
            .filter(pk=link.pk, claim_hash="")
            .update(claim_hash=_claim_hash(nonce))
        )
        if taken != 1:
            return None
        request.session[CLAIM_SESSION_KEY] = nonce
        link.claim_hash = _claim_hash(nonce)
        return link
    if nonce and secrets.compare_digest(link.claim_hash, _claim_hash(nonce)):
        return link
    return None


def _no_referrer(response):
    # The token is in this page's address: never sent to another site as a referrer.
    # ("no-referrer" would make the browser send "Origin: null" with the form, which
    # Django's CSRF check rightly refuses.)
    response["Referrer-Policy"] = "same-origin"
    return response


@login_not_required
@never_cache
@sensitive_post_parameters("typed_name")
@require_http_methods(["GET", "POST"])
def guardian_link(request, token):
    link = _claimed_link(request, token)
    if link is None:
        log.record(log.Action.DENIED, object_type="guardians.guardianlink")
        return _no_referrer(render(request, "guardians/link_invalid.html", status=404))
    document = link.document
    counselee = link.guardian.counselee
    shown_hash = rendering.text_hash(document.title, document.body)
    form = GuardianAcknowledgementForm(request.POST or None, initial={"shown_hash": shown_hash})
    if request.method == "POST" and form.is_valid():
        try:
            services.acknowledge_by_link(
                link,
                shown_hash=form.cleaned_data["shown_hash"],
                typed_name=form.cleaned_data["typed_name"],
                ip_address=client_ip(request),
                user_agent=request.META.get("HTTP_USER_AGENT", ""),
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            request.session.pop(CLAIM_SESSION_KEY, None)
            return _no_referrer(render(request, "guardians/link_done.html"))
    return _no_referrer(
        render(
            request,
            "guardians/link.html",
            {
                "form": form,
                "document": document,
                "body": rendering.render(document.body),
                "student_name": counselee.user.full_name,
                "basis_text": basis_text.for_guardian(policy.guardian_basis()),
                "expires_at": link.expires_at,
            },
        )
    )

"""Pages of referrals to professionals outside the school, and the letter."""

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from consent.models import Disclosure
from counseling import policy
from counseling.audit import log
from counseling.audit.decorators import shows_confidential
from counseling.policy import RecordAccess, Role
from counseling.records.models import Counselee
from counseling.referrals import external, letter
from counseling.referrals.models import ExternalReferral

LIMITS = [
    (value, label) for value, label in Disclosure.Reason.choices if value != "written_permission"
]


class ExternalReferralForm(forms.Form):
    recipient_kind = forms.ChoiceField(
        label=gettext_lazy("Dirujuk ke"),
        choices=ExternalReferral.RecipientKind.choices,
        widget=forms.RadioSelect,
    )
    recipient_name = forms.CharField(
        label=gettext_lazy("Nama lembaga atau profesional"),
        max_length=300,
        help_text=gettext_lazy("Tersimpan terenkripsi."),
    )
    include_class = forms.BooleanField(label=gettext_lazy("Cantumkan kelas"), required=False)
    include_date_of_birth = forms.BooleanField(
        label=gettext_lazy("Cantumkan tanggal lahir"), required=False
    )
    letter_text = forms.CharField(
        label=gettext_lazy("Isi surat"),
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text=gettext_lazy(
            "Hanya yang perlu diketahui penerima. Nama siswa selalu tercantum; catatan sesi "
            "tidak pernah ikut. Tersimpan terenkripsi."
        ),
    )
    basis = forms.ChoiceField(
        label=gettext_lazy("Dasar pengiriman"),
        choices=ExternalReferral.Basis.choices,
        widget=forms.RadioSelect,
        initial=ExternalReferral.Basis.CONSENT,
        help_text=gettext_lazy(
            "Dengan persetujuan: siswa membaca isi surat dan menyetujuinya dulu. Batas "
            "kerahasiaan: surat langsung dapat dikirim dan dicatat sebagai pengungkapan."
        ),
    )
    limit_reason = forms.ChoiceField(
        label=gettext_lazy("Batas kerahasiaan yang berlaku"),
        choices=[("", "---------"), *LIMITS],
        required=False,
    )


@sensitive_post_parameters("recipient_name", "letter_text")
@require_http_methods(["GET", "POST"])
@shows_confidential(policy.get_counselee_for_writing)
def external_referral_create(
    request: HttpRequest, counselee: Counselee, _access: RecordAccess
) -> HttpResponse:
    form = ExternalReferralForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            referral = external.make(counselee, by=request.user, **form.cleaned_data)  # type: ignore[arg-type]
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("Rujukan dicatat."))
            return redirect("external-referral-detail", public_id=referral.public_id)
    return render(request, "referrals/external_form.html", {"form": form, "counselee": counselee})


@require_GET
@shows_confidential(policy.get_external_referral_for)
def external_referral_detail(
    request: HttpRequest, referral: ExternalReferral, access: RecordAccess
) -> HttpResponse:
    user = request.user
    Status = ExternalReferral.Status
    moves = [
        (status, Status(status).label)
        for status in (Status.RECEIVED, Status.FEEDBACK_RECEIVED, Status.CLOSED)
        if policy.may_move_external_referral(user, referral, status)
    ]
    return render(
        request,
        "referrals/external_detail.html",
        {
            "referral": referral,
            "student_answers": policy.may_consent_to_external_referral(user, referral),
            "may_download": policy.may_download_letter(user, referral),
            "moves": moves,
        },
    )


@require_GET
@policy.role_required(Role.COUNSELOR)
def external_referral_letter(request: HttpRequest, public_id: str) -> HttpResponse:
    referral = policy.get_external_referral_for(request.user, public_id)
    if not policy.may_download_letter(request.user, referral):
        policy.deny_object(request.user, referral, referral.counselee)
    log.record(
        log.Action.EXPORT,
        actor=request.user,
        obj=referral,
        counselee=referral.counselee,
        purpose=policy.Purpose.CASELOAD,
    )
    response = HttpResponse(letter.render(referral), content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="rujukan-{referral.public_id}.pdf"'
    response["Cache-Control"] = "no-store"
    return response


@require_POST
@policy.role_required(Role.STUDENT)
def external_referral_answer(request: HttpRequest, public_id: str) -> HttpResponse:
    referral = policy.get_external_referral_for(request.user, public_id)
    accept = request.POST.get("answer") == "accept"
    external.answer(referral, by=request.user, accept=accept)  # type: ignore[arg-type]
    messages.success(
        request,
        _("Terima kasih. Guru BK-mu akan mengirim suratnya.")
        if accept
        else _("Surat tidak dikirim."),
    )
    return redirect("external-referral-detail", public_id=referral.public_id)


@sensitive_post_parameters("feedback")
@require_POST
@policy.role_required(Role.COUNSELOR)
def external_referral_move(request: HttpRequest, public_id: str) -> HttpResponse:
    referral = policy.get_external_referral_for(request.user, public_id)
    external.move(
        referral,
        by=request.user,  # type: ignore[arg-type]
        status=request.POST.get("status", ""),
        feedback=request.POST.get("feedback", ""),
    )
    return redirect("external-referral-detail", public_id=referral.public_id)


@require_GET
@policy.role_required(Role.ADMIN)
def external_referral_stats(request: HttpRequest) -> HttpResponse:
    """Counts by recipient and status: the admin's whole view of external referrals."""
    kinds = dict(ExternalReferral.RecipientKind.choices)
    statuses = dict(ExternalReferral.Status.choices)
    rows = [
        {
            "kind": kinds.get(row["recipient_kind"], row["recipient_kind"]),
            "status": statuses.get(row["status"], row["status"]),
            "count": row["count"],
        }
        for row in policy.external_referral_counts(request.user)
    ]
    return render(request, "referrals/external_stats.html", {"rows": rows})

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from consent import rendering, services
from consent.changes import changed_sections
from consent.forms import AcknowledgementForm, DisclosureForm
from counseling import policy
from counseling.audit.decorators import shows_confidential
from counseling.policy import Role
from sessions import cases


def _language():
    return "en" if get_language() == "en" else "id"


# Set when a student chooses "Nanti saja" on the consent page: for the rest of the
# login session they are not sent back to it before booking (consent is needed to start
# a session, not to book one).
CONSENT_LATER_KEY = "consent_later"


def safe_next(request, fallback="student-dashboard"):
    """The `next` page asked for in the request, if it is on this site; else `fallback`."""
    target = request.POST.get("next") or request.GET.get("next") or ""
    if url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return fallback


@require_http_methods(["GET", "POST"])
@policy.role_required(Role.STUDENT)
def consent_document(request):
    """The current consent document, and the student's acknowledgement of it."""
    document = services.current_document()
    if document is None:
        return render(request, "consent/no_document.html")
    title, body = document.text(_language())
    shown_hash = rendering.text_hash(title, body)
    form = AcknowledgementForm(
        request.POST or None, initial={"version": document.version, "text_hash": shown_hash}
    )
    if request.method == "POST" and form.is_valid():
        if form.cleaned_data["version"] != document.version:
            form.add_error(None, _("Dokumen ini sudah diganti versi baru. Bacalah versi terbaru."))
        else:
            try:
                services.acknowledge(
                    request.user,
                    document,
                    language=_language(),
                    shown_hash=form.cleaned_data["text_hash"],
                    typed_name=form.cleaned_data["typed_name"],
                )
            except ValidationError as error:
                form.add_error(None, error)
            else:
                messages.success(request, _("Terima kasih. Persetujuanmu sudah tersimpan."))
                return redirect(safe_next(request))
    valid = services.valid_acknowledgement(request.user)
    earlier = None if valid else services.latest_acknowledgement(request.user)
    changes = []
    if earlier is not None and earlier.document.version < document.version:
        changes = changed_sections(earlier.document.text(_language())[1], body)
    return render(
        request,
        "consent/document.html",
        {
            "earlier": earlier if changes else None,
            "changes": changes,
            "document": document,
            "title": title,
            "body": rendering.render(body),
            "form": form,
            "acknowledgement": valid,
            "next": safe_next(request, fallback=""),
        },
    )


@require_POST
@policy.role_required(Role.STUDENT)
def consent_later(request):
    """Go on without agreeing yet ("Nanti saja"), and stop being sent to the document."""
    request.session[CONSENT_LATER_KEY] = True
    return redirect(safe_next(request))


@require_http_methods(["GET", "POST"])
@policy.role_required(Role.STUDENT)
def withdraw_consent(request):
    if request.method == "POST":
        services.withdraw_consent(request.user, by=request.user)
        messages.success(
            request,
            _("Persetujuanmu sudah ditarik. Sesi tidak dapat dimulai sampai kamu menyetujui lagi."),
        )
        return redirect("student-dashboard")
    return render(request, "consent/withdraw_confirm.html")


@require_http_methods(["GET", "POST"])
@policy.role_required(Role.STUDENT)
def end_counseling(request):
    counselee = policy.own_counselee(request.user)
    if counselee is None:
        return redirect("student-dashboard")
    if request.method == "POST":
        cases.end_counseling(counselee, by=request.user)
        messages.success(
            request,
            _(
                "Konselingmu sudah diakhiri. Catatanmu tetap tersimpan dengan aman. "
                "Kamu boleh kembali kapan saja."
            ),
        )
        return redirect("student-dashboard")
    return render(request, "consent/end_confirm.html", {"counselee": counselee})


@require_POST
@shows_confidential(policy.get_counselee_for_writing)
def close_case(request, counselee, _access):
    cases.close_case(counselee, by=request.user)
    messages.success(
        request,
        _(
            "Kasus ditutup. Catatan tetap tersimpan; jadwal yang tersisa dibatalkan dan siswa "
            "diberi tahu."
        ),
    )
    return redirect("caseload")


@sensitive_post_parameters(
    "recipient_name", "recipient_institution", "what_was_shared", "not_informed_reason"
)
@require_http_methods(["GET", "POST"])
@shows_confidential(policy.get_counselee_for_writing)
def disclosure_create(request, counselee, _access):
    form = DisclosureForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            disclosure = services.record_disclosure(counselee, by=request.user, **form.cleaned_data)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("Pengungkapan dicatat. Admin sudah diberi tahu."))
            return redirect("disclosure-detail", public_id=disclosure.public_id)
    return render(request, "consent/disclosure_form.html", {"form": form, "counselee": counselee})


@require_GET
@shows_confidential(policy.get_disclosure_for)
def disclosure_detail(request, disclosure, access):
    may_write = access.write_counseling_data
    return render(
        request,
        "consent/disclosure_detail.html",
        {"disclosure": disclosure, "may_write": may_write},
    )


@require_POST
def disclosure_informed(request, public_id):
    disclosure = policy.get_disclosure_for(request.user, public_id)
    # Emergency access reads; it never changes anything: the service refuses it.
    services.mark_student_informed(disclosure, by=request.user)
    messages.success(request, _("Ditandai: siswa sudah diberi tahu."))
    return redirect("disclosure-detail", public_id=disclosure.public_id)

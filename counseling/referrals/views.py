"""Pages of alih tangan kasus: propose, list, read, and the two answers."""

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
from counseling.audit.decorators import shows_confidential
from counseling.encryption import encrypted_field_names
from counseling.policy import RecordAccess, Role
from counseling.records.models import Counselee
from counseling.referrals import services
from counseling.referrals.forms import ReferralForm
from counseling.referrals.models import ExternalReferral, Referral

Reason = Referral.Reason

# Why, told to the student in plain words (the counselor's own explanation is not hers).
REASONS_FOR_STUDENT = {
    Reason.BEYOND_COMPETENCE: gettext_lazy(
        "Guru BK-mu merasa ada konselor lain yang lebih mampu membantumu dalam hal ini."
    ),
    Reason.CONFLICT: gettext_lazy(
        "Guru BK-mu menemukan konflik kepentingan, sehingga sebaiknya orang lain yang "
        "mendampingimu."
    ),
    Reason.STUDENT_ASKED: gettext_lazy("Kamu sendiri yang memintanya."),
    Reason.WORKLOAD: gettext_lazy(
        "Guru BK-mu sedang mendampingi terlalu banyak siswa untuk bisa membantumu dengan baik."
    ),
    Reason.SPECIALIST: gettext_lazy(
        "Konselor lain punya keahlian khusus untuk hal yang sedang kamu hadapi."
    ),
    Reason.OTHER: gettext_lazy("Alasan lain. Kamu boleh menanyakannya kepada guru BK-mu."),
}


@sensitive_post_parameters("reason_text", "summary")
@require_http_methods(["GET", "POST"])
@shows_confidential(policy.get_counselee_for_writing)
def referral_create(
    request: HttpRequest, counselee: Counselee, _access: RecordAccess
) -> HttpResponse:
    user = request.user
    may_refer = policy.may_refer(user, counselee)
    form = ReferralForm(request.POST or None, user=user, counselee=counselee)  # type: ignore[arg-type]
    if request.method == "POST" and may_refer and form.is_valid():
        data = form.cleaned_data
        try:
            referral = services.propose(
                counselee,
                by=user,  # type: ignore[arg-type]
                to=data["to_counselor"],
                reason=data["reason"],
                reason_text=data["reason_text"],
                summary=data["summary"],
                scope=data["scope"],
                sessions=data["sessions"],
                disclosures=data["disclosures"],
                share_conversation=data.get("share_conversation", False),
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(
                request,
                _(
                    "Usulan alih tangan kasus terkirim kepada siswa. Tidak ada yang berpindah "
                    "sebelum siswa menyetujuinya."
                ),
            )
            return redirect("referral-detail", public_id=referral.public_id)
    return render(
        request,
        "referrals/referral_form.html",
        {"form": form, "counselee": counselee, "may_refer": may_refer},
    )


@require_GET
@policy.role_required(Role.STUDENT, Role.COUNSELOR)
def referral_list(request: HttpRequest) -> HttpResponse:
    referrals = policy.referrals_for(request.user).order_by("-created_at")
    # Kind and status only: the letters are read on their own pages.
    letters = (
        policy.external_referrals_for(request.user)
        .defer(*encrypted_field_names(ExternalReferral))
        .order_by("-created_at")
    )
    return render(
        request,
        "referrals/referral_list.html",
        {"referrals": referrals[:100], "letters": letters[:100]},
    )


@require_GET
@shows_confidential(policy.get_referral_for)
def referral_detail(request: HttpRequest, referral: Referral, access: RecordAccess) -> HttpResponse:
    user = request.user
    # A coordinator choosing a receiver reads who and why, not what is shared.
    handover = policy.may_read_handover(user, referral)
    notes = referral.shared_notes.select_related("session__counselor")
    sessions = sorted(
        {note.session.public_id: note.session for note in notes}.values(),
        key=lambda session: session.scheduled_start,
    )
    # Date and reason only: the details are read on the disclosure's own page.
    disclosures = referral.shared_disclosures.defer(*encrypted_field_names(Disclosure))
    conversation = referral.shared_conversation if handover else None
    return render(
        request,
        "referrals/referral_detail.html",
        {
            "referral": referral,
            "handover": handover,
            "sessions": sessions if handover else [],
            "disclosures": [
                {"disclosure": d, "readable": policy.disclosure_is_readable(user, d, access)}
                for d in disclosures.order_by("disclosed_at")
            ]
            if handover
            else [],
            "conversation": conversation,
            "conversation_link": conversation is not None
            and policy.conversation_access(user, conversation).read,
            "session_links": access.read_counseling_data,
            "reason_for_student": REASONS_FOR_STUDENT[Reason(referral.reason)],
            "student_answers": policy.may_answer_as_student(user, referral),
            "receiver_answers": policy.may_answer_as_receiver(user, referral),
            "may_withdraw": policy.may_withdraw_referral(user, referral),
            "receiver_choices": policy.change_receivers_for(referral)
            if policy.may_choose_receiver(user, referral)
            else None,
            "read_only_days": policy.READ_ONLY_DAYS,
        },
    )


@require_POST
@policy.role_required(Role.STUDENT)
def referral_student_answer(request: HttpRequest, public_id: str) -> HttpResponse:
    referral = policy.get_referral_for(request.user, public_id)
    accept = request.POST.get("answer") == "accept"
    services.answer_as_student(
        referral,
        by=request.user,  # type: ignore[arg-type]
        accept=accept,
        keep_sessions=request.POST.getlist("sessions") if accept else None,
        keep_disclosures=request.POST.getlist("disclosures") if accept else None,
        keep_conversation=accept and request.POST.get("conversation") == "keep",
    )
    if accept:
        messages.success(
            request,
            _(
                "Terima kasih. Konselor yang baru akan menjawab; hanya yang kamu setujui yang "
                "boleh dibacanya."
            ),
        )
    else:
        messages.success(request, _("Kamu menolak. Guru BK-mu tetap mendampingimu."))
    return redirect("referral-detail", public_id=referral.public_id)


@require_POST
@policy.role_required(Role.COUNSELOR)
def referral_receiver_answer(request: HttpRequest, public_id: str) -> HttpResponse:
    referral = policy.get_referral_for(request.user, public_id)
    accept = request.POST.get("answer") == "accept"
    services.answer_as_receiver(referral, by=request.user, accept=accept)  # type: ignore[arg-type]
    if accept:
        messages.success(request, _("Kasus diterima. Siswa kini ada dalam daftar kasus Anda."))
    else:
        messages.success(request, _("Alih tangan kasus ditolak. Konselor perujuk diberi tahu."))
        # Having declined, she reads no more of it: not its summary, not its reason.
        return redirect("referral-list")
    return redirect("referral-detail", public_id=referral.public_id)


@require_POST
@policy.role_required(Role.COUNSELOR)
def referral_withdraw(request: HttpRequest, public_id: str) -> HttpResponse:
    referral = policy.get_referral_for(request.user, public_id)
    services.withdraw(referral, by=request.user)  # type: ignore[arg-type]
    messages.success(request, _("Alih tangan kasus ditarik kembali."))
    return redirect("referral-detail", public_id=referral.public_id)


@require_POST
@policy.role_required(Role.STUDENT)
def ask_to_change(request: HttpRequest, public_id: str) -> HttpResponse:
    """ "Aku ingin ganti konselor": the coordinator will choose who takes over."""
    assignment = policy.get_changeable_assignment_for(request.user, public_id)
    referral = services.ask_to_change(assignment, by=request.user)  # type: ignore[arg-type]
    messages.success(
        request,
        _(
            "Permintaanmu terkirim ke koordinator BK. Ia akan memilih guru BK baru; kamu "
            "tetap memutuskan apa yang boleh dibacanya."
        ),
    )
    return redirect("referral-detail", public_id=referral.public_id)


@require_POST
@policy.role_required(Role.COUNSELOR)
def choose_receiver(request: HttpRequest, public_id: str) -> HttpResponse:
    referral = policy.get_referral_for(request.user, public_id)
    receiver = policy.change_receivers_for(referral).filter(
        pk=request.POST.get("to_counselor") or 0
    )
    chosen = receiver.first()
    if chosen is None:
        messages.error(request, _("Pilih konselor penerima dari daftar."))
        return redirect("referral-detail", public_id=referral.public_id)
    services.choose_receiver(referral, by=request.user, to=chosen)  # type: ignore[arg-type]
    messages.success(request, _("Siswa diminta memutuskan."))
    return redirect("referral-detail", public_id=referral.public_id)

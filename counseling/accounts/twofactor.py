"""Two-factor authentication for counselors and admins: TOTP, with recovery codes.

Enrolment needs a one-time link from the person's own e-mail (`enrolment`), opened
while signed in: the password alone, which an admin may have typed, does not enrol a
device. The link also replaces a lost device. Enrolment shows the QR code on our own
page (an SVG drawn here; the secret never leaves the server for a QR service). A code
is accepted once: django-otp refuses a TOTP step already used, and a recovery code is
deleted when it is used. The seed is stored encrypted and the recovery codes only as
hashes (counseling.accounts.second_factor).
"""

import qrcode
import qrcode.image.svg
from django.contrib import messages
from django.db import transaction
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_GET, require_http_methods
from django_otp import login as otp_login
from django_otp import match_token, user_has_device

from counseling import notices, policy
from counseling.accounts import enrolment
from counseling.accounts.forms import TokenForm
from counseling.accounts.second_factor import AuthenticatorDevice, RecoveryCodeDevice
from counseling.audit import log
from counseling.notices.models import Notice
from counseling.policy import Role

RECOVERY_CODES = 10


def _next_url(request):
    target = request.POST.get("next") or request.GET.get("next") or ""
    if url_has_allowed_host_and_scheme(target, {request.get_host()}, request.is_secure()):
        return target
    return "/"


def _qr_svg(url: str) -> str:
    image = qrcode.make(url, image_factory=qrcode.image.svg.SvgPathImage, box_size=10)
    return mark_safe(image.to_string(encoding="unicode"))  # noqa: S308 - drawn here


@transaction.atomic
def _enrol(user, device) -> list[str]:
    """Confirm the TOTP device in place of any earlier one; issue fresh recovery codes.

    Replacing a device that was enrolled is loud: logged as such, and the admins and the
    account's owner are told in their inboxes.
    """
    earlier = AuthenticatorDevice.objects.filter(user=user).exclude(pk=device.pk)
    replaced = earlier.filter(confirmed=True).exists()
    earlier.delete()
    device.confirmed = True
    device.save(update_fields=["confirmed"])
    RecoveryCodeDevice.objects.filter(user=user).delete()
    recovery = RecoveryCodeDevice.objects.create(user=user, name="recovery", confirmed=True)
    codes = recovery.issue(RECOVERY_CODES)
    log.record(
        log.Action.SECOND_FACTOR_REPLACED if replaced else log.Action.SECOND_FACTOR_ENROLLED,
        actor=user,
        obj=user,
    )
    if replaced:
        told = [*notices.admins().exclude(pk=user.pk), user]
        notices.notify_all(told, Notice.Kind.SECOND_FACTOR_REPLACED, about=user.pk)
    return codes


@sensitive_post_parameters("token")
@require_http_methods(["GET", "POST"])
@policy.role_required(Role.COUNSELOR, Role.ADMIN, Role.DPO)
def setup(request):
    user = request.user
    link = enrolment.claimed(request)
    if link is None:
        if user_has_device(user, confirmed=True):
            return redirect("two-factor-verify")
        return render(request, "accounts/enrolment_link_needed.html", status=403)
    device = AuthenticatorDevice.objects.filter(user=user, confirmed=False).first()
    if device is None:
        device = AuthenticatorDevice.objects.create(user=user, name="Amanah", confirmed=False)
    form = TokenForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        if device.verify_token(form.cleaned_data["token"]):
            # The link is used up with the enrolment, or not at all.
            with transaction.atomic():
                if not enrolment.complete(request, link):
                    return render(request, "accounts/enrolment_link_needed.html", status=403)
                codes = _enrol(user, device)
            otp_login(request, device)
            request.session.cycle_key()
            return render(request, "accounts/recovery_codes.html", {"codes": codes})
        form.add_error("token", _("Kode salah atau sudah kedaluwarsa. Masukkan kode terbaru."))
    return render(
        request,
        "accounts/two_factor_setup.html",
        {
            "form": form,
            "qr": _qr_svg(device.config_url),
            "secret": _grouped_secret(device),
        },
    )


@require_GET
def enrol_link(request, token):
    """The link from the e-mail, opened while signed in as its owner: on to the setup page.

    Anyone else, a student included, is refused by `claim`, which logs the refusal without
    the path: the token must not reach the access log.
    """
    if enrolment.claim(request, token) is None:
        return render(
            request, "accounts/enrolment_link_needed.html", {"link_invalid": True}, status=404
        )
    return redirect("two-factor-setup")


def _grouped_secret(device) -> str:
    import base64

    secret = base64.b32encode(device.bin_key).decode()
    return " ".join(secret[i : i + 4] for i in range(0, len(secret), 4))


@sensitive_post_parameters("token")
@require_http_methods(["GET", "POST"])
@policy.role_required(Role.COUNSELOR, Role.ADMIN, Role.DPO)
def verify(request):
    user = request.user
    if not user_has_device(user, confirmed=True):
        return redirect("two-factor-setup")
    if user.is_verified():
        return redirect(_next_url(request))
    form = TokenForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        device = match_token(user, form.cleaned_data["token"])
        if device is not None:
            otp_login(request, device)
            request.session.cycle_key()
            if isinstance(device, RecoveryCodeDevice):
                left = device.codes.count()
                messages.warning(
                    request,
                    _("Kode pemulihan dipakai. Sisa %(count)d kode.") % {"count": left},
                )
            return redirect(_next_url(request))
        log.record(log.Action.LOGIN_FAILED, actor=user, obj=user)
        form.add_error(
            "token", _("Kode salah atau sudah dipakai. Masukkan kode baru dari aplikasi Anda.")
        )
    return render(
        request, "accounts/two_factor_verify.html", {"form": form, "next": _next_url(request)}
    )

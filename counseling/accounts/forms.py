from django import forms
from django.conf import settings
from django.contrib.auth.forms import AuthenticationForm, SetPasswordForm
from django.utils.translation import gettext_lazy as _

from counseling.accounts import lockout
from counseling.audit import context


class LoginForm(AuthenticationForm):
    """Django's login form, with every password counted by the lockout before it is
    evaluated (`counseling.accounts.lockout`)."""

    error_messages = {
        **AuthenticationForm.error_messages,
        "invalid_login": _("Nama pengguna atau kata sandi salah. Periksa lalu coba lagi."),
        "locked_out": _(
            "Terlalu banyak percobaan masuk yang gagal. Tunggu %(minutes)d menit lalu coba "
            "lagi, atau minta bantuan guru BK atau admin sekolah."
        ),
    }

    def clean(self):
        username = self.cleaned_data.get("username")
        if not username or not self.cleaned_data.get("password"):
            return super().clean()
        try:
            attempt = lockout.begin(
                username,
                context.current().ip_address,
                lockout.device_for(self.request, username),
            )
        except lockout.LockedOut:
            minutes = int(settings.AMANAH_LOCKOUT_WINDOW.total_seconds() // 60)
            raise forms.ValidationError(
                self.error_messages["locked_out"], code="locked_out", params={"minutes": minutes}
            ) from None
        try:
            cleaned = super().clean()
        except forms.ValidationError:
            lockout.failed(attempt, account=self._account(username))
            raise
        lockout.succeeded(attempt)
        return cleaned

    @staticmethod
    def _account(username):
        from counseling.accounts.models import User

        return User.objects.filter(username=username).first()


class TokenForm(forms.Form):
    token = forms.CharField(
        label=_("Kode verifikasi"),
        # A six-digit code, or a recovery code such as abcd-efgh-ijkl-mnop.
        max_length=24,
        widget=forms.TextInput(
            attrs={"autocomplete": "one-time-code", "inputmode": "numeric", "autofocus": True}
        ),
    )

    def clean_token(self):
        return self.cleaned_data["token"].replace(" ", "").strip()


class ChoosePasswordForm(SetPasswordForm):
    """The account's own password, in place of the temporary one an admin set."""

    def clean_new_password1(self):
        password = self.cleaned_data["new_password1"]
        if self.user.check_password(password):
            raise forms.ValidationError(
                _("Pilih kata sandi baru, bukan kata sandi sementara dari admin."),
                code="password_unchanged",
            )
        return password

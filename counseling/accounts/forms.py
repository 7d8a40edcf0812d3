from django import forms
from django.contrib.auth.forms import AuthenticationForm
from django.utils.translation import gettext_lazy as _

from counseling.accounts import lockout
from counseling.audit import context


class LoginForm(AuthenticationForm):
    """Django's login form, refusing while the typed name or the address is locked out."""

    error_messages = {
        **AuthenticationForm.error_messages,
        "invalid_login": _("Nama pengguna atau kata sandi salah. Periksa lalu coba lagi."),
        "locked_out": _(
            "Terlalu banyak percobaan masuk yang gagal. Tunggu 15 menit lalu coba lagi, atau "
            "minta bantuan guru BK atau admin sekolah."
        ),
    }

    def clean(self):
        username = self.cleaned_data.get("username") or ""
        if lockout.is_locked(username, context.current().ip_address):
            raise forms.ValidationError(self.error_messages["locked_out"], code="locked_out")
        return super().clean()


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

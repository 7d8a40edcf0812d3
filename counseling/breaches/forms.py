import datetime

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from counseling import policy
from counseling.breaches.models import Breach

# Shown under each free-text field: the text is about the incident and goes into the
# letters as written, so it must not become a record about a student.
NO_STUDENT_CONTENT = _(
    "Tulis tentang kejadiannya saja. Jangan menulis nama siswa atau apa yang diceritakan "
    "siswa: teks ini masuk ke surat pemberitahuan apa adanya."
)

Scope = Breach.Scope


def _moment(label):
    return forms.DateTimeField(
        label=label,
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
        input_formats=["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M"],
    )


def _text(label, help_text=NO_STUDENT_CONTENT):
    return forms.CharField(
        label=label,
        max_length=4000,
        strip=True,
        help_text=help_text,
        widget=forms.Textarea(attrs={"rows": 4}),
    )


class BreachForm(forms.Form):
    """A suspected breach: what happened, how it was found, when, and through what."""

    description = _text(_("Apa yang terjadi"))
    how_found = _text(_("Bagaimana diketahui"))
    handling = _text(_("Penanganan dan pemulihan yang sudah dan akan dilakukan"))
    occurred_from = _moment(_("Terjadi sejak"))
    occurred_to = _moment(_("Terjadi sampai"))
    approximate = forms.BooleanField(label=_("Waktunya perkiraan"), required=False)
    discovered_at = _moment(_("Diketahui pada"))
    scope = forms.ChoiceField(
        label=_("Cakupan"), choices=Scope.choices, widget=forms.RadioSelect, initial=Scope.ACCOUNT
    )
    account = forms.CharField(
        label=_("Nama pengguna akun (untuk cakupan satu akun)"),
        max_length=150,
        required=False,
        strip=True,
    )
    nis = forms.CharField(
        label=_("NIS siswa (untuk cakupan satu catatan)"), max_length=20, required=False, strip=True
    )
    object_type = forms.CharField(
        label=_("Atau jenis objek di log akses (misalnya counseling_sessions.sessionnote)"),
        max_length=64,
        required=False,
        strip=True,
    )
    object_id = forms.CharField(
        label=_("dan id objeknya di log akses"), max_length=64, required=False, strip=True
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user

    def clean_discovered_at(self):
        value = self.cleaned_data["discovered_at"]
        if value > timezone.now():
            raise forms.ValidationError(_("Waktu diketahui tidak boleh di masa depan."))
        return value

    def clean_occurred_to(self):
        # The form is precise to the minute: "until 10:30" means to the end of 10:30.
        value = self.cleaned_data["occurred_to"]
        return value + datetime.timedelta(seconds=59, microseconds=999999)

    def clean(self):
        data = super().clean()
        start, end = data.get("occurred_from"), data.get("occurred_to")
        if start and end and start > end:
            self.add_error("occurred_to", _("Waktu selesai harus setelah waktu mulai."))
        scope = data.get("scope")
        data["scope_account"] = data["scope_counselee"] = None
        if scope == Scope.ACCOUNT:
            data["scope_account"] = policy.breach_scope_account(self.user, data.get("account", ""))
            if data["scope_account"] is None:
                self.add_error("account", _("Tidak ada akun dengan nama pengguna ini."))
        elif scope == Scope.RECORD:
            if data.get("nis"):
                data["scope_counselee"] = policy.breach_scope_counselee(self.user, data["nis"])
                if data["scope_counselee"] is None:
                    self.add_error("nis", _("Tidak ada siswa dengan NIS ini."))
            elif not (data.get("object_type") and data.get("object_id")):
                self.add_error(
                    "nis", _("Isi NIS siswa, atau jenis dan id objek seperti di log akses.")
                )
        return data

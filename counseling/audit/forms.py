import datetime

from django import forms
from django.conf import settings
from django.contrib.auth import authenticate
from django.utils.translation import gettext_lazy as _

from counseling import policy
from counseling.accounts import lockout
from counseling.audit import context
from counseling.audit.models import AccessEvent

EARLIEST_DATE = datetime.date(2000, 1, 1)
LATEST_DATE = datetime.date(2100, 12, 31)

FLAGS = [
    ("", _("Semua")),
    ("flagged", _("Semua yang ditandai")),
    ("emergency", _("Akses darurat")),
    ("denied", _("Ditolak")),
    ("disclose", _("Pembukaan kerahasiaan")),
    ("after_hours", _("Di luar jam sekolah")),
]


def plausible_date(value):
    if not (EARLIEST_DATE <= value <= LATEST_DATE):
        raise forms.ValidationError(
            _("Pilih tanggal antara tahun %(first)s dan %(last)s.")
            % {"first": EARLIEST_DATE.year, "last": LATEST_DATE.year}
        )


class AuditFilterForm(forms.Form):
    nis = forms.CharField(label=_("NIS konseli"), max_length=20, required=False)
    actor = forms.CharField(
        label=_("Pelaku (nama atau nama pengguna)"), max_length=150, required=False
    )
    action = forms.ChoiceField(
        label=_("Tindakan"), choices=[("", _("Semua")), *AccessEvent.Action.choices], required=False
    )
    flag = forms.ChoiceField(label=_("Tanda"), choices=FLAGS, required=False)
    date_from = forms.DateField(
        label=_("Dari tanggal"), required=False, validators=[plausible_date]
    )
    date_to = forms.DateField(
        label=_("Sampai tanggal"), required=False, validators=[plausible_date]
    )

    def clean(self):
        cleaned = super().clean()
        start, end = cleaned.get("date_from"), cleaned.get("date_to")
        if start and end and start > end:
            raise forms.ValidationError(_("Tanggal awal harus sebelum tanggal akhir."))
        return cleaned


class EmergencyAccessForm(forms.Form):
    nis = forms.CharField(label=_("NIS siswa"), max_length=20)
    justification = forms.CharField(
        label=_("Alasan darurat"),
        widget=forms.Textarea(attrs={"rows": 4}),
        max_length=2000,
        help_text=_(
            "Minimal 20 karakter. Tulis mengapa Anda perlu membuka catatan ini sekarang, "
            "tanpa menyalin isi konseling. Siswa dan admin dapat membaca alasan ini."
        ),
    )
    password = forms.CharField(label=_("Kata sandi Anda"), widget=forms.PasswordInput)

    def __init__(self, *args, user, request=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
        self.request = request

    def clean_nis(self):
        self.counselee = policy.find_student_by_nis(self.user, self.cleaned_data["nis"])
        if self.counselee is None:
            raise forms.ValidationError(_("Tidak ada siswa dengan NIS ini."))
        return self.cleaned_data["nis"]

    def clean_password(self):
        """The password again, counted by the same lockout as the login form."""
        password = self.cleaned_data["password"]
        username = self.user.get_username()
        try:
            attempt = lockout.begin(
                username, context.current().ip_address, lockout.device_for(self.request, username)
            )
        except lockout.LockedOut:
            raise forms.ValidationError(
                _(
                    "Terlalu banyak kata sandi salah. Tunggu %(minutes)d menit lalu coba lagi, "
                    "atau minta admin sekolah membuka kunci akun Anda."
                )
                % {"minutes": int(settings.AMANAH_LOCKOUT_WINDOW.total_seconds() // 60)}
            ) from None
        if authenticate(username=username, password=password) != self.user:
            lockout.failed(attempt, account=self.user)
            raise forms.ValidationError(_("Kata sandi salah. Masukkan kata sandi akun Anda."))
        lockout.succeeded(attempt)
        return password


class EmergencyReviewForm(forms.Form):
    comment = forms.CharField(
        label=_("Komentar peninjauan"), widget=forms.Textarea(attrs={"rows": 3}), max_length=2000
    )

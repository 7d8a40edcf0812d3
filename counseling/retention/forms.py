from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from counseling import policy
from counseling.records.models import Counselee
from counseling.retention.models import SchoolStatus


def _status_field():
    return forms.ChoiceField(label=_("Status"), choices=SchoolStatus.Status.choices)


def _since_field():
    return forms.DateField(
        label=_("Tanggal"),
        initial=timezone.localdate,
        widget=forms.DateInput(attrs={"type": "date"}),
    )


class ClassStatusForm(forms.Form):
    """The end of the school year: a whole class graduates (or moves on) at once."""

    class_name = forms.CharField(label=_("Kelas"), max_length=20, strip=True)
    status = _status_field()
    since = _since_field()

    def clean_class_name(self):
        name = self.cleaned_data["class_name"]
        if not Counselee.objects.filter(class_name=name).exists():
            raise forms.ValidationError(_("Tidak ada siswa di kelas ini."))
        return name


class _ByNis(forms.Form):
    nis = forms.CharField(label=_("NIS siswa"), max_length=20, strip=True)

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user

    def clean_nis(self):
        nis = self.cleaned_data["nis"]
        self.counselee = (
            policy.counselees_for(self.user)
            .filter(nis=nis)
            .defer("guardian_name", "guardian_phone", "background_notes")
            .first()
        )
        if self.counselee is None:
            raise forms.ValidationError(_("Tidak ada siswa dengan NIS ini yang dapat Anda pilih."))
        return nis


class StudentStatusForm(_ByNis):
    status = _status_field()
    since = _since_field()


class LegalHoldForm(_ByNis):
    reason = forms.CharField(
        label=_("Alasan (perkara di polisi atau pengadilan)"),
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=2000,
        strip=True,
    )

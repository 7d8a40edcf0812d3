from django import forms
from django.utils.translation import gettext_lazy as _

from counseling import policy
from counseling.records.models import ConflictOfInterest


class CaseloadSearchForm(forms.Form):
    q = forms.CharField(
        label=_("Cari nama, NIS atau kelas"), max_length=100, required=False, strip=True
    )


class ConflictDeclarationForm(forms.Form):
    nis = forms.CharField(label=_("NIS siswa"), max_length=20, strip=True)
    relation = forms.ChoiceField(label=_("Hubungan"), choices=ConflictOfInterest.Relation.choices)

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user

    def clean_nis(self):
        nis = self.cleaned_data["nis"]
        self.counselee = policy.find_student_by_nis(self.user, nis)
        if self.counselee is None:
            raise forms.ValidationError(
                _("Tidak ada siswa dengan NIS ini. Periksa kembali NIS pada kartu pelajar.")
            )
        return nis

from django import forms
from django.utils.translation import gettext_lazy as _

from counseling.records.models import ConflictOfInterest, Counselee


class CaseloadSearchForm(forms.Form):
    q = forms.CharField(
        label=_("Cari nama, NIS atau kelas"), max_length=100, required=False, strip=True
    )


class ConflictDeclarationForm(forms.Form):
    nis = forms.CharField(label=_("NIS siswa"), max_length=20, strip=True)
    relation = forms.ChoiceField(label=_("Hubungan"), choices=ConflictOfInterest.Relation.choices)

    def clean_nis(self):
        nis = self.cleaned_data["nis"]
        try:
            self.counselee = Counselee.objects.get(nis=nis)
        except Counselee.DoesNotExist:
            raise forms.ValidationError(
                _("Tidak ada siswa dengan NIS ini. Periksa kembali NIS pada kartu pelajar.")
            ) from None
        return nis

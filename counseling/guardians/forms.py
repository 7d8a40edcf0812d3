from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from counseling.guardians.models import Guardian, GuardianExemption


class GuardianForm(forms.Form):
    name = forms.CharField(label=_("Nama wali"), max_length=150)
    relation = forms.ChoiceField(
        label=_("Hubungan dengan siswa"), choices=Guardian.Relation.choices
    )
    phone = forms.CharField(label=_("Telepon"), max_length=30, required=False)
    email = forms.EmailField(label=_("E-mail"), max_length=254, required=False)


class PaperFormForm(forms.Form):
    form_number = forms.CharField(label=_("Nomor formulir"), max_length=40)
    signed_on = forms.DateField(
        label=_("Tanggal tanda tangan"),
        initial=timezone.localdate,
        widget=forms.DateInput(attrs={"type": "date"}),
    )


class ExemptionForm(forms.Form):
    reason = forms.ChoiceField(label=_("Alasan"), choices=GuardianExemption.Reason.choices)
    detail = forms.CharField(
        label=_("Keterangan (rahasia, terenkripsi)"),
        widget=forms.Textarea(attrs={"rows": 4}),
        max_length=4000,
    )


class GuardianAcknowledgementForm(forms.Form):
    shown_hash = forms.CharField(widget=forms.HiddenInput)
    typed_name = forms.CharField(label=_("Nama lengkap Anda"), max_length=150)
    agree = forms.BooleanField(
        label=_("Saya sudah membaca dokumen ini dan menyetujuinya sebagai wali siswa."),
        required=True,
    )

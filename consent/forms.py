import datetime

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from consent.models import Disclosure


class AcknowledgementForm(forms.Form):
    understood = forms.BooleanField(
        label=_("Aku sudah membaca dan memahami persetujuan dan batas kerahasiaan ini."),
        error_messages={"required": _("Centang kotak ini bila kamu sudah memahaminya.")},
    )
    typed_name = forms.CharField(
        label=_("Ketik nama lengkapmu"),
        max_length=150,
        error_messages={"required": _("Ketik nama lengkapmu sebagai tanda persetujuan.")},
    )
    version = forms.IntegerField(widget=forms.HiddenInput)
    text_hash = forms.CharField(widget=forms.HiddenInput, max_length=64)


class DisclosureForm(forms.ModelForm):
    class Meta:
        model = Disclosure
        fields = [
            "reason",
            "recipient_name",
            "recipient_role",
            "recipient_role_detail",
            "recipient_institution",
            "what_was_shared",
            "disclosed_at",
            "student_informed",
            "not_informed_reason",
        ]
        widgets = {
            "reason": forms.RadioSelect,
            "disclosed_at": forms.DateTimeInput(attrs={"type": "datetime-local"}),
            "what_was_shared": forms.Textarea(attrs={"rows": 4}),
            "not_informed_reason": forms.Textarea(attrs={"rows": 2}),
        }
        help_texts = {
            "recipient_role_detail": _(
                "Bila perlu: jabatan atau unitnya, misalnya Unit PPA Polres. Tersimpan "
                "terenkripsi. Wajib bila Anda memilih Lainnya."
            ),
            "what_was_shared": _("Hanya yang perlu disampaikan. Tersimpan terenkripsi."),
            "not_informed_reason": _(
                "Wajib bila siswa belum diberi tahu. Amanah akan mengingatkan Anda 7 hari lagi."
            ),
        }

    def clean_disclosed_at(self):
        moment = self.cleaned_data["disclosed_at"]
        now = timezone.now()
        if moment > now + datetime.timedelta(minutes=5):
            raise forms.ValidationError(_("Waktu pengungkapan tidak boleh di masa depan."))
        if moment < now - datetime.timedelta(days=365):
            raise forms.ValidationError(
                _("Waktu pengungkapan lebih dari setahun lalu. Periksa tanggalnya.")
            )
        return moment

    def clean(self):
        cleaned = super().clean()
        if (
            cleaned.get("recipient_role") == Disclosure.RecipientRole.OTHER
            and not (cleaned.get("recipient_role_detail") or "").strip()
        ):
            self.add_error("recipient_role_detail", _("Sebutkan peran penerima."))
        if not cleaned.get("student_informed") and not cleaned.get("not_informed_reason", ""):
            self.add_error(
                "not_informed_reason", _("Jelaskan mengapa siswa belum dapat diberi tahu.")
            )
        return cleaned

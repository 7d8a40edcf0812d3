"""The forms of "Data saya" (one per kind of request) and the DPO's decision."""

import json

from django import forms
from django.utils import formats
from django.utils.translation import gettext_lazy as _

from counseling.rights.models import DataRequest

Kind = DataRequest.Kind

READ_BY = _("Yang kamu tulis di sini dibaca petugas pelindungan data dan guru BK-mu.")


def _details(required: bool, label, help_text=READ_BY) -> forms.CharField:
    return forms.CharField(
        label=label,
        required=required,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=help_text,
    )


class CopyRequestForm(forms.Form):
    details = _details(False, _("Ada yang khusus kamu perlukan? (boleh dikosongkan)"))


class DirectoryCorrectionForm(forms.Form):
    """Her name, class or e-mail as they should be; at least one of them."""

    full_name = forms.CharField(label=_("Nama yang benar"), max_length=150, required=False)
    class_name = forms.CharField(label=_("Kelas yang benar"), max_length=20, required=False)
    email = forms.EmailField(label=_("Alamat e-mail yang benar"), required=False)
    details = _details(False, _("Apa yang salah? (boleh dikosongkan)"))

    def clean(self):
        cleaned = super().clean()
        if not any(cleaned.get(name) for name in ("full_name", "class_name", "email")):
            raise forms.ValidationError(_("Isi paling sedikit satu data yang harus diperbaiki."))
        return cleaned

    def proposed(self) -> str:
        values = {
            name: self.cleaned_data[name].strip()
            for name in ("full_name", "class_name", "email")
            if self.cleaned_data.get(name)
        }
        return json.dumps(values, ensure_ascii=False)


class NoteViewForm(forms.Form):
    """Her view beside a note of one of her sessions, chosen by its date."""

    note = forms.ChoiceField(label=_("Catatan sesi tanggal"))
    view = forms.CharField(
        label=_("Pandanganmu"),
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text=_(
            "Ditambahkan di samping catatan guru BK, dengan namamu dan tanggal hari ini. "
            "Catatan aslinya tidak diubah."
        ),
    )

    def __init__(self, *args, notes, **kwargs):
        super().__init__(*args, **kwargs)
        self.notes = {str(note.public_id): note for note in notes}
        self.fields["note"].choices = [
            (key, formats.date_format(note.session.scheduled_start, "j F Y"))
            for key, note in self.notes.items()
        ]

    def clean_note(self):
        return self.notes[self.cleaned_data["note"]]


class ErasureRequestForm(forms.Form):
    details = _details(False, _("Mengapa kamu ingin datamu dihapus? (boleh dikosongkan)"))
    understood = forms.BooleanField(
        label=_(
            "Aku mengerti: bila dikabulkan, semua catatan konselingku dihapus untuk selamanya "
            "dan akunku di Amanah ditutup. Mintalah salinan dulu bila kamu ingin menyimpannya."
        )
    )


class RestrictionRequestForm(forms.Form):
    details = _details(False, _("Mengapa kamu ingin pemrosesan dibatasi? (boleh dikosongkan)"))


class ObjectionForm(forms.Form):
    details = _details(True, _("Apa keberatanmu?"))


FORMS = {
    Kind.COPY: CopyRequestForm,
    Kind.CORRECTION: DirectoryCorrectionForm,
    Kind.ERASURE: ErasureRequestForm,
    Kind.RESTRICTION: RestrictionRequestForm,
    Kind.OBJECTION: ObjectionForm,
}


class DecisionForm(forms.Form):
    GRANT, REFUSE = "grant", "refuse"

    decision = forms.ChoiceField(
        label=_("Keputusan"),
        choices=[(GRANT, _("Kabulkan")), (REFUSE, _("Tolak"))],
        widget=forms.RadioSelect,
    )
    ground = forms.ChoiceField(
        label=_("Dasar penolakan"),
        choices=[("", "—"), *DataRequest.Ground.choices],
        required=False,
    )
    answer = forms.CharField(
        label=_("Penjelasan untuk siswa"),
        max_length=2000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("Dibaca siswa. Jangan menulis isi konseling di sini."),
    )

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("decision") == self.REFUSE and not cleaned.get("ground"):
            self.add_error("ground", _("Pilih dasar penolakan: siswa berhak tahu alasannya."))
        return cleaned

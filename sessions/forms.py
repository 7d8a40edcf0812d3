from django import forms
from django.utils.translation import gettext_lazy as _

from sessions.models import CounselingSession


class WalkInSessionForm(forms.Form):
    mode = forms.ChoiceField(
        label=_("Bentuk"),
        choices=CounselingSession.Mode.choices,
        initial=CounselingSession.Mode.FACE_TO_FACE,
    )
    place = forms.CharField(
        label=_("Tempat"), max_length=100, required=False, initial=_("Ruang BK"), strip=True
    )
    minutes = forms.IntegerField(
        label=_("Perkiraan lama (menit)"), min_value=10, max_value=180, initial=45
    )


class NoteForm(forms.Form):
    presenting_concern = forms.CharField(
        label=_("Masalah yang disampaikan"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    what_was_done = forms.CharField(
        label=_("Yang dilakukan dalam sesi"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    agreed_follow_up = forms.CharField(
        label=_("Tindak lanjut yang disepakati"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    body = forms.CharField(
        label=_("Catatan lain"), required=False, widget=forms.Textarea(attrs={"rows": 5})
    )

    def clean(self):
        cleaned = super().clean()
        if not any(cleaned.get(name) for name in self.fields):
            raise forms.ValidationError(_("Catatan kosong. Isi setidaknya satu bagian."))
        return cleaned

    @classmethod
    def for_note(cls, note, **kwargs):
        return cls(initial={name: getattr(note, name) for name in cls.base_fields}, **kwargs)


class AddendumForm(forms.Form):
    body = forms.CharField(label=_("Adendum"), widget=forms.Textarea(attrs={"rows": 3}))

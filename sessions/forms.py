import datetime

from django import forms
from django.utils import formats, timezone
from django.utils.translation import gettext_lazy as _

from sessions.models import AvailabilityRule, Booking, CounselingSession, SlotLength


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


class BookingForm(forms.Form):
    topic = forms.CharField(
        label=_("Yang ingin kamu ceritakan (boleh dikosongkan)"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_(
            "Hanya dibaca oleh guru BK yang kamu pilih, dan disimpan dalam bentuk terenkripsi."
        ),
    )
    urgent = forms.BooleanField(label=_("Mendesak: aku perlu bicara secepatnya"), required=False)


class DeclineForm(forms.Form):
    """The reason, chosen by the counselor (none is preselected), and maybe another time.

    `slots` are the counselor's free slots; offering one does not reserve it: the student
    books it if it is still free.
    """

    # "No longer your counselor" is given by Amanah when an assignment ends, not chosen.
    reason = forms.ChoiceField(
        label=_("Alasan penolakan"),
        widget=forms.RadioSelect,
        choices=[
            choice
            for choice in Booking.DeclineReason.choices
            if choice[0] != Booking.DeclineReason.COUNSELOR_CHANGED
        ],
        error_messages={
            "required": _("Pilih alasan penolakan."),
            "invalid_choice": _("Pilih alasan dari daftar."),
        },
    )
    offer = forms.ChoiceField(
        label=_("Tawarkan waktu lain (boleh tidak)"),
        required=False,
        error_messages={"invalid_choice": _("Waktu itu sudah tidak kosong. Pilih waktu lain.")},
    )

    def __init__(self, *args, slots=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.slots = {slot.key: slot for slot in slots}
        self.fields["offer"].choices = [("", _("Tidak menawarkan waktu lain"))] + [
            (key, formats.date_format(timezone.localtime(slot.start), "l, j F Y, H:i"))
            for key, slot in self.slots.items()
        ]

    def clean_offer(self):
        key = self.cleaned_data["offer"]
        return self.slots[key].start if key else None


class _HoursForm(forms.Form):
    start_time = forms.TimeField(
        label=_("Jam mulai"), widget=forms.TimeInput(attrs={"type": "time"}, format="%H:%M")
    )
    end_time = forms.TimeField(
        label=_("Jam selesai"), widget=forms.TimeInput(attrs={"type": "time"}, format="%H:%M")
    )
    slot_minutes = forms.TypedChoiceField(
        label=_("Lama sesi"), choices=SlotLength.choices, coerce=int, initial=45
    )
    buffer_minutes = forms.IntegerField(
        label=_("Jeda antar sesi (menit)"), min_value=0, max_value=60, initial=15
    )
    mode = forms.ChoiceField(
        label=_("Bentuk"),
        choices=CounselingSession.Mode.choices,
        initial=CounselingSession.Mode.FACE_TO_FACE,
    )
    place = forms.CharField(label=_("Tempat"), max_length=100, required=False)

    def clean(self):
        cleaned = super().clean()
        start, end = cleaned.get("start_time"), cleaned.get("end_time")
        if start and end and end <= start:
            raise forms.ValidationError(_("Jam selesai harus setelah jam mulai."))
        return cleaned


class WeeklyHoursForm(_HoursForm):
    weekday = forms.TypedChoiceField(
        label=_("Hari"), choices=AvailabilityRule.Weekday.choices, coerce=int
    )
    field_order = ["weekday"]


def upcoming_date(value):
    """Hours and days off are for the coming year: earlier or later dates are typing slips."""
    today = timezone.localdate()
    if not today <= value <= today + datetime.timedelta(days=366):
        raise forms.ValidationError(_("Pilih tanggal antara hari ini dan setahun ke depan."))


class DatedHoursForm(_HoursForm):
    date = forms.DateField(
        label=_("Tanggal"),
        widget=forms.DateInput(attrs={"type": "date"}),
        validators=[upcoming_date],
    )
    field_order = ["date"]


class DayOffForm(forms.Form):
    date = forms.DateField(
        label=_("Tanggal"),
        widget=forms.DateInput(attrs={"type": "date"}),
        validators=[upcoming_date],
    )

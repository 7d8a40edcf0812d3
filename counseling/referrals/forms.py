import datetime

from django import forms
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext_lazy as _

from counseling import policy
from counseling.accounts.models import User
from counseling.records.models import Counselee
from counseling.referrals.models import Referral


class ReceiverChoiceField(forms.ModelChoiceField):  # type: ignore[type-arg]
    def label_from_instance(self, obj: User) -> str:
        if policy.is_coordinator(obj):
            return str(_("%(name)s (koordinator BK)") % {"name": obj.full_name})
        return obj.full_name


class ReferralForm(forms.Form):
    """The referring counselor's proposal: to whom, why, and what the receiver may read."""

    to_counselor = ReceiverChoiceField(
        label=_("Konselor penerima"),
        queryset=User.objects.none(),
        help_text=_(
            "Konselor yang menyatakan konflik kepentingan dengan siswa ini tidak tercantum."
        ),
    )
    reason = forms.ChoiceField(
        label=_("Alasan"), choices=Referral.Reason.choices, widget=forms.RadioSelect
    )
    reason_text = forms.CharField(
        label=_("Penjelasan alasan"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Untuk konselor penerima saja. Tersimpan terenkripsi."),
    )
    summary = forms.CharField(
        label=_("Ringkasan serah terima"),
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text=_(
            "Siswa membaca ringkasan ini sebelum menyetujui. Hanya yang perlu diketahui "
            "konselor penerima. Tersimpan terenkripsi."
        ),
    )
    scope = forms.ChoiceField(
        label=_("Yang boleh dibaca konselor penerima"),
        choices=Referral.Scope.choices,
        widget=forms.RadioSelect,
        initial=Referral.Scope.SUMMARY,
        help_text=_("Draf catatan tidak pernah ikut. Siswa dapat mempersempitnya."),
    )
    sessions = forms.MultipleChoiceField(
        label=_("Sesi yang dipilih"), required=False, widget=forms.CheckboxSelectMultiple
    )
    disclosures = forms.MultipleChoiceField(
        label=_("Pengungkapan yang dipilih"), required=False, widget=forms.CheckboxSelectMultiple
    )
    share_conversation = forms.BooleanField(
        label=_("Bagikan juga percakapan daring Anda dengan siswa"),
        required=False,
        help_text=_(
            "Konselor penerima membacanya tanpa bisa membalas, hanya pesan sampai siswa "
            "menyetujui. Siswa dapat menghapus centangnya."
        ),
    )

    def __init__(self, *args: object, user: User, counselee: Counselee, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        receiver = self.fields["to_counselor"]
        assert isinstance(receiver, ReceiverChoiceField)
        receiver.queryset = policy.receivers_for(user, counselee)
        if policy.shareable_conversation(user, counselee) is None:
            del self.fields["share_conversation"]
        notes = policy.shareable_notes(user, counselee).select_related("session")
        sessions = {note.session.public_id: note.session for note in notes}.values()
        session_field = self.fields["sessions"]
        disclosure_field = self.fields["disclosures"]
        assert isinstance(session_field, forms.MultipleChoiceField)
        assert isinstance(disclosure_field, forms.MultipleChoiceField)
        session_field.choices = [
            (str(session.public_id), moment(session.scheduled_start))
            for session in sorted(sessions, key=lambda session: session.scheduled_start)
        ]
        disclosure_field.choices = [
            (str(d.public_id), f"{moment(d.disclosed_at)}: {d.get_reason_display()}")
            for d in policy.shareable_disclosures(user, counselee).order_by("disclosed_at")
        ]


def moment(when: datetime.datetime) -> str:
    return date_format(timezone.localtime(when), "j M Y, H:i")

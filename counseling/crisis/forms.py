from django import forms
from django.utils.translation import gettext_lazy as _

from counseling.accounts.models import User
from counseling.crisis.models import DutyShift, SafetyPlan


class DutyShiftForm(forms.ModelForm):
    class Meta:
        model = DutyShift
        fields = ["counselor", "weekday", "start_time", "end_time", "place"]
        widgets = {
            "start_time": forms.TimeInput(attrs={"type": "time"}),
            "end_time": forms.TimeInput(attrs={"type": "time"}),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["counselor"].queryset = User.objects.filter(
            role=User.Role.COUNSELOR, is_active=True
        ).order_by("full_name")
        self.fields["counselor"].label_from_instance = lambda user: user.full_name

    def clean(self):
        data = super().clean()
        start, end = data.get("start_time"), data.get("end_time")
        if start and end and end <= start:
            raise forms.ValidationError(_("Jam selesai harus setelah jam mulai."))
        return data


class SafetyPlanForm(forms.ModelForm):
    class Meta:
        model = SafetyPlan
        fields = [
            "warning_signs",
            "what_helps",
            "people_to_contact",
            "safe_places",
            "shared_with_student",
        ]
        widgets = {
            name: forms.Textarea(attrs={"rows": 3})
            for name in ("warning_signs", "what_helps", "people_to_contact", "safe_places")
        }
        help_texts = {
            "shared_with_student": _("Siswa dapat membacanya di ponselnya."),
        }

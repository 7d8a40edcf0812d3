"""The admin keeps the emergency numbers and the roster here; requests and safety plans
are not in the admin site at all (their content is encrypted and not the admin's)."""

from django.contrib import admin

from counseling.crisis.models import DutyShift, EmergencyContact


@admin.register(EmergencyContact)
class EmergencyContactAdmin(admin.ModelAdmin):
    list_display = ("name", "number", "scope", "is_placeholder", "position")
    list_editable = ("position",)


@admin.register(DutyShift)
class DutyShiftAdmin(admin.ModelAdmin):
    list_display = ("weekday", "start_time", "end_time", "counselor", "place")
    list_filter = ("weekday",)

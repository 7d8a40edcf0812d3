from django import forms
from django.contrib import admin
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from counseling import policy
from counseling.adminsite import AdminRoleModelAdmin
from counseling.encryption import encrypted_field_names, encrypted_paths
from counseling.records import services
from counseling.records.models import CaseAssignment, ConflictOfInterest, Counselee
from sessions import cases


@admin.register(Counselee)
class CounseleeAdmin(AdminRoleModelAdmin):
    # Directory data only: the encrypted fields are never part of an admin form or list.
    fields = ["user", "nis", "class_name", "date_of_birth"]
    list_display = ["nis", "student_name", "class_name"]
    list_select_related = ["user"]
    search_fields = ["nis", "user__full_name", "class_name"]
    list_filter = ["class_name"]
    autocomplete_fields = ["user"]

    def get_readonly_fields(self, request, obj=None):
        # Re-attaching a record to another account would hand it one student's data.
        return ["user"] if obj is not None else []

    def has_change_permission(self, request, obj=None):
        # An erased counselee's emptied row is shown, never changed (a save would fail on
        # the emptied fields the form cannot hold).
        allowed = super().has_change_permission(request, obj)
        return allowed and (obj is None or policy.may_change_directory(request.user, obj))

    def get_queryset(self, request):
        # The list and the autocomplete never need, so never decrypt, the content.
        return super().get_queryset(request).defer(*encrypted_field_names(Counselee))

    @admin.display(description=_("nama"), ordering="user__full_name")
    def student_name(self, obj):
        return obj.user.full_name


class CaseAssignmentForm(forms.ModelForm):
    class Meta:
        model = CaseAssignment
        fields = ["counselor", "counselee"]

    def clean(self):
        cleaned = super().clean()
        if self.instance.pk is None and cleaned.get("counselor") and cleaned.get("counselee"):
            try:
                services.check_assignable(cleaned["counselor"], cleaned["counselee"])
            except ValidationError as error:
                raise ValidationError(error.messages) from None
        return cleaned


@admin.register(CaseAssignment)
class CaseAssignmentAdmin(AdminRoleModelAdmin):
    changes_logged_by_service = True
    form = CaseAssignmentForm
    list_display = ["counselee", "counselor", "started_at", "ended_at"]
    list_select_related = ["counselee", "counselor"]
    list_filter = ["counselor"]
    search_fields = ["counselee__nis", "counselee__user__full_name", "counselor__full_name"]
    autocomplete_fields = ["counselor", "counselee"]
    actions = ["end_assignments"]

    def get_queryset(self, request):
        return super().get_queryset(request).defer(*encrypted_paths(Counselee, "counselee"))

    def get_readonly_fields(self, request, obj=None):
        return ["counselor", "counselee", "started_at", "ended_at"] if obj else []

    def save_model(self, request, obj, form, change):
        if not change:
            assignment = services.assign(obj.counselor, obj.counselee, by=request.user)
            obj.pk = assignment.pk

    @admin.action(description=_("Akhiri penugasan terpilih"))
    def end_assignments(self, request, queryset):
        # Her requests from the student are declined and their sessions cancelled too.
        for assignment in queryset.active():
            cases.end_assignment(assignment, by=request.user)


@admin.register(ConflictOfInterest)
class ConflictOfInterestAdmin(AdminRoleModelAdmin):
    list_display = ["counselor", "counselee", "relation", "declared_at"]
    list_select_related = ["counselee", "counselor"]
    list_filter = ["relation"]
    readonly_fields = ["counselor", "counselee", "relation", "declared_at"]

    def get_queryset(self, request):
        return super().get_queryset(request).defer(*encrypted_paths(Counselee, "counselee"))

    def has_add_permission(self, request):
        # A conflict is the counselor's own declaration, made on their page.
        return False

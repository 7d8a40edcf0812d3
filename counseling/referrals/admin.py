from django.contrib import admin

from counseling.adminsite import AdminRoleModelAdmin
from counseling.referrals.models import TeachingAssignment


@admin.register(TeachingAssignment)
class TeachingAssignmentAdmin(AdminRoleModelAdmin):
    """The classes each teacher teaches: directory data an admin keeps. Referrals
    themselves are not in the admin site; their content is for counselors alone."""

    fields = ["teacher", "class_name", "is_homeroom"]
    list_display = ["teacher", "class_name", "is_homeroom"]
    list_select_related = ["teacher"]
    list_filter = ["class_name", "is_homeroom"]
    search_fields = ["teacher__full_name", "class_name"]

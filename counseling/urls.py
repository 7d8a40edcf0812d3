from django.contrib import admin
from django.urls import include, path

from counseling.accounts.views import set_language
from counseling.ops.views import healthz

urlpatterns = [
    path("", include("counseling.accounts.urls")),
    path("", include("counseling.records.urls")),
    path("", include("counseling.audit.urls")),
    path("", include("counseling.notices.urls")),
    path("", include("consent.urls")),
    path("", include("sessions.urls")),
    # The language switcher sits in the footer of the login page too.
    path("i18n/setlang/", set_language, name="set_language"),
    path("admin/", admin.site.urls),
    # For monitors: no sign-in, no names, no counts of students (counseling.ops.health).
    path("healthz", healthz, name="healthz"),
]

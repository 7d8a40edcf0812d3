from django.contrib import admin
from django.contrib.auth.decorators import login_not_required
from django.shortcuts import redirect
from django.templatetags.static import static
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
    path("", include("counseling.messaging.urls")),
    path("", include("counseling.guardians.urls")),
    path("", include("counseling.crisis.urls")),
    path("", include("counseling.referrals.urls")),
    path("", include("counseling.retention.urls")),
    path("", include("counseling.rights.urls")),
    path("", include("counseling.breaches.urls")),
    # The language switcher sits in the footer of the login page too.
    path("i18n/setlang/", set_language, name="set_language"),
    path("admin/", admin.site.urls),
    # For monitors: no sign-in, no names, no counts of students (counseling.ops.health).
    path("healthz", healthz, name="healthz"),
    # Browsers ask for /favicon.ico where a page names no icon (the admin site, files).
    path(
        "favicon.ico",
        login_not_required(lambda request: redirect(static("favicon.svg"), permanent=True)),
    ),
]

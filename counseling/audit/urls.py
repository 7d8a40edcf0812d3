from django.urls import path

from counseling.audit import views

urlpatterns = [
    path("audit/", views.audit_log, name="audit-log"),
    path("audit/export.csv", views.audit_export, name="audit-export"),
    path("audit/emergency/", views.emergency_access_list, name="emergency-access-list"),
    path(
        "audit/emergency/<uuid:public_id>/",
        views.emergency_access_detail,
        name="emergency-access-detail",
    ),
    path(
        "audit/emergency/<uuid:public_id>/review/",
        views.emergency_access_review,
        name="emergency-access-review",
    ),
    path("student/access-log/", views.my_access_log, name="my-access-log"),
    path("emergency-access/", views.emergency_access_request, name="emergency-access-request"),
]

from django.urls import path

from counseling.retention import views

urlpatterns = [
    path("retention/", views.overview, name="retention-overview"),
    path("retention/lifecycle/", views.lifecycle, name="retention-lifecycle"),
    path("retention/lifecycle/class/", views.set_class_status, name="retention-class-status"),
    path("retention/lifecycle/student/", views.set_student_status, name="retention-student-status"),
    path("retention/holds/new/", views.request_hold, name="legal-hold-request"),
    path(
        "retention/holds/<uuid:public_id>/confirm/", views.confirm_hold, name="legal-hold-confirm"
    ),
    path("retention/holds/<uuid:public_id>/review/", views.review_hold, name="legal-hold-review"),
    path(
        "retention/holds/<uuid:public_id>/release/", views.release_hold, name="legal-hold-release"
    ),
]

from django.urls import path

from counseling.records import views

urlpatterns = [
    path("caseload/", views.caseload, name="caseload"),
    path("records/<uuid:public_id>/", views.counselee_detail, name="counselee-detail"),
    path("conflicts/", views.conflicts, name="conflicts"),
    path(
        "student/assignments/<uuid:public_id>/answer/",
        views.answer_assignment,
        name="assignment-answer",
    ),
]

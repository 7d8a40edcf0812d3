from django.urls import path

from counseling.guardians import views

urlpatterns = [
    path("guardians/", views.overview, name="guardian-overview"),
    path("guardians/exemptions/", views.exemptions, name="guardian-exemptions"),
    path(
        "guardians/exemptions/<uuid:public_id>/",
        views.exemption_detail,
        name="guardian-exemption",
    ),
    path(
        "guardians/exemptions/<uuid:public_id>/<str:decision>/",
        views.exemption_decision,
        name="guardian-exemption-decision",
    ),
    path("guardians/student/<uuid:public_id>/", views.counselee_guardians, name="guardians"),
    path("guardians/student/<uuid:public_id>/add/", views.add_guardian, name="guardian-add"),
    path(
        "guardians/student/<uuid:public_id>/exemption/",
        views.record_exemption,
        name="guardian-exemption-record",
    ),
    path("guardians/<uuid:public_id>/link/", views.send_link, name="guardian-send-link"),
    path("guardians/<uuid:public_id>/paper/", views.paper_form, name="guardian-paper-form"),
    path("guardians/<uuid:public_id>/withdrawal/", views.withdrawal, name="guardian-withdrawal"),
    # The guardian's one-time link: no sign-in; the token never reaches a log line
    # (counseling.ops.logs, SECRET_PATH_PREFIXES).
    path("wali/<str:token>/", views.guardian_link, name="guardian-link"),
]

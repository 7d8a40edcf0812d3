from django.urls import path

from consent import views

urlpatterns = [
    path("consent/", views.consent_document, name="consent"),
    path("consent/later/", views.consent_later, name="consent-later"),
    path("consent/withdraw/", views.withdraw_consent, name="consent-withdraw"),
    path("student/end-counseling/", views.end_counseling, name="end-counseling"),
    path("records/<uuid:public_id>/close/", views.close_case, name="close-case"),
    path(
        "records/<uuid:public_id>/disclosures/new/",
        views.disclosure_create,
        name="disclosure-create",
    ),
    path("disclosures/<uuid:public_id>/", views.disclosure_detail, name="disclosure-detail"),
    path(
        "disclosures/<uuid:public_id>/informed/",
        views.disclosure_informed,
        name="disclosure-informed",
    ),
]

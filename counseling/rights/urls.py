from django.urls import path

from counseling.rights import copy_views, dpo_views, views

urlpatterns = [
    path("student/data/", views.my_data, name="my-data"),
    path("student/data/new/<slug:kind>/", views.new_request, name="data-request-new"),
    path("student/data/note-view/", views.note_view, name="data-note-view"),
    path("student/data/end-restriction/", views.end_restriction, name="end-restriction"),
    path("data-requests/", views.request_list, name="data-request-list"),
    path("data-requests/<uuid:public_id>/", views.request_detail, name="data-request"),
    path("data-requests/<uuid:public_id>/decide/", views.decide, name="data-request-decide"),
    path("data-requests/<uuid:public_id>/withdraw/", views.withdraw, name="data-request-withdraw"),
    path("dpo/", views.dpo_dashboard, name="dpo-dashboard"),
    # A copy: the counselor's review and release, the student's one-time links.
    path("data-requests/<uuid:public_id>/copy/review/", copy_views.copy_review, name="copy-review"),
    path(
        "data-requests/<uuid:public_id>/copy/preview/",
        copy_views.copy_preview,
        name="copy-preview",
    ),
    path(
        "data-requests/<uuid:public_id>/copy/release/",
        copy_views.copy_release,
        name="copy-release",
    ),
    path(
        "data-requests/<uuid:public_id>/copy/link/<str:format>/",
        copy_views.copy_link,
        name="copy-link",
    ),
    path("copy/<str:token>/", copy_views.copy_download, name="copy-download"),
    path("dpo/processing/", dpo_views.processing_record, name="processing-record"),
    path("dpo/holds/", dpo_views.holds_and_erasures, name="holds-and-erasures"),
]

from django.urls import path

from counseling.rights import dpo_views, views

urlpatterns = [
    path("student/data/", views.my_data, name="my-data"),
    path("data-requests/", views.request_list, name="data-request-list"),
    path("data-requests/<uuid:public_id>/", views.request_detail, name="data-request"),
    path("dpo/", views.dpo_dashboard, name="dpo-dashboard"),
    path("dpo/processing/", dpo_views.processing_record, name="processing-record"),
    path("dpo/holds/", dpo_views.holds_and_erasures, name="holds-and-erasures"),
]

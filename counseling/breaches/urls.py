from django.urls import path

from counseling.breaches import views

urlpatterns = [
    path("breaches/", views.breach_list, name="breach-list"),
    path("breaches/new/", views.breach_new, name="breach-new"),
    path("breaches/<uuid:public_id>/", views.breach_detail, name="breach-detail"),
    path("breaches/<uuid:public_id>/exposure/", views.breach_compute, name="breach-compute"),
    path("breaches/letters/<uuid:public_id>/", views.breach_letter, name="breach-letter"),
    path(
        "breaches/letters/<uuid:public_id>/sent/",
        views.breach_letter_sent,
        name="breach-letter-sent",
    ),
]

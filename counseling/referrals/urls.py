from django.urls import path

from counseling.referrals import views

urlpatterns = [
    path("referrals/", views.referral_list, name="referral-list"),
    path(
        "records/<uuid:public_id>/referral/",
        views.referral_create,
        name="referral-create",
    ),
    path("referrals/<uuid:public_id>/", views.referral_detail, name="referral-detail"),
    path(
        "referrals/<uuid:public_id>/student-answer/",
        views.referral_student_answer,
        name="referral-student-answer",
    ),
    path(
        "referrals/<uuid:public_id>/receiver-answer/",
        views.referral_receiver_answer,
        name="referral-receiver-answer",
    ),
    path(
        "referrals/<uuid:public_id>/withdraw/",
        views.referral_withdraw,
        name="referral-withdraw",
    ),
]

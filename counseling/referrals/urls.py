from django.urls import path

from counseling.referrals import bk_views, external_views, views

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
    path(
        "referrals/<uuid:public_id>/choose-receiver/",
        views.choose_receiver,
        name="referral-choose-receiver",
    ),
    path(
        "student/assignments/<uuid:public_id>/change/",
        views.ask_to_change,
        name="ask-change-counselor",
    ),
    path(
        "records/<uuid:public_id>/external-referral/",
        external_views.external_referral_create,
        name="external-referral-create",
    ),
    path(
        "external-referrals/<uuid:public_id>/",
        external_views.external_referral_detail,
        name="external-referral-detail",
    ),
    path(
        "external-referrals/<uuid:public_id>/letter.pdf",
        external_views.external_referral_letter,
        name="external-referral-letter",
    ),
    path(
        "external-referrals/<uuid:public_id>/answer/",
        external_views.external_referral_answer,
        name="external-referral-answer",
    ),
    path(
        "external-referrals/<uuid:public_id>/move/",
        external_views.external_referral_move,
        name="external-referral-move",
    ),
    path(
        "audit/external-referrals/",
        external_views.external_referral_stats,
        name="external-referral-stats",
    ),
    path("teacher/", bk_views.teacher_dashboard, name="teacher-dashboard"),
    path(
        "teacher/students/<uuid:public_id>/refer/",
        bk_views.teacher_refer,
        name="teacher-refer",
    ),
    path("bk-referrals/", bk_views.bk_referral_list, name="bk-referral-list"),
    path("bk-referrals/<uuid:public_id>/", bk_views.bk_referral_detail, name="bk-referral-detail"),
    path(
        "bk-referrals/<uuid:public_id>/receive/",
        bk_views.bk_referral_receive,
        name="bk-referral-receive",
    ),
    path(
        "bk-referrals/<uuid:public_id>/invite/",
        bk_views.bk_referral_invite,
        name="bk-referral-invite",
    ),
    path(
        "bk-referrals/<uuid:public_id>/follow-up/",
        bk_views.bk_referral_follow_up,
        name="bk-referral-follow-up",
    ),
    path("invitations/<uuid:public_id>/", bk_views.bk_invitation, name="bk-invitation"),
    path(
        "invitations/<uuid:public_id>/answer/",
        bk_views.bk_invitation_answer,
        name="bk-invitation-answer",
    ),
]

from django.contrib.auth import views as auth_views
from django.urls import path

from counseling.accounts import twofactor, views

urlpatterns = [
    path("accounts/login/", views.LoginView.as_view(), name="login"),
    path("accounts/password/choose/", views.choose_password, name="choose-password"),
    path("accounts/2fa/setup/", twofactor.setup, name="two-factor-setup"),
    path("accounts/2fa/verify/", twofactor.verify, name="two-factor-verify"),
    # security.ENROLMENT_LINK_PREFIX: open before the second factor.
    path("accounts/2fa/enrol/<str:token>/", twofactor.enrol_link, name="two-factor-enrol"),
    path("accounts/keepalive/", views.keepalive, name="keepalive"),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("", views.home, name="home"),
    path("student/", views.student_dashboard, name="student-dashboard"),
    path("counselor/", views.counselor_dashboard, name="counselor-dashboard"),
    path("admin-dashboard/", views.admin_dashboard, name="admin-dashboard"),
    path(
        "admin-dashboard/enrolment-links/<uuid:public_id>/approve/",
        views.approve_enrolment_link,
        name="enrolment-link-approve",
    ),
]

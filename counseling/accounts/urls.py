from django.contrib.auth import views as auth_views
from django.urls import path

from counseling.accounts import twofactor, views
from counseling.accounts.forms import LoginForm

urlpatterns = [
    path(
        "accounts/login/",
        auth_views.LoginView.as_view(authentication_form=LoginForm),
        name="login",
    ),
    path("accounts/2fa/setup/", twofactor.setup, name="two-factor-setup"),
    path("accounts/2fa/verify/", twofactor.verify, name="two-factor-verify"),
    path("accounts/keepalive/", views.keepalive, name="keepalive"),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("", views.home, name="home"),
    path("student/", views.student_dashboard, name="student-dashboard"),
    path("counselor/", views.counselor_dashboard, name="counselor-dashboard"),
    path("admin-dashboard/", views.admin_dashboard, name="admin-dashboard"),
]

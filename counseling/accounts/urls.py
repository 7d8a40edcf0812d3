from django.contrib.auth import views as auth_views
from django.urls import path

from counseling.accounts import views

urlpatterns = [
    path("accounts/login/", auth_views.LoginView.as_view(), name="login"),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("", views.home, name="home"),
    path("student/", views.student_dashboard, name="student-dashboard"),
    path("counselor/", views.counselor_dashboard, name="counselor-dashboard"),
    path("admin-dashboard/", views.admin_dashboard, name="admin-dashboard"),
]

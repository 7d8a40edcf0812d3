from django.urls import path

from counseling.crisis import views

urlpatterns = [
    path("crisis/help/", views.help_page, name="crisis-help"),
    path("crisis/ask/", views.ask, name="crisis-ask"),
    path("crisis/poll/", views.poll, name="crisis-poll"),
    path("crisis/", views.queue, name="crisis-queue"),
    path("crisis/walk-in/", views.walk_in, name="crisis-walk-in"),
    path("crisis/walk-in/<uuid:public_id>/open/", views.walk_in_open, name="crisis-walk-in-open"),
    path("crisis/roster/", views.roster, name="crisis-roster"),
    path("crisis/roster/<int:pk>/remove/", views.roster_remove, name="crisis-roster-remove"),
    path("crisis/requests/<uuid:public_id>/", views.request_detail, name="crisis-request"),
    path("crisis/requests/<uuid:public_id>/take/", views.take, name="crisis-take"),
    path("crisis/requests/<uuid:public_id>/start/", views.start, name="crisis-start"),
    path("crisis/mine/<uuid:public_id>/", views.status, name="crisis-status"),
    path("crisis/mine/<uuid:public_id>/state/", views.request_state, name="crisis-state"),
    path("crisis/mine/<uuid:public_id>/keep/", views.keep_counselor, name="crisis-keep"),
    path("records/<uuid:public_id>/safety-plan/", views.safety_plan_edit, name="safety-plan-edit"),
    path("student/safety-plan/", views.my_safety_plan, name="my-safety-plan"),
]

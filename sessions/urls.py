from django.urls import path

from sessions import views

urlpatterns = [
    path("records/<uuid:public_id>/sessions/walk-in/", views.walk_in_create, name="walk-in-create"),
    path("sessions/<uuid:public_id>/", views.session_detail, name="session-detail"),
    path("sessions/<uuid:public_id>/start/", views.session_start, name="session-start"),
    path("sessions/<uuid:public_id>/complete/", views.session_complete, name="session-complete"),
    path("sessions/<uuid:public_id>/notes/", views.note_create, name="note-create"),
    path("notes/<uuid:public_id>/edit/", views.note_edit, name="note-edit"),
    path("notes/<uuid:public_id>/finalise/", views.note_finalise, name="note-finalise"),
    path("notes/<uuid:public_id>/addenda/", views.addendum_create, name="addendum-create"),
]

from django.urls import path

from sessions import booking_views, counselor_views, views

urlpatterns = [
    path("records/<uuid:public_id>/sessions/walk-in/", views.walk_in_create, name="walk-in-create"),
    path("sessions/<uuid:public_id>/", views.session_detail, name="session-detail"),
    path("sessions/<uuid:public_id>/start/", views.session_start, name="session-start"),
    path("sessions/<uuid:public_id>/complete/", views.session_complete, name="session-complete"),
    path("sessions/<uuid:public_id>/no-show/", views.session_no_show, name="session-no-show"),
    path("sessions/<uuid:public_id>/notes/", views.note_create, name="note-create"),
    path(
        "sessions/<uuid:public_id>/notes/autosave/",
        views.note_autosave_new,
        name="note-autosave-new",
    ),
    path("notes/<uuid:public_id>/edit/", views.note_edit, name="note-edit"),
    path("notes/<uuid:public_id>/autosave/", views.note_autosave, name="note-autosave"),
    path("notes/<uuid:public_id>/finalise/", views.note_finalise, name="note-finalise"),
    path("notes/<uuid:public_id>/addenda/", views.addendum_create, name="addendum-create"),
    # Students book (counselors appear by username: they are staff, not protected).
    path("book/", booking_views.choose_counselor, name="book"),
    path("book/<str:username>/", booking_views.choose_slot, name="book-slots"),
    path("book/<str:username>/<str:slot_key>/", booking_views.confirm_slot, name="book-confirm"),
    path("bookings/", booking_views.my_bookings, name="my-bookings"),
    path("bookings/<uuid:public_id>/", booking_views.booking_detail, name="booking-detail"),
    path("bookings/<uuid:public_id>/cancel/", booking_views.cancel_booking, name="booking-cancel"),
    path(
        "bookings/<uuid:public_id>/reschedule/",
        booking_views.reschedule_booking,
        name="booking-reschedule",
    ),
    # Counselors answer requests and publish their hours.
    path("requests/", counselor_views.booking_queue, name="booking-queue"),
    path(
        "requests/urgent/<uuid:public_id>/",
        counselor_views.urgent_request,
        name="urgent-request",
    ),
    path(
        "requests/urgent/<uuid:public_id>/take/",
        counselor_views.take_urgent_request,
        name="urgent-request-take",
    ),
    path(
        "bookings/<uuid:public_id>/confirm/",
        counselor_views.confirm_booking,
        name="booking-confirm",
    ),
    path(
        "bookings/<uuid:public_id>/decline/",
        counselor_views.decline_booking,
        name="booking-decline",
    ),
    path("availability/", counselor_views.availability_page, name="availability"),
    path("availability/weekly/", counselor_views.add_weekly_hours, name="availability-weekly"),
    path("availability/dated/", counselor_views.add_dated_hours, name="availability-dated"),
    path(
        "availability/<int:pk>/delete/",
        counselor_views.delete_hours,
        name="availability-delete",
    ),
    path("availability/days-off/", counselor_views.add_day_off, name="day-off-add"),
    path(
        "availability/days-off/<int:pk>/bookings/",
        counselor_views.day_off_bookings,
        name="day-off-bookings",
    ),
    path(
        "availability/days-off/<int:pk>/delete/",
        counselor_views.delete_day_off,
        name="day-off-delete",
    ),
]

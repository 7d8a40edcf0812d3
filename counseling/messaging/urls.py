from django.urls import path

from counseling.messaging import views

urlpatterns = [
    path("messages/", views.conversation_list, name="conversations"),
    path("messages/with/<str:username>/", views.conversation_start, name="conversation-start"),
    path("messages/<uuid:public_id>/", views.conversation_detail, name="conversation"),
    path("messages/<uuid:public_id>/poll/", views.conversation_poll, name="conversation-poll"),
    path("messages/<uuid:public_id>/send/", views.message_send, name="message-send"),
    path("messages/<uuid:public_id>/draft/", views.draft_save, name="message-draft"),
    path("messages/<uuid:public_id>/assign/", views.intake_assign, name="intake-assign"),
    path("messages/line/<uuid:public_id>/retract/", views.message_retract, name="message-retract"),
]

from django.urls import path

from bench import bare_views
from counseling.urls import urlpatterns as amanah_urlpatterns

urlpatterns = [
    path("bench-bare/caseload/", bare_views.caseload),
    path("bench-bare/records/<uuid:public_id>/", bare_views.counselee_detail),
    path("bench-bare/sessions/<uuid:public_id>/", bare_views.session_detail),
    path("bench-bare/audit/", bare_views.audit_log),
    path("bench-bare/book/<str:username>/", bare_views.slots),
    path("bench-bare/book/<str:username>/<str:slot_key>/", bare_views.book),
    path("bench-bare/nothing/", bare_views.nothing),
    path("bench-bare/messages/<uuid:public_id>/", bare_views.conversation),
    path("bench-bare/messages/<uuid:public_id>/send/", bare_views.message_send),
    path("bench-bare/messages/<uuid:public_id>/poll/", bare_views.conversation_poll),
    path("bench-bare/crisis-poll/", bare_views.crisis_poll),
    *amanah_urlpatterns,
]

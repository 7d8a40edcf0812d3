from django.apps import AppConfig


class CounselingSessionsConfig(AppConfig):
    name = "sessions"
    # Django's own sessions app already owns the label "sessions".
    label = "counseling_sessions"
    verbose_name = "Sesi konseling"

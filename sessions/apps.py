from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CounselingSessionsConfig(AppConfig):
    name = "sessions"
    # Django's own sessions app already owns the label "sessions".
    label = "counseling_sessions"
    verbose_name = _("Sesi konseling")

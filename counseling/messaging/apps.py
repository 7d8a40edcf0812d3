from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MessagingConfig(AppConfig):
    name = "counseling.messaging"
    label = "messaging"
    verbose_name = _("Konseling daring")

    def ready(self):
        from counseling.messaging import checks  # noqa: F401 (registers amanah.E110)

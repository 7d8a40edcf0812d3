from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CrisisConfig(AppConfig):
    name = "counseling.crisis"
    label = "crisis"
    verbose_name = _("Darurat")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from counseling.crisis import checks  # noqa: F401  (registers the checks)

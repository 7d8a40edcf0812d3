from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AuditConfig(AppConfig):
    name = "counseling.audit"
    label = "audit"
    verbose_name = _("Log akses")

    def ready(self):
        from counseling.audit import signals  # noqa: F401

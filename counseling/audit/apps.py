from django.apps import AppConfig


class AuditConfig(AppConfig):
    name = "counseling.audit"
    label = "audit"
    verbose_name = "Log akses"

    def ready(self):
        from counseling.audit import signals  # noqa: F401

from django.apps import AppConfig


class RetentionConfig(AppConfig):
    name = "counseling.retention"
    label = "retention"
    verbose_name = "Retensi"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from counseling.retention import checks  # noqa: F401 - registers the checks

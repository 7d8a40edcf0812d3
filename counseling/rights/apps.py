from django.apps import AppConfig


class RightsConfig(AppConfig):
    """The student's rights under UU PDP: requests, her copy, and the data protection
    officer's view of them."""

    name = "counseling.rights"
    label = "rights"
    verbose_name = "Hak subjek data"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        # Celery discovers `tasks` modules only; the copy's purge lives beside the copy.
        from counseling.rights import copy_tasks  # noqa: F401

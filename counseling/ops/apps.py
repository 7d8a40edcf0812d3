from django.apps import AppConfig


class OpsConfig(AppConfig):
    """Running Amanah: health, heartbeats, logs, error reports and housekeeping."""

    name = "counseling.ops"
    label = "ops"
    verbose_name = "Operasional"

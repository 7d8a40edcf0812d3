from django.apps import AppConfig


class BreachesConfig(AppConfig):
    """Breaches of personal data (kegagalan pelindungan data pribadi, UU PDP art. 46):
    the record, the students exposed, the notices and their 3 x 24-hour clock."""

    name = "counseling.breaches"
    label = "breaches"
    verbose_name = "Kegagalan pelindungan data"
    default_auto_field = "django.db.models.BigAutoField"

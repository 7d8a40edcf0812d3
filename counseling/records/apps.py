from django.apps import AppConfig


class RecordsConfig(AppConfig):
    name = "counseling.records"
    label = "records"
    verbose_name = "Catatan konseli"

from django.apps import AppConfig


class NoticesConfig(AppConfig):
    name = "counseling.notices"
    label = "notices"
    verbose_name = "Pemberitahuan"

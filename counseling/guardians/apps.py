from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class GuardiansConfig(AppConfig):
    name = "counseling.guardians"
    label = "guardians"
    verbose_name = _("Wali siswa")

    def ready(self):
        from counseling.guardians import checks  # noqa: F401  (registers amanah.E090)

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    name = "counseling.accounts"
    label = "accounts"
    verbose_name = _("Akun")

    def ready(self):
        # Registers the start-up checks, and the lockout's signal receivers.
        import counseling.accounts.signals
        import counseling.checks  # noqa: F401

from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "counseling.accounts"
    label = "accounts"
    verbose_name = "Akun"

    def ready(self):
        # Registers the start-up checks, and the lockout's signal receivers.
        import counseling.accounts.signals
        import counseling.checks  # noqa: F401

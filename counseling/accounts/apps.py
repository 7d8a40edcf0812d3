from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "counseling.accounts"
    label = "accounts"
    verbose_name = "Akun"

    def ready(self):
        # Registers the start-up checks with Django's check framework.
        import counseling.checks  # noqa: F401

from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


def _create_encryption_canary(using, **kwargs):
    from counseling import keycheck

    keycheck.ensure_canary(using)


class RecordsConfig(AppConfig):
    name = "counseling.records"
    label = "records"
    verbose_name = _("Catatan konseli")

    def ready(self):
        # After every migrate and flush (tests flush between transactional tests), so the
        # canary exists wherever the schema does.
        post_migrate.connect(_create_encryption_canary, sender=self)

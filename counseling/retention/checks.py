"""Start-up checks of the retention schedule (ids amanah.E100-E109, W100-W109)."""

from django.conf import settings
from django.core import checks

TAG = "amanah"


@checks.register(TAG)
def check_retention_settings(app_configs=None, **kwargs):
    errors = []
    if settings.AMANAH_RETENTION_YEARS < 1:
        errors.append(
            checks.Error(
                "RETENTION_YEARS must be at least 1.",
                hint="Set RETENTION_YEARS to the number of years the consent document promises.",
                id="amanah.E100",
            )
        )
    if not 1 <= settings.AMANAH_RETENTION_NOTICE_DAYS <= 365:
        errors.append(
            checks.Error(
                "RETENTION_NOTICE_DAYS must be between 1 and 365.",
                hint="Students are told this many days before their records are erased.",
                id="amanah.E101",
            )
        )
    return errors

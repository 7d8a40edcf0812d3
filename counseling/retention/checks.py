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


@checks.register(TAG, checks.Tags.database)
def check_consent_quotes_retention(app_configs=None, databases=None, **kwargs):
    """The published consent document must quote RETENTION_YEARS, and students must have
    acknowledged the number it now says (a changed setting needs a new version)."""
    if not databases:
        return []
    from django.db import DatabaseError

    from consent.models import ConsentAcknowledgement, ConsentDocument
    from consent.rendering import text_hash

    try:
        document = (
            ConsentDocument.objects.filter(published_at__isnull=False).order_by("-version").first()
        )
        if document is None:
            return []
        latest = (
            ConsentAcknowledgement.objects.filter(document=document)
            .order_by("-pk")
            .values_list("text_hash", flat=True)
            .first()
        )
    except DatabaseError:
        return []
    warnings = []
    if not document.quotes_retention:
        warnings.append(
            checks.Warning(
                f"Consent document v{document.version} does not quote RETENTION_YEARS.",
                hint="Write {retention_years} where it says how many years records are kept, "
                "in both languages, and publish it as a new version.",
                id="amanah.W100",
            )
        )
    elif latest and latest not in {text_hash(*document.text(code)) for code in ("id", "en")}:
        warnings.append(
            checks.Warning(
                "RETENTION_YEARS is not the number students acknowledged in consent document "
                f"v{document.version}.",
                hint="Publish a new version so that students acknowledge the new promise.",
                id="amanah.W101",
            )
        )
    return warnings

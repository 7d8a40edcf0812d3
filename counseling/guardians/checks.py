"""Start-up check of the guardians app (ids amanah.E090-E099)."""

from django.conf import settings
from django.core import checks

from counseling.checks import TAG
from counseling.guardians.models import Basis


@checks.register(TAG)
def check_guardian_basis(app_configs=None, **kwargs):
    """GUARDIAN_BASIS names one of the three bases the README explains."""
    value = getattr(settings, "GUARDIAN_BASIS", None)
    if value in Basis.values:
        return []
    return [
        checks.Error(
            f"GUARDIAN_BASIS is {value!r}, which is not a basis Amanah knows.",
            hint="Set GUARDIAN_BASIS to consent_required, notice_only or public_duty "
            "(README, Guardians).",
            id="amanah.E090",
        )
    ]

"""Start-up checks of the crisis pathway (ids amanah.E070-E079, W070-W079)."""

from django.conf import settings
from django.core import checks
from django.db import DatabaseError

TAG = "amanah"


@checks.register(TAG)
def check_school_hours(app_configs=None, **kwargs):
    """CRISIS_SCHOOL_HOURS must end after it starts, or every request is "after hours"."""
    hours = settings.AMANAH_CRISIS_SCHOOL_HOURS
    if len(hours) == 2 and hours[0] < hours[1]:
        return []
    return [
        checks.Error(
            "CRISIS_SCHOOL_HOURS does not end after it starts: every crisis request would be "
            "treated as outside school hours and never escalated.",
            hint="Set CRISIS_SCHOOL_HOURS=HH:MM-HH:MM, e.g. 07:00-15:00.",
            id="amanah.E070",
        )
    ]


@checks.register(TAG, deploy=True)
def check_emergency_numbers(app_configs=None, **kwargs):
    """With DEBUG off: the demo's placeholder emergency numbers must not reach students."""
    from counseling.crisis.models import EmergencyContact

    if settings.DEBUG:
        return []
    try:
        placeholders = EmergencyContact.objects.filter(is_placeholder=True).count()
    except DatabaseError:  # not migrated yet
        return []
    if not placeholders:
        return []
    return [
        checks.Warning(
            f"{placeholders} emergency number(s) shown to students are still placeholders.",
            hint="Enter the school's and the national services' real numbers in the admin "
            "site (Darurat, Nomor darurat) and untick 'contoh'.",
            id="amanah.W070",
        )
    ]

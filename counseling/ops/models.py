"""What the health check needs to remember between runs: the access log's verifications."""

from django.db import models
from django.utils import timezone


class ChainVerification(models.Model):
    """One walk of the access log's chain: when, whether it held, and the head it reached.

    Written by the nightly task and by `manage.py verify_audit`; `/healthz` reads the last
    one. Ids and hashes only, like the log itself.
    """

    verified_at = models.DateTimeField(default=timezone.now, db_index=True)
    intact = models.BooleanField()
    last_id = models.BigIntegerField(default=0)
    last_hash = models.CharField(max_length=64, blank=True)
    broken_id = models.BigIntegerField(null=True, blank=True)

    class Meta:
        get_latest_by = "verified_at"

    def __str__(self):
        return f"{self.verified_at:%Y-%m-%d %H:%M} {'intact' if self.intact else 'broken'}"

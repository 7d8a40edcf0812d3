import json

from django.core.management.base import BaseCommand

from counseling.ops import health


class Command(BaseCommand):
    help = (
        "Print Amanah's health report (the JSON of /healthz) and exit 1 when any part "
        "fails: for cron, e.g. `check_health --quiet || mail -s ...`."
    )
    # The report itself says whether the database is reachable.
    requires_system_checks = []

    def add_arguments(self, parser):
        parser.add_argument(
            "--quiet", action="store_true", help="Print nothing when everything is well."
        )

    def handle(self, *args, quiet=False, **options):
        report = health.report()
        if not (quiet and report["ok"]):
            self.stdout.write(json.dumps(report, indent=2))
        if not report["ok"]:
            raise SystemExit(1)

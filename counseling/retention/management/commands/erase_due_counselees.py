"""Erase now every counselee whose retention date has come (the nightly task's work)."""

from django.core.management.base import BaseCommand, CommandError

from counseling.retention import erasure, schedule


class Command(BaseCommand):
    help = "Erase every counselee due for erasure. This cannot be undone."

    def add_arguments(self, parser):
        parser.add_argument("--yes", action="store_true", help="Do not ask for confirmation.")

    def handle(self, *args, yes, **options):
        due = schedule.due_by(schedule.timezone.localdate()).count()
        if not due:
            self.stdout.write("No counselee is due for erasure.")
            return
        if not yes:
            answer = input(
                f"{due} counselee(s) will be erased: their data keys destroyed and their "
                "records deleted. This cannot be undone, backups included. Type 'erase': "
            )
            if answer.strip() != "erase":
                raise CommandError("Nothing was erased.")
        outcome = erasure.erase_due()
        self.stdout.write(f"Erased {len(outcome.erased)}, failed {len(outcome.failed)}.")
        if outcome.failed:
            raise CommandError("Some erasures failed; see the log.")

"""Fill an empty PostgreSQL database with a generated school district, for the benchmark."""

import time

from django.core.management.base import BaseCommand, CommandError

from bench import seed


class Command(BaseCommand):
    help = (
        "Fill an empty, migrated PostgreSQL database with a generated district: students, "
        "counselors, caseloads, consent, sessions with encrypted notes, hours, bookings and a "
        "valid access-log chain. Refuses on SQLite and on a database that holds users."
    )

    def add_arguments(self, parser):
        full = seed.FULL_SCALE
        parser.add_argument("--scale", type=float, help="A fraction of the full district.")
        parser.add_argument("--students", type=int, default=full["students"])
        parser.add_argument("--counselors", type=int, default=full["counselors"])
        parser.add_argument("--notes", type=int, default=full["notes"])
        parser.add_argument("--events", type=int, default=full["events"])
        parser.add_argument("--messages", type=int, default=full["messages"])
        parser.add_argument(
            "--workers", type=int, default=2, help="Processes that encrypt (default 2)."
        )

    def handle(
        self, *args, scale, students, counselors, notes, events, messages, workers, **options
    ):
        if scale is not None:
            if not 0 < scale <= 10:
                raise CommandError("--scale must be above 0 and at most 10.")
            plan = seed.Plan.at_scale(scale)
        else:
            plan = seed.Plan(students, counselors, notes, events, messages)
        if min(plan.students, plan.counselors, plan.notes, plan.events) < 2:
            raise CommandError("Every count must be at least 2.")
        started = time.monotonic()
        try:
            seed.District(plan, write=self.stdout.write, workers=workers).run()
        except seed.SeedRefused as error:
            raise CommandError(str(error)) from None
        self.stdout.write(self.style.SUCCESS(f"Seeded in {time.monotonic() - started:.0f} s."))

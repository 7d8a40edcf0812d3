from django.core.management.base import BaseCommand, CommandError

from counseling.audit.models import AccessEvent
from counseling.audit.verification import verify
from counseling.ops import health


class Command(BaseCommand):
    help = (
        "Verify the access log's hash chain. Exits 0 when intact; otherwise names the first "
        "broken entry and exits 1."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--expect-head",
            metavar="ID:HASH",
            help="A chain head written to the application log earlier (the daily "
            "'audit chain head' line); detects entries cut off the end since then.",
        )

    def handle(self, *args, expect_head=None, **options):
        def progress(count):
            if options["verbosity"] >= 1:
                self.stderr.write(f"  {count:,} entries checked", ending="\r")
                self.stderr.flush()

        head, broken = verify(progress)
        problem = None
        if broken is not None:
            problem = (
                f"Access log broken at entry #{broken.id} ({broken.occurred_at.isoformat()}): "
                f"{broken.reason}. {head.count:,} entries before it are intact."
            )
        elif expect_head:
            problem = _head_problem(head, expect_head)
        # What /healthz reports as the chain's last verification.
        health.record_verification(head, broken, intact=problem is None)
        if problem:
            raise CommandError(problem)
        self.stdout.write(
            self.style.SUCCESS(
                f"Access log intact: {head.count:,} entries, head #{head.last_id}:{head.last_hash}"
            )
        )


def _head_problem(head, expect_head: str) -> str | None:
    """Why the log does not reach the head written down earlier, or None."""
    expected_id, _, expected_hash = expect_head.partition(":")
    if head.last_id < int(expected_id):
        return (
            f"Access log ends at entry #{head.last_id}, but entry #{expected_id} "
            "existed earlier: entries were cut off the end."
        )
    if not AccessEvent.objects.filter(id=expected_id, hash=expected_hash).exists():
        return (
            f"Entry #{expected_id} does not carry the hash logged earlier: "
            "the log was rebuilt from that point."
        )
    return None

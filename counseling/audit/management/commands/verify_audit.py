from django.core.management.base import BaseCommand, CommandError

from counseling.audit import chain
from counseling.audit.models import AccessEvent
from counseling.audit.verification import verify
from counseling.ops import health


class Command(BaseCommand):
    help = (
        "Verify the access log's hash chain and compare it with the signed checkpoints. "
        "Exits 0 when intact; otherwise names the first broken entry, or says that "
        "AUDIT_HMAC_KEY is wrong, and exits 1."
    )
    # The diagnosis itself: it writes nothing, and with a wrong key the start-up checks
    # would stop it (amanah.E050) before it could say which entries that key fails.
    requires_system_checks = []

    def add_arguments(self, parser):
        parser.add_argument(
            "--expect-head",
            metavar="ID:HASH",
            help="A chain head recorded earlier (a checkpoint e-mail, or the daily "
            "'audit chain head' line of the application log); detects entries cut off "
            "the end since then even if the checkpoints were lost too.",
        )

    def handle(self, *args, expect_head=None, **options):
        def progress(count):
            if options["verbosity"] >= 1:
                self.stderr.write(f"  {count:,} entries checked", ending="\r")
                self.stderr.flush()

        head, broken = verify(progress)
        problem = None
        if broken is not None:
            problem = self._explain(head, broken)
        elif expect_head:
            problem = self._compare(head, expect_head)
        # What /healthz reports as the chain's last verification.
        health.record_verification(head, broken, intact=problem is None)
        if problem:
            raise CommandError(problem)
        self.stdout.write(
            self.style.SUCCESS(
                f"Access log intact: {head.count:,} entries, head #{head.last_id}:{head.last_hash}"
            )
        )

    def _explain(self, head, broken):
        if broken.kind == chain.WRONG_KEY:
            about = broken.reason
            if not about.startswith("checkpoint"):
                about = f"entry #{broken.id} {about}"
            return (
                f"Wrong AUDIT_HMAC_KEY: {about}. That alone is no sign of tampering: set "
                "AUDIT_HMAC_KEY to the key(s) the log was chained with, newest first, and "
                "run verify_audit again."
            )
        if broken.kind in (chain.CUT, chain.CHECKPOINT):
            return (
                f"Access log broken: {broken.reason}. "
                f"The {head.count:,} entries that remain form an intact chain."
            )
        return (
            f"Access log broken at entry #{broken.id} ({broken.occurred_at.isoformat()}): "
            f"{broken.reason}. {head.count:,} entries before it are intact."
        )

    def _compare(self, head, expect_head) -> str | None:
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

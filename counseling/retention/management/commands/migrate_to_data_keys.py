"""Move content still under the master key itself to each counselee's data key.

Run once after upgrading (README, "Retention and erasure"); safe to interrupt and to run
again: it continues with what is left. It ends by verifying that no value of any sealed
model is left in the older form; only then does it report success.
"""

from django.core.management.base import BaseCommand, CommandError

from counseling import keycheck
from counseling.audit import log
from counseling.retention import erasure, migration


class Command(BaseCommand):
    help = "Reseal content written under the master key under each counselee's data key."

    def add_arguments(self, parser):
        parser.add_argument("--batch-size", type=int, default=1000)
        parser.add_argument(
            "--verify-only", action="store_true", help="Only count values in the older form."
        )

    def handle(self, *args, batch_size, verify_only, **options):
        if batch_size < 1:
            raise CommandError("--batch-size must be at least 1.")
        try:
            keycheck.refuse_unless_key_reads_back()
        except keycheck.WrongEncryptionKey as error:
            raise CommandError(str(error)) from None
        resealed = 0
        if not verify_only:
            for model, path, names in erasure.sealed_models():
                label, total = model._meta.label, model._base_manager.count()
                tally = migration.Tally()

                def progress(tally, label=label, total=total):
                    if options["verbosity"] >= 1:
                        percent = 100 * tally.rows // total if total else 100
                        self.stdout.write(f"{label}: {tally.rows}/{total} rows ({percent}%)")

                try:
                    migration.reseal_model(
                        model,
                        path,
                        names,
                        needs=migration.is_legacy,
                        batch_size=batch_size,
                        tally=tally,
                        on_batch=progress,
                    )
                except migration.UnreadableValue as error:
                    raise CommandError(f"Stopped: {error} That row was left untouched.") from None
                resealed += tally.resealed
        left = {
            model._meta.label: n
            for model, _path, names in erasure.sealed_models()
            if (n := migration.count_where(model, names))
        }
        if left:
            raise CommandError(
                "Not verified: values still under the master key: "
                + ", ".join(f"{label} {n}" for label, n in left.items())
            )
        if not verify_only:
            log.record(
                log.Action.DATA_KEYS_MIGRATED,
                purpose=log.Purpose.SYSTEM,
                object_type="field_encryption",
                object_id=f"resealed={resealed}",
            )
        self.stdout.write(
            self.style.SUCCESS(
                f"Verified: every sealed value is under its counselee's data key "
                f"({resealed} resealed in this run)."
            )
        )

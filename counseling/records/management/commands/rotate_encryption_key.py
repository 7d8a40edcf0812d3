"""Re-encrypt every encrypted value under the newest FIELD_ENCRYPTION_KEY.

The procedure (README, "Encryption keys"): prepend a new key to FIELD_ENCRYPTION_KEY and
restart, run this command until it reports that everything is under the newest key, then
remove the older keys. It is safe to interrupt and to run again.
"""

import functools
import os

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from counseling import keycheck, rotation
from counseling.audit import log


class Command(BaseCommand):
    help = "Re-encrypt every encrypted field under the newest key of FIELD_ENCRYPTION_KEY."

    def add_arguments(self, parser):
        parser.add_argument(
            "--batch-size",
            type=int,
            default=1000,
            help="Rows read and rewritten per transaction (default 1000).",
        )
        parser.add_argument(
            "--workers",
            type=int,
            default=os.cpu_count() or 1,
            help="Processes that re-encrypt (default: one per core).",
        )

    def handle(self, *args, batch_size, **options):
        self.verbosity = options["verbosity"]
        if batch_size < 1:
            raise CommandError("--batch-size must be at least 1.")
        keys = settings.FIELD_ENCRYPTION_KEY
        keys = [keys] if isinstance(keys, str) else list(keys)
        try:
            keycheck.refuse_unless_key_reads_back()
        except keycheck.WrongEncryptionKey as error:
            raise CommandError(str(error)) from None

        run = rotation.Rotation(keys, batch_size, workers=options["workers"])
        tallies = {}
        try:
            for model, names in rotation.encrypted_models():
                label = model._meta.label
                total = model._base_manager.count()
                progress = functools.partial(self._progress, label, total)
                # Created here so that a stopped run still counts what it rotated.
                tallies[label] = tally = rotation.Tally()
                run.rotate_model(model, names, tally, on_batch=progress)
        except rotation.UnknownKeyError as error:
            self._record(tallies, stopped=True)
            raise CommandError(
                f"Stopped: {error} That row was left untouched. Add the key it was written "
                "with to FIELD_ENCRYPTION_KEY (after the newest) and run the command again."
            ) from None
        finally:
            run.close()
        self._record(tallies, stopped=False)
        self._summarise(tallies, len(keys))

    def _progress(self, label, total, tally):
        if self.verbosity >= 1:
            percent = 100 * tally.rows // total if total else 100
            self.stdout.write(f"{label}: {tally.rows}/{total} rows ({percent}%)")

    def _record(self, tallies, *, stopped):
        rotated = sum(t.rotated for t in tallies.values())
        current = sum(t.current for t in tallies.values())
        # Counts only: the access log never holds content or keys.
        outcome = f"rotated={rotated};current={current}" + (";stopped" if stopped else "")
        log.record(
            log.Action.KEY_ROTATED,
            purpose=log.Purpose.SYSTEM,
            object_type="field_encryption",
            object_id=outcome,
        )

    def _summarise(self, tallies, key_count):
        for label, tally in tallies.items():
            self.stdout.write(
                f"{label}: {tally.rows} rows, {tally.rotated} values re-encrypted, "
                f"{tally.current} already under the newest key"
            )
        rotated = sum(t.rotated for t in tallies.values())
        current = sum(t.current for t in tallies.values())
        self.stdout.write(
            self.style.SUCCESS(
                f"Done: {rotated} values re-encrypted, {current} already under the newest key."
            )
        )
        if key_count > 1:
            self.stdout.write(
                "Every value is now under the newest key: the older keys can be removed "
                "from FIELD_ENCRYPTION_KEY (keep a backup of them until you have checked)."
            )

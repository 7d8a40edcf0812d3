"""Re-encrypt every encrypted value under the newest FIELD_ENCRYPTION_KEY.

The procedure (README, "Encryption keys"): prepend a new key to FIELD_ENCRYPTION_KEY and
restart, run this command until it reports that everything is under the newest key, then
remove the older keys. It is safe to interrupt and to run again.

Content sealed under counselees' data keys is not re-encrypted: their data keys are
re-wrapped. `--new-data-keys` also gives every counselee a new data key and reseals her
content under it (for a data key that may have leaked); run it again with the same
`--keys-made-before` to resume.
"""

import datetime
import functools
import os

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from counseling import keycheck, keys, rotation
from counseling.audit import log
from counseling.retention import erasure, migration
from counseling.retention.models import DataKey


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
        parser.add_argument(
            "--new-data-keys",
            action="store_true",
            help="Also reseal all content under new counselee data keys.",
        )
        parser.add_argument(
            "--keys-made-before",
            type=datetime.datetime.fromisoformat,
            help="With --new-data-keys: replace keys made before this time (default: now). "
            "Pass the value printed by an interrupted run to resume it.",
        )

    def handle(self, *args, batch_size, **options):
        self.verbosity = options["verbosity"]
        if batch_size < 1:
            raise CommandError("--batch-size must be at least 1.")
        configured = settings.FIELD_ENCRYPTION_KEY
        configured = [configured] if isinstance(configured, str) else list(configured)
        try:
            keycheck.refuse_unless_key_reads_back()
        except keycheck.WrongEncryptionKey as error:
            raise CommandError(str(error)) from None

        run = rotation.Rotation(configured, batch_size, workers=options["workers"])
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
        DataKey.objects.filter(destroyed_at__isnull=True).exclude(
            master_version=keys.master_version()
        ).update(master_version=keys.master_version())
        self._record(tallies, stopped=False)
        self._summarise(tallies, len(configured))
        if options["new_data_keys"]:
            self._new_data_keys(options["keys_made_before"] or timezone.now(), batch_size)

    def _new_data_keys(self, moment, batch_size):
        if timezone.is_naive(moment):
            moment = timezone.make_aware(moment)
        self.stdout.write(f"New data keys for keys made before {moment.isoformat()}.")
        migration.retire_keys_created_before(moment)
        old = migration.retired_key_ids(moment)
        resealed = 0
        for model, path, names in erasure.sealed_models():
            label, total = model._meta.label, model._base_manager.count()
            tally = migration.Tally()
            migration.reseal_model(
                model,
                path,
                names,
                needs=lambda token: keys.split(token)[0] in old,
                batch_size=batch_size,
                tally=tally,
                on_batch=functools.partial(self._progress, label, total),
            )
            resealed += tally.resealed
        left = sum(
            migration.count_where(model, names, lambda token: keys.split(token)[0] in old)
            for model, _path, names in erasure.sealed_models()
        )
        if left:
            raise CommandError(
                f"{left} values were written under the old keys meanwhile; run again with "
                f"--new-data-keys --keys-made-before {moment.isoformat()}."
            )
        destroyed = migration.destroy_retired_keys(moment)
        log.record(
            log.Action.KEY_ROTATED,
            purpose=log.Purpose.SYSTEM,
            object_type="data_keys",
            object_id=f"resealed={resealed};replaced={destroyed}",
        )
        self.stdout.write(
            self.style.SUCCESS(f"Done: {resealed} values resealed, {destroyed} data keys replaced.")
        )

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

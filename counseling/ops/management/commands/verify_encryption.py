from cryptography.fernet import InvalidToken
from django.core.management.base import BaseCommand, CommandError

from counseling import fernet, keys, rotation

BATCH = 2000


class Command(BaseCommand):
    help = (
        "Decrypt every encrypted value with FIELD_ENCRYPTION_KEY (a counselee's values through "
        "her data key, which it unwraps), without writing anything: "
        "proves that a restored database reads with the keys you kept. Exits 1 naming the "
        "first value no key can read."
    )

    def handle(self, *args, **options):
        values = 0
        for model, names in rotation.encrypted_models():
            for name in names:
                values += self._check_column(model, name)
        self.stdout.write(
            self.style.SUCCESS(f"Every encrypted value reads: {values:,} values checked.")
        )

    def _check_column(self, model, name) -> int:
        rows = (
            model._base_manager.filter(**{f"{name}__isnull": False})
            .annotate(token=fernet.raw(name))
            .order_by("pk")
            .values_list("pk", "token")
        )
        checked = 0
        for pk, token in rows.iterator(chunk_size=BATCH):
            if not token:
                continue
            try:
                # Under the master key, or under a counselee's data key wrapped by it.
                keys.open_token(token)
            except (InvalidToken, keys.DataKeyError):
                raise CommandError(
                    f"{model._meta.label}.{name} of row {pk} cannot be decrypted with "
                    "FIELD_ENCRYPTION_KEY: the key it was written with is not among the "
                    "keys set. Add it (comma-separated, newest first) from your key backup."
                ) from None
            checked += 1
        return checked

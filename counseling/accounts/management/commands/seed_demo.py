from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from counseling import demo


class Command(BaseCommand):
    help = "Create the demo school (accounts, records, caseloads). Safe to run again."

    def add_arguments(self, parser):
        parser.add_argument(
            "--password", default="amanah-demo", help="Password for every demo account."
        )

    def handle(self, *args, password, **options):
        if not settings.DEBUG:
            raise CommandError(
                "seed_demo creates accounts with a known password and runs only with DEBUG on. "
                "Run it as `DEBUG=on python manage.py seed_demo` on a development machine."
            )
        links = demo.seed(password, log=lambda line: self.stdout.write(line))
        self.stdout.write(
            self.style.SUCCESS("Sekolah demo siap. Masuk sebagai siswa1, konselor1 atau admin.")
        )
        if links:
            self.stdout.write(
                "Konselor dan admin mengaktifkan verifikasi dua langkah lewat tautan di atas: "
                "buka tautannya, masuk, lalu pindai kode QR."
            )

"""Demo data for retention: siswa11 is about to be erased, siswa12 is under a legal hold."""

import datetime

from django.utils import timezone

from counseling.accounts.models import User
from counseling.records import services as record_services
from counseling.records.models import Counselee
from counseling.retention import schedule, services
from counseling.retention.models import LegalHold, SchoolStatus

STUDENTS = [
    # username, full name, NIS, class, years since she left, counselor
    ("siswa11", "Wulan Sari", "2021100111", "XII-3", "konselor1"),
    ("siswa12", "Bagas Saputra", "2021100112", "XII-4", "konselor2"),
]


def seed(admin, counselors, password, log=print):
    today = timezone.localdate()
    for username, name, nis, class_name, counselor_name in STUDENTS:
        user = User.objects.filter(username=username).first()
        if user is None:
            user = User.objects.create_user(
                username=username, password=password, full_name=name, role=User.Role.STUDENT
            )
        counselee, created = Counselee.objects.get_or_create(
            user=user,
            defaults={"nis": nis, "class_name": class_name, "background_notes": "Alumni."},
        )
        if created:
            record_services.assign(counselors[counselor_name], counselee, by=admin)
    wulan = Counselee.objects.get(user__username="siswa11")
    if not SchoolStatus.objects.filter(counselee=wulan).exists():
        # Graduated long enough ago that she is erased in 20 days: the list shows her.
        left_on = schedule.add_years(today, -schedule.settings.AMANAH_RETENTION_YEARS)
        services.set_school_status(
            wulan,
            status=SchoolStatus.Status.GRADUATED,
            since=left_on + datetime.timedelta(days=20),
            by=admin,
        )
        SchoolStatus.objects.filter(counselee=wulan).update(
            set_at=timezone.now() - datetime.timedelta(days=365)
        )
    rizky = Counselee.objects.get(user__username="siswa12")
    if not SchoolStatus.objects.filter(counselee=rizky).exists():
        services.set_school_status(
            rizky,
            status=SchoolStatus.Status.MOVED,
            since=schedule.add_years(today, -5),
            by=admin,
        )
    if not LegalHold.objects.filter(counselee=rizky).exists():
        # Asked for by his counselor; the admin is the second person who confirms it.
        services.request_legal_hold(
            rizky,
            reason="Perkara di Polres: penyidik meminta catatan konseling tetap disimpan.",
            by=counselors["konselor2"],
        )
    log("Retensi: siswa11 akan dihapus dalam 20 hari; siswa12 menunggu konfirmasi penahanan")

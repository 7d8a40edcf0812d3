"""The demo school that `manage.py seed_demo` creates. Every name here is invented."""

import datetime

from django.db import transaction
from django.utils import timezone

from consent import demo as consent_demo
from counseling.accounts.models import User
from counseling.audit import log
from counseling.audit.models import EmergencyAccess
from counseling.records import services
from counseling.records.models import CaseAssignment, Counselee

Role = User.Role

ADMIN = ("admin", "Agus Setiawan", Role.ADMIN)
COUNSELORS = [
    ("konselor1", "Rina Wulandari, S.Pd.", Role.COUNSELOR),
    ("konselor2", "Budi Hartono, M.Pd.", Role.COUNSELOR),
]

# username, full name, NIS, class, date of birth, guardian, guardian's phone, background.
STUDENTS = [
    (
        "siswa1",
        "Siti Nurhaliza",
        "2324100101",
        "X-1",
        datetime.date(2010, 3, 14),
        "Ibu Suryani",
        "0812-3456-7801",
        "Anak kedua dari tiga bersaudara. Tinggal bersama ibu dan nenek.",
    ),
    (
        "siswa2",
        "Dimas Pratama",
        "2324100102",
        "X-1",
        datetime.date(2010, 7, 2),
        "Bapak Hendra Pratama",
        "0813-2222-1902",
        "Aktif di ekskul futsal. Nilai menurun pada semester ini.",
    ),
    (
        "siswa3",
        "Ayu Lestari",
        "2324100203",
        "X-2",
        datetime.date(2009, 11, 23),
        "Ibu Wartini",
        "0857-4411-2033",
        "Pindahan dari SMP di Semarang tahun lalu.",
    ),
    (
        "siswa4",
        "Rizky Ramadhan",
        "2223100304",
        "XI-3",
        datetime.date(2009, 1, 30),
        "Bapak Slamet Riyadi",
        "0821-7788-3404",
        "Bekerja paruh waktu membantu usaha keluarga sepulang sekolah.",
    ),
    (
        "siswa5",
        "Putri Maharani",
        "2223100405",
        "XI-4",
        datetime.date(2008, 9, 8),
        "Ibu Kartika Dewi",
        "0812-9090-4505",
        "Ketua OSIS. Sering merasa terbebani target akademik.",
    ),
    (
        "siswa6",
        "Nabila Azzahra",
        "2122100506",
        "XII-1",
        datetime.date(2008, 5, 19),
        "Bapak Yusuf Hamid",
        "0838-5151-5606",
        "Persiapan ujian masuk perguruan tinggi.",
    ),
]

CASELOADS = {
    "konselor1": ["siswa1", "siswa2", "siswa3"],
    "konselor2": ["siswa4", "siswa5", "siswa6"],
}


def _user(username, full_name, role, password):
    user, created = User.objects.get_or_create(
        username=username,
        defaults={"full_name": full_name, "role": role, "email": f"{username}@demo.amanah.test"},
    )
    if created:
        user.set_password(password)
        user.save(update_fields=["password"])
    return user


@transaction.atomic
def seed(password: str, log=print) -> None:
    """Create the demo school; running it again changes nothing."""
    admin = _user(*ADMIN, password)
    users = {username: _user(username, name, role, password) for username, name, role in COUNSELORS}
    log(f"Akun: {admin.username}, " + ", ".join(users))

    counselees = {}
    for username, name, nis, class_name, born, guardian, phone, background in STUDENTS:
        student = _user(username, name, Role.STUDENT, password)
        counselees[username], _ = Counselee.objects.get_or_create(
            user=student,
            defaults={
                "nis": nis,
                "class_name": class_name,
                "date_of_birth": born,
                "guardian_name": guardian,
                "guardian_phone": phone,
                "background_notes": background,
            },
        )
    log(f"Siswa: {', '.join(counselees)}")

    for counselor_name, student_names in CASELOADS.items():
        counselor = users[counselor_name]
        for student_name in student_names:
            counselee = counselees[student_name]
            if not CaseAssignment.objects.filter(counselor=counselor, counselee=counselee).exists():
                services.assign(counselor, counselee, by=admin)
    log("Daftar kasus: siswa1-3 pada konselor1, siswa4-6 pada konselor2")

    consent_demo.seed(admin, counselees, users, log=log)

    if not EmergencyAccess.objects.exists():
        _history(admin, users, counselees)
        log("Log akses: riwayat contoh, termasuk satu akses darurat yang menunggu tinjauan")


def _view(counselor, counselee, **extra):
    log.record(
        log.Action.VIEW,
        actor=counselor,
        obj=counselee,
        counselee=counselee,
        purpose=extra.pop("purpose", log.Purpose.CASELOAD),
        **extra,
    )


def _history(admin, users, counselees):
    """A realistic morning in the access log: logins, visits, a denial, a break-glass."""
    konselor1, konselor2 = users["konselor1"], users["konselor2"]
    for person in (admin, konselor1, konselor2, counselees["siswa1"].user):
        log.record(log.Action.LOGIN, actor=person, obj=person)
    _view(konselor1, counselees["siswa1"])
    _view(konselor1, counselees["siswa2"])
    _view(konselor2, counselees["siswa4"])
    _view(konselor2, counselees["siswa5"])
    _view(counselees["siswa1"].user, counselees["siswa1"], purpose=log.Purpose.OWN)
    log.record(
        log.Action.DENIED,
        actor=konselor2,
        object_type="records.counselee",
        object_id=str(counselees["siswa1"].public_id),
        counselee=counselees["siswa1"],
    )
    granted = timezone.now() - datetime.timedelta(hours=3)
    access = EmergencyAccess.objects.create(
        counselor=konselor2,
        counselee=counselees["siswa3"],
        justification=(
            "Wali kelas melaporkan siswa tidak pulang sejak kemarin; konselor1 sedang "
            "dinas luar dan tidak dapat dihubungi."
        ),
        granted_at=granted,
        expires_at=granted + datetime.timedelta(minutes=60),
    )
    log.record(
        log.Action.EMERGENCY_ACCESS,
        actor=konselor2,
        obj=access,
        counselee=access.counselee,
        purpose=log.Purpose.EMERGENCY,
        emergency_access=access,
    )
    _view(konselor2, access.counselee, purpose=log.Purpose.EMERGENCY, emergency_access=access)
    log.record(log.Action.LOGOUT, actor=konselor2, obj=konselor2)

"""The crisis pathway in the demo school: the roster, placeholder numbers, one request
waiting (siswa2) and one taken by her own counselor (siswa1, konselor1)."""

import datetime

from counseling.crisis import services
from counseling.crisis.models import CrisisRequest, DutyShift, EmergencyContact

# Placeholders, marked as such on every page: the admin enters the real numbers.
CONTACTS = [
    ("Ruang BK sekolah", "0000-0000", "school", "Telepon ruang BK pada jam sekolah."),
    ("Layanan darurat umum", "112", "national", "Polisi, ambulans, pemadam; bebas pulsa."),
    (
        "Layanan pengaduan perlindungan anak",
        "000",
        "national",
        "Isi nomor resmi layanan perlindungan anak di daerah Anda.",
    ),
    (
        "Layanan kesehatan jiwa",
        "000",
        "national",
        "Isi nomor resmi layanan konsultasi kesehatan jiwa.",
    ),
]
WAITING_TEXT = "Aku takut sekali hari ini, boleh bicara sekarang?"


def seed(users, counselees, log=print) -> None:
    if not EmergencyContact.objects.exists():
        for position, (name, number, scope, description) in enumerate(CONTACTS):
            EmergencyContact.objects.create(
                name=name,
                number=number,
                scope=scope,
                description=description,
                is_placeholder=True,
                position=position,
            )
    if not DutyShift.objects.exists():
        for weekday in range(6):
            counselor = users["konselor1"] if weekday % 2 == 0 else users["konselor2"]
            DutyShift.objects.create(
                counselor=counselor,
                weekday=weekday,
                start_time=datetime.time(7),
                end_time=datetime.time(15),
                place="Ruang BK 1" if weekday % 2 == 0 else "Ruang BK 2",
            )
    if not CrisisRequest.objects.exists():
        services.ask_for_help(counselees["siswa2"].user, text=WAITING_TEXT)
        taken = services.ask_for_help(counselees["siswa1"].user, text="Aku butuh bicara.")
        services.take(taken, by=users["konselor1"])
    log("Darurat: jadwal piket, nomor darurat contoh, satu permintaan menunggu (siswa2)")

"""The demo school that `manage.py seed_demo` creates. Every name here is invented."""

import datetime

from django.conf import settings
from django.utils import timezone
from django_otp import user_has_device

from consent import demo as consent_demo
from counseling.accounts import enrolment
from counseling.accounts.models import User
from counseling.audit import log
from counseling.audit.models import EmergencyAccess
from counseling.breaches import demo as breaches_demo
from counseling.crisis import demo as crisis_demo
from counseling.guardians import demo as guardians_demo
from counseling.messaging import demo as messaging_demo
from counseling.records import services
from counseling.records.models import CaseAssignment, Counselee
from counseling.referrals import demo as referrals_demo
from counseling.retention import demo as retention_demo
from counseling.rights import demo as rights_demo
from sessions import demo as booking_demo
from sessions import services as session_services
from sessions.models import CounselingSession, NoteAddendum, SessionNote

Role = User.Role

ADMIN = ("admin", "Agus Setiawan", Role.ADMIN)
# The school's data protection officer (UU PDP art. 53).
DPO = ("dpo", "Larasati Putri, S.H.", Role.DPO)
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


FACE_TO_FACE = CounselingSession.Mode.FACE_TO_FACE
ONLINE = CounselingSession.Mode.ONLINE
Status = CounselingSession.Status

# Per student, the sessions with their counselor: days before today (negative: to come),
# hour, mode, place, final status, the note (none for a session yet to come), whether the
# note is final, and an addendum to it.
SESSIONS = {
    "siswa1": [
        {
            "days_ago": 21,
            "hour": 9,
            "mode": FACE_TO_FACE,
            "place": "Ruang BK",
            "status": Status.COMPLETED,
            "note": {
                "presenting_concern": "Cemas menjelang penilaian tengah semester. Sulit tidur dua minggu terakhir dan takut mengecewakan ibunya.",
                "what_was_done": "Mendengarkan ceritanya, memetakan pikiran yang muncul sebelum ulangan, dan berlatih pernapasan perlahan.",
                "agreed_follow_up": "Siti mencoba jadwal belajar 25 menit dengan jeda istirahat. Bertemu lagi dua minggu lagi.",
                "body": "Siti terbuka dan kooperatif. Dukungan di rumah baik; nenek sering menemaninya belajar.",
            },
            "final": True,
            "addendum": "Siti mampir saat istirahat: jadwal belajar berjalan dan tidurnya mulai membaik.",
        },
        {
            "days_ago": 7,
            "hour": 10,
            "mode": FACE_TO_FACE,
            "place": "Ruang BK",
            "status": Status.COMPLETED,
            "note": {
                "presenting_concern": "Tindak lanjut: jadwal belajar baru berjalan separuh; masih tegang menghadapi matematika.",
                "what_was_done": "Meninjau jadwal bersama dan berlatih mengganti pikiran 'pasti gagal' dengan kalimat yang lebih seimbang.",
                "agreed_follow_up": "Siti akan bertanya kepada guru matematika tentang materi yang belum dipahami.",
                "body": "",
            },
            "final": False,
        },
    ],
    "siswa2": [
        {
            "days_ago": 14,
            "hour": 13,
            "mode": FACE_TO_FACE,
            "place": "Ruang BK",
            "status": Status.COMPLETED,
            "note": {
                "presenting_concern": "Nilai turun semester ini. Merasa waktunya habis untuk latihan futsal menjelang turnamen.",
                "what_was_done": "Menyusun daftar prioritas mingguan dan membahas cara menyampaikan kesulitannya kepada pelatih.",
                "agreed_follow_up": "Dimas membicarakan jadwal latihan dengan pelatih. Bertemu lagi setelah turnamen.",
                "body": "",
            },
            "final": True,
        },
    ],
    "siswa3": [
        {
            "days_ago": 10,
            "hour": 14,
            "mode": ONLINE,
            "place": "Panggilan video",
            "status": Status.COMPLETED,
            "note": {
                "presenting_concern": "Masih merasa sendirian sejak pindah dari Semarang; belum punya teman dekat di kelas.",
                "what_was_done": "Menggali kegiatan yang ia sukai dan mengenalkan ekskul paduan suara serta kelompok belajar kelas.",
                "agreed_follow_up": "Ayu mencoba ikut latihan paduan suara hari Jumat.",
                "body": "Ayu bercerita dengan tenang. Hubungan dengan ibunya dekat.",
            },
            "final": True,
        },
    ],
    "siswa4": [
        {
            "days_ago": 12,
            "hour": 8,
            "mode": FACE_TO_FACE,
            "place": "Ruang BK",
            "status": Status.COMPLETED,
            "note": {
                "presenting_concern": "Sering mengantuk di kelas karena membantu warung keluarga sampai malam.",
                "what_was_done": "Membahas pembagian waktu antara sekolah dan membantu keluarga; Rizky ingin tetap membantu.",
                "agreed_follow_up": "Rizky membicarakan jam kerjanya dengan orang tua. Konselor menawarkan pertemuan bersama orang tua bila Rizky setuju.",
                "body": "",
            },
            "final": True,
        },
        {
            "days_ago": -3,
            "hour": 9,
            "mode": FACE_TO_FACE,
            "place": "Ruang BK",
            "status": Status.SCHEDULED,
        },
    ],
    "siswa5": [
        {
            "days_ago": 3,
            "hour": 12,
            "mode": FACE_TO_FACE,
            "place": "Ruang BK",
            "status": Status.COMPLETED,
            "note": {
                "presenting_concern": "Merasa terbebani antara tugas OSIS dan target nilai untuk seleksi perguruan tinggi.",
                "what_was_done": "Memetakan tugas OSIS yang dapat dibagi kepada pengurus lain.",
                "agreed_follow_up": "Putri membuat daftar tugas yang dapat didelegasikan. Bertemu lagi minggu depan.",
                "body": "",
            },
            "final": False,
        },
    ],
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


def seed(password: str, log=print) -> dict[str, str]:
    """Create the demo school; running it again changes nothing but the enrolment links.

    Each step commits through its own service, as the pages would: one transaction around
    everything would hold the access log's lock from the first entry to the last, and
    then lock rows it wrote itself (TRAPS.md, deadlocks).

    Returns the path of each printed enrolment link, by username.
    """
    admin = _user(*ADMIN, password)
    dpo = _user(*DPO, password)
    users = {username: _user(username, name, role, password) for username, name, role in COUNSELORS}
    log(f"Akun: {admin.username}, {dpo.username}, " + ", ".join(users))

    counselees = {}
    for username, name, nis, class_name, born, _guardian, _phone, background in STUDENTS:
        student = _user(username, name, Role.STUDENT, password)
        counselees[username], _ = Counselee.objects.get_or_create(
            user=student,
            defaults={
                "nis": nis,
                "class_name": class_name,
                "date_of_birth": born,
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
    # Every demo student has answered the admin's assignment but siswa3, whose dashboard
    # still shows it: "a new counselor for you", with "fine" and "I did not ask for this".
    CaseAssignment.objects.exclude(counselee=counselees["siswa3"]).filter(
        student_answered_at__isnull=True
    ).update(student_answered_at=timezone.now())
    log("Daftar kasus: siswa1-3 pada konselor1, siswa4-6 pada konselor2")

    consent_demo.seed(admin, counselees, users, log=log)
    # Before the sessions: the school's basis may require a guardian's consent first.
    guardians_demo.seed(
        admin,
        users,
        counselees,
        STUDENTS,
        lambda username, name, role: _user(username, name, role, password),
        log=log,
    )

    counselor_of = {
        student: users[counselor]
        for counselor, students in CASELOADS.items()
        for student in students
    }
    for student_name, sessions in SESSIONS.items():
        counselee = counselees[student_name]
        if CounselingSession.objects.filter(counselee=counselee).exists():
            continue
        for spec in sessions:
            _session(counselee, counselor_of[student_name], spec)
    log("Sesi dan catatan: siswa1-5")

    booking_demo.seed(users, counselees, log=log)
    messaging_demo.seed(users, counselees, log=log)
    crisis_demo.seed(users, counselees, log=log)

    referrals_demo.seed(
        users,
        counselees,
        lambda username, name, role: _user(username, name, role, password),
        admin,
        log=log,
    )
    retention_demo.seed(admin, users, password, log=log)
    rights_demo.seed(users, counselees, log=log)

    if not EmergencyAccess.objects.exists():
        _history(admin, users, counselees)
        log("Log akses: riwayat contoh, termasuk satu akses darurat yang menunggu tinjauan")
    breaches_demo.seed(dpo, users, log=log)

    links = _enrolment_links([admin, dpo, *users.values()])
    for username, path in links.items():
        log(
            f"Tautan pendaftaran verifikasi dua langkah {username}: {settings.AMANAH_SITE_URL}{path}"
        )
    return links


def _enrolment_links(staff) -> dict[str, str]:
    """A fresh enrolment link for each demo counselor and admin without a second factor.

    Printed instead of e-mailed, so the demo works out of the box: seed_demo runs only
    with DEBUG on. Each run replaces the links it printed before.
    """
    links = {}
    for user in staff:
        if user_has_device(user, confirmed=True):
            continue
        link = enrolment.issue(user, by=None, deliver=False)
        links[user.username] = enrolment.path_for(enrolment.mint(link))
    return links


def _session(counselee, counselor, spec):
    """Run one demo session through the services, then date it in the past."""
    session = session_services.create_walk_in_session(
        counselee, by=counselor, mode=spec["mode"], place=spec["place"]
    )
    if spec["status"] != Status.SCHEDULED:
        session_services.start_session(session, by=counselor, limits_explained=True)
    if "note" in spec:
        note = session_services.write_note(session, by=counselor, **spec["note"])
        if spec["final"]:
            note = session_services.finalise_note(note, by=counselor)
        if spec.get("addendum"):
            session_services.add_addendum(note, by=counselor, body=spec["addendum"])
    if spec["status"] == Status.COMPLETED:
        session_services.complete_session(session, by=counselor)
    _backdate(session, spec)


def _backdate(session, spec):
    # Demo only: the services stamp everything with the current time, and a demo record
    # needs a history. Only timestamps move, never content.
    today = timezone.localtime().replace(hour=spec["hour"], minute=0, second=0, microsecond=0)
    start = today - datetime.timedelta(days=spec["days_ago"])
    minutes = datetime.timedelta(minutes=1)
    started = spec["status"] != Status.SCHEDULED
    CounselingSession.objects.filter(pk=session.pk).update(
        scheduled_start=start,
        scheduled_end=start + 45 * minutes,
        started_at=start + 2 * minutes if started else None,
        ended_at=start + 40 * minutes if spec["status"] == Status.COMPLETED else None,
        created_at=start - 5 * minutes,
    )
    notes = SessionNote.objects.filter(session=session)
    notes.update(created_at=start + 45 * minutes, updated_at=start + 60 * minutes)
    notes.filter(status=SessionNote.Status.FINAL).update(finalised_at=start + 60 * minutes)
    NoteAddendum.objects.filter(note__session=session).update(
        created_at=start + datetime.timedelta(days=3)
    )


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

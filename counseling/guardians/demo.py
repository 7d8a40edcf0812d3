"""The demo school's guardians: each demo student's guardian, and one student in each state.

siswa1-6: their guardians signed the paper form at enrolment (recorded by the admin).
siswa8: consent given through the one-time link. siswa9: a link sent and not yet used.
siswa10: an exemption a counselor recorded and the admin approved.
"""

import datetime

from django.utils import timezone

from consent.rendering import text_hash
from counseling.accounts.models import User
from counseling.guardians import services
from counseling.guardians.models import (
    Guardian,
    GuardianAcknowledgement,
    GuardianConsentDocument,
    GuardianExemption,
    GuardianLink,
)
from counseling.records import services as records_services
from counseling.records.models import CaseAssignment, Counselee

TITLE = "Persetujuan Wali untuk Layanan Bimbingan dan Konseling"
BODY = """\
## Apa yang dilakukan BK

Guru Bimbingan dan Konseling (BK) membantu siswa dalam belajar, bergaul, memilih karier,
dan menghadapi masalah pribadi. Siswa datang atas kemauannya sendiri dan boleh berhenti
kapan saja.

## Apa yang disimpan

Sekolah menyimpan jadwal sesi, catatan guru BK (terenkripsi), dan data kontak wali.
Setiap pembukaan catatan dicatat dan dapat dilihat siswa. Catatan dihapus sesuai jangka
waktu yang diumumkan sekolah setelah siswa lulus.

## Apa yang akan disampaikan kepada wali

- bahwa layanan BK tersedia dan bagaimana sekolah bekerja;
- bila ada bahaya serius bagi keselamatan siswa atau orang lain, atau kewajiban hukum:
  hanya sebanyak yang diperlukan untuk melindungi siswa.

## Apa yang tidak akan disampaikan kepada wali

Isi pembicaraan siswa dengan guru BK. Wali tidak diberi tahu apa yang siswa ceritakan,
kapan siswa datang, atau apa yang dicatat guru BK, kecuali dalam batas di atas.

## Menarik persetujuan

Wali dapat menarik persetujuan kapan saja dengan memberi tahu ruang BK atau admin
sekolah. Catatan yang ada tetap disimpan; sesi baru tidak dimulai, tetapi bantuan dalam
keadaan krisis selalu diberikan.
"""

# username, full name, NIS, class, date of birth, guardian, relation, e-mail.
STUDENTS = [
    (
        "siswa8",
        "Nadia Putri",
        "2425100108",
        "X-3",
        datetime.date(2011, 2, 5),
        "Ibu Ratih Kusuma",
        Guardian.Relation.MOTHER,
        "wali.siswa8@demo.amanah.test",
    ),
    (
        "siswa9",
        "Fajar Nugroho",
        "2425100109",
        "X-3",
        datetime.date(2010, 10, 19),
        "Bapak Joko Susilo",
        Guardian.Relation.FATHER,
        "wali.siswa9@demo.amanah.test",
    ),
    (
        "siswa10",
        "Intan Permata",
        "2425100110",
        "X-3",
        datetime.date(2010, 6, 1),
        "Bapak Darmawan",
        Guardian.Relation.GUARDIAN,
        "",
    ),
]

EXEMPTION_DETAIL = (
    "Siswa menunjukkan memar dan bercerita bahwa walinya memukulnya bila tahu ia mengadu; "
    "UPTD PPA sudah dihubungi."
)


def _document(admin) -> GuardianConsentDocument:
    document = GuardianConsentDocument.objects.filter(version=1).first()
    if document is None:
        document = GuardianConsentDocument.objects.create(version=1, title=TITLE, body=BODY)
    if document.published_at is None:
        services.publish_document(document, by=admin)
    return document


def _guardian(counselee, *, by, name, relation, phone="", email="") -> Guardian:
    existing = Guardian.objects.filter(counselee=counselee).first()
    if existing is not None:
        return existing
    return services.add_guardian(
        counselee, by=by, name=name, relation=relation, phone=phone, email=email
    )


def seed(admin, counselors, counselees, students, make_user, log=print) -> None:
    """`students`: the main demo's (username, name, NIS, class, born, guardian, phone, _)."""
    _document(admin)
    for username, _name, _nis, _class, _born, guardian_name, phone, _bg in students:
        counselee = counselees[username]
        guardian = _guardian(
            counselee,
            by=admin,
            name=guardian_name,
            relation=Guardian.Relation.GUARDIAN,
            phone=phone,
        )
        if not GuardianAcknowledgement.objects.filter(counselee=counselee).exists():
            services.record_paper_form(
                guardian,
                by=admin,
                form_number=f"BK-{counselee.nis[-4:]}",
                signed_on=timezone.localdate() - datetime.timedelta(days=60),
            )
    log("Wali: siswa1-6 dengan formulir kertas bertanda tangan")

    konselor1 = counselors["konselor1"]
    extra = {}
    for username, name, nis, class_name, born, guardian_name, relation, email in STUDENTS:
        student = make_user(username, name, User.Role.STUDENT)
        counselee, _ = Counselee.objects.get_or_create(
            user=student, defaults={"nis": nis, "class_name": class_name, "date_of_birth": born}
        )
        if not CaseAssignment.objects.filter(counselor=konselor1, counselee=counselee).exists():
            records_services.assign(konselor1, counselee, by=admin)
        CaseAssignment.objects.filter(counselee=counselee, student_answered_at__isnull=True).update(
            student_answered_at=timezone.now()
        )
        guardian = _guardian(
            counselee,
            by=konselor1,
            name=guardian_name,
            relation=relation,
            phone="0812-0000-0" + nis[-3:],
            email=email,
        )
        extra[username] = (counselee, guardian)

    counselee, guardian = extra["siswa8"]
    if not GuardianAcknowledgement.objects.filter(counselee=counselee).exists():
        link = services.send_link(guardian, by=konselor1)
        link = GuardianLink.objects.get(pk=link.pk)
        link.mint()  # as the e-mail would; the guardian then opens it
        document = link.document
        services.acknowledge_by_link(
            GuardianLink.objects.select_related("guardian__counselee", "document").get(pk=link.pk),
            shown_hash=text_hash(document.title, document.body),
            typed_name=guardian.name,
            ip_address=None,
            user_agent="demo",
        )
    counselee, guardian = extra["siswa9"]
    if not GuardianLink.objects.open().filter(guardian=guardian).exists():
        services.send_link(guardian, by=konselor1)
    counselee, guardian = extra["siswa10"]
    if not GuardianExemption.objects.filter(counselee=counselee).exists():
        exemption = services.record_exemption(
            counselee,
            by=konselor1,
            reason=GuardianExemption.Reason.GUARDIAN_SOURCE_OF_HARM,
            detail=EXEMPTION_DETAIL,
        )
        services.decide_exemption(exemption, by=admin, approve=True)
    log("Wali: siswa8 menyetujui lewat tautan, siswa9 tautan menunggu, siswa10 pengecualian")

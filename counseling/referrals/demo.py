"""The demo school's referrals: one in each state, a teacher (guru1) and her referral.

siswa7 (Maya) was on konselor1's caseload; konselor1 handed her to konselor2 after three
attempts that ended otherwise (Maya declined; konselor2 declined; konselor1 withdrew),
and konselor1 still reads her own notes, read-only, for 14 days; the hand-over shared
Maya's online conversation with konselor1, which konselor2 reads. konselor2 now proposes
handing her back, and her dashboard asks her. siswa6 asked to change counselor and
konselor1, the coordinator, is to choose; siswa5's referral waits for konselor1. guru1,
wali kelas X-2, referred Maya.
"""

import datetime

from django.utils import timezone

from consent import rendering
from consent import services as consent_services
from counseling.accounts.models import User
from counseling.guardians import services as guardian_services
from counseling.guardians.models import Guardian
from counseling.messaging import services as messaging
from counseling.records import services as records_services
from counseling.records.models import Counselee
from counseling.referrals import bk, external
from counseling.referrals import services as referrals
from counseling.referrals.models import ExternalReferral, Referral, TeachingAssignment
from sessions import services as session_services

Reason = Referral.Reason
Scope = Referral.Scope

TEACHER = ("guru1", "Wati Susanti, S.Pd.", User.Role.TEACHER)
STUDENT = (
    "siswa7",
    "Maya Anggraini",
    "2324100207",
    "X-2",
    datetime.date(2010, 2, 11),
    "Ibu Ratna Sari",
    "0812-7070-0707",
    "Suka menggambar; jarang bicara di kelas.",
)
MAYA_NOTE = "Maya cemas tampil di depan kelas; berlatih napas dan langkah kecil presentasi."
MAYA_MESSAGE = "Bu, aku deg-degan sekali kalau harus presentasi minggu depan."
MAYA_REPLY = "Kita latihan napas dulu ya, Maya. Kamu sudah berani bercerita."
SUMMARY = "Maya butuh pendampingan kecemasan tampil; sudah dua sesi latihan pernapasan."


def seed(users: dict, counselees: dict, make_user, admin, log=print) -> None:
    """`make_user(username, full_name, role)` is the demo's own get-or-create."""
    if Referral.objects.exists():
        return
    konselor1, konselor2 = users["konselor1"], users["konselor2"]
    konselor1.is_coordinator = True
    konselor1.save(update_fields=["is_coordinator"])
    username, name, nis, class_name, born, guardian, phone, background = STUDENT
    student = make_user(username, name, User.Role.STUDENT)
    maya, _ = Counselee.objects.get_or_create(
        user=student,
        defaults={
            "nis": nis,
            "class_name": class_name,
            "date_of_birth": born,
            "background_notes": background,
        },
    )
    # Her guardian signed the paper form at enrolment, as siswa1-6's did.
    if not Guardian.objects.filter(counselee=maya).exists():
        maya_guardian = guardian_services.add_guardian(
            maya, by=admin, name=guardian, relation=Guardian.Relation.GUARDIAN, phone=phone
        )
        guardian_services.record_paper_form(
            maya_guardian,
            by=admin,
            form_number=f"BK-{nis[-4:]}",
            signed_on=timezone.localdate() - datetime.timedelta(days=60),
        )
    document = consent_services.current_document()
    if document is not None:
        consent_services.acknowledge(
            student,
            document,
            language="id",
            shown_hash=rendering.text_hash(*document.text("id")),
            typed_name=student.full_name,
        )
    records_services.assign(konselor1, maya, by=admin)
    session = session_services.start_session(
        session_services.create_walk_in_session(maya, by=konselor1),
        by=konselor1,
        limits_explained=True,
    )
    note = session_services.write_note(session, by=konselor1, body=MAYA_NOTE)
    session_services.finalise_note(note, by=konselor1)

    def propose(by, to, reason, scope=Scope.ALL, counselee=maya, share_conversation=False):
        return referrals.propose(
            counselee,
            by=by,
            to=to,
            reason=reason,
            reason_text="",
            summary=SUMMARY if counselee == maya else "Pendampingan persiapan studi lanjut.",
            scope=scope,
            share_conversation=share_conversation,
        )

    # Maya wrote to konselor1 online; the accepted referral shares it (she left it in),
    # so konselor2 reads these lines, read-only.
    conversation = messaging.open_conversation(student, konselor1, by=student)
    messaging.send(conversation, by=student, body=MAYA_MESSAGE)
    messaging.send(conversation, by=konselor1, body=MAYA_REPLY)

    referrals.answer_as_student(
        propose(konselor1, konselor2, Reason.WORKLOAD), by=student, accept=False
    )
    declined = propose(konselor1, konselor2, Reason.SPECIALIST)
    referrals.answer_as_student(declined, by=student, accept=True)
    referrals.answer_as_receiver(declined, by=konselor2, accept=False)
    referrals.withdraw(propose(konselor1, konselor2, Reason.OTHER), by=konselor1)
    accepted = propose(konselor1, konselor2, Reason.SPECIALIST, share_conversation=True)
    referrals.answer_as_student(accepted, by=student, accept=True)
    referrals.answer_as_receiver(accepted, by=konselor2, accept=True)
    # konselor2 now proposes handing Maya back to konselor1: her dashboard asks her.
    propose(konselor2, konselor1, Reason.SPECIALIST, Scope.ALL)

    # Nabila asks to change counselor ("Aku ingin ganti konselor"): konselor1, the
    # coordinator, is to choose who takes over.
    nabila = counselees["siswa6"]
    referrals.ask_to_change(nabila.assignments.active().get(), by=nabila.user)
    putri = counselees["siswa5"]
    waiting = propose(konselor2, konselor1, Reason.WORKLOAD, Scope.SUMMARY, counselee=putri)
    referrals.answer_as_student(waiting, by=putri.user, accept=True)
    log(
        "Alih tangan kasus: siswa7 (setiap status, kini usulan menunggu jawabannya), siswa6 "
        "minta ganti konselor, siswa5 menunggu konselor1 (koordinator BK)"
    )

    siti = counselees["siswa1"]
    external.make(
        siti,
        by=konselor1,
        recipient_kind=ExternalReferral.RecipientKind.PSYCHOLOGIST,
        recipient_name="Biro Psikologi Harapan, Kota Contoh",
        letter_text="Mohon asesmen kecemasan menjelang ujian; dua sesi di sekolah sudah dijalani.",
        basis=ExternalReferral.Basis.CONSENT,
    )
    log("Rujukan ke luar sekolah: satu untuk siswa1, menunggu persetujuannya")

    teacher = make_user(*TEACHER)
    TeachingAssignment.objects.get_or_create(
        teacher=teacher, class_name="X-2", defaults={"is_homeroom": True}
    )
    bk.refer(maya, by=teacher, reason="Maya sering menyendiri saat istirahat akhir-akhir ini.")
    log("Guru: guru1 (wali kelas X-2) merujuk siswa7 ke BK")

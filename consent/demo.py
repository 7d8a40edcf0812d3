"""The demo school's consent document and acknowledgements, and one disclosure."""

from consent import demo_document, rendering, services
from consent.models import ConsentAcknowledgement, ConsentDocument, Disclosure

ACKNOWLEDGED = ["siswa1", "siswa2", "siswa3", "siswa4", "siswa5"]  # siswa6 shows the gate


def seed(admin, counselees, counselors, log=print):
    document = ConsentDocument.objects.filter(version=1).first()
    if document is None:
        document = ConsentDocument.objects.create(
            version=1,
            title_id=demo_document.TITLE_ID,
            body_id=demo_document.BODY_ID,
            title_en=demo_document.TITLE_EN,
            body_en=demo_document.BODY_EN,
        )
    if not document.is_published:
        services.publish(document, by=admin)
    shown_hash = rendering.text_hash(*document.text("id"))
    for username in ACKNOWLEDGED:
        student = counselees[username].user
        if not ConsentAcknowledgement.objects.filter(student=student, document=document).exists():
            services.acknowledge(
                student,
                document,
                language="id",
                shown_hash=shown_hash,
                typed_name=student.full_name,
            )
    log("Persetujuan: versi 1 terbit; siswa1-5 sudah menyetujui, siswa6 belum")

    # Version 2 adds online counseling; siswa1-5 accepted it too, siswa6 still meets it.
    online = ConsentDocument.objects.filter(version=2).first()
    if online is None:
        online = ConsentDocument.objects.create(
            version=2,
            title_id=demo_document.TITLE_ID,
            body_id=demo_document.BODY_ID_V2,
            title_en=demo_document.TITLE_EN,
            body_en=demo_document.BODY_EN_V2,
            covers_online_counseling=True,
        )
    if not online.is_published:
        services.publish(online, by=admin)
    online_hash = rendering.text_hash(*online.text("id"))
    for username in ACKNOWLEDGED:
        student = counselees[username].user
        if not ConsentAcknowledgement.objects.filter(student=student, document=online).exists():
            services.acknowledge(
                student,
                online,
                language="id",
                shown_hash=online_hash,
                typed_name=student.full_name,
            )
    log("Persetujuan: versi 2 (konseling daring) terbit; siswa1-5 sudah menyetujui")

    if not Disclosure.objects.exists():
        services.record_disclosure(
            counselees["siswa5"],
            by=counselors["konselor2"],
            reason=Disclosure.Reason.DANGER_TO_SELF,
            recipient_name="Ibu Kartika Dewi",
            recipient_role=Disclosure.RecipientRole.PARENT,
            recipient_role_detail="Ibu kandung",
            recipient_institution="",
            what_was_shared=(
                "Putri merasa sangat tertekan dan sulit tidur berminggu-minggu; orang tua diminta "
                "menemaninya ke puskesmas untuk pemeriksaan."
            ),
            student_informed=True,
        )
        log("Pengungkapan: satu, untuk siswa5, sudah diberitahukan kepadanya")

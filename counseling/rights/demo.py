"""The demo school's data-rights requests, one of each kind and state.

siswa1 asked for a copy of her records (waiting for konselor1's review); siswa2's copy was
reviewed and released by konselor1, who withheld one note (the download page and the
withheld list with its reason), and she asked for her class to be corrected (the DPO
decides); siswa5 added her view beside a session note;
siswa4's objection was answered; siswa12's erasure request was refused because a legal
hold is asked for; siswa10 asked for processing to be restricted (waiting).
"""

import json

from counseling.accounts.models import User
from counseling.records.models import Counselee
from counseling.rights import copies, services
from counseling.rights.models import DataRequest, WithheldNote
from sessions.models import SessionNote

Kind = DataRequest.Kind


def _counselee(username: str) -> Counselee | None:
    return Counselee.objects.select_related("user").filter(user__username=username).first()


def seed(users: dict, counselees: dict, log=print) -> None:
    if DataRequest.objects.exists():
        return
    dpo = User.objects.get(username="dpo")
    siti: Counselee = counselees["siswa1"]
    services.make_request(
        siti,
        by=siti.user,
        kind=Kind.COPY,
        details="Saya ingin menyimpan catatan konseling saya sebelum lulus.",
    )
    siswa2 = counselees["siswa2"]
    copy_request = services.make_request(siswa2, by=siswa2.user, kind=Kind.COPY)
    reviewer = users["konselor1"]
    notes = copies.notes_for_review(copy_request, by=reviewer)
    withheld = {}
    if notes:
        first: SessionNote = notes[0]
        withheld[str(first.public_id)] = WithheldNote.Reason.ENDANGERS_OTHERS
    copies.release(
        copy_request,
        by=reviewer,
        withheld=withheld,
        phrases=[],
        reviewed=copies.fingerprint(notes),
    )
    services.make_request(
        siswa2,
        by=siswa2.user,
        kind=Kind.CORRECTION,
        details="Saya sudah pindah kelas sejak semester ini.",
        proposed=json.dumps({"class_name": "XI-IPA-2"}),
    )
    siswa5 = counselees["siswa5"]
    note = SessionNote.objects.filter(
        session__counselee=siswa5, status=SessionNote.Status.FINAL
    ).first()
    if note is not None:
        services.add_view_to_note(
            note,
            by=siswa5.user,
            view="Menurut saya masalahnya bukan malas, tetapi saya kurang tidur karena bekerja.",
        )
    siswa4 = counselees["siswa4"]
    objection = services.make_request(
        siswa4,
        by=siswa4.user,
        kind=Kind.OBJECTION,
        details="Saya tidak mau wali kelas tahu saya datang ke BK.",
    )
    services.decide(
        objection,
        by=dpo,
        grant=True,
        answer="Wali kelas tidak pernah melihat apakah kamu datang ke BK; hanya guru BK-mu.",
    )
    held = _counselee("siswa12")
    if held is not None:
        erasure = services.make_request(held, by=held.user, kind=Kind.ERASURE)
        services.decide(
            erasure,
            by=dpo,
            grant=False,
            ground=DataRequest.Ground.LEGAL_HOLD,
            answer="Catatanmu diperlukan untuk perkara yang sedang berjalan.",
        )
    restricted = _counselee("siswa10")
    if restricted is not None:
        services.make_request(restricted, by=restricted.user, kind=Kind.RESTRICTION)
    log(
        "Hak atas data: siswa1 minta salinan, salinan siswa2 dirilis konselor1 (satu "
        "catatan ditahan), siswa2 minta perbaikan kelas, siswa5 menambah "
        "pandangan, siswa4 keberatan dijawab, siswa12 penghapusan ditolak (penahanan "
        "hukum), siswa10 minta pembatasan; petugas pelindungan data: dpo"
    )

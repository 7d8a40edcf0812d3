"""The demo school's data-rights requests.

siswa1 asked for a copy of her records (waiting for konselor1's review); siswa2's copy
was reviewed and released by konselor1, who withheld one note, so the demo shows the
download page and the withheld list with its reason.
"""

from counseling.records.models import Counselee
from counseling.rights import copies, services
from counseling.rights.models import DataRequest, WithheldNote
from sessions.models import SessionNote


def seed(users: dict, counselees: dict, log=print) -> None:
    if DataRequest.objects.exists():
        return
    siti: Counselee = counselees["siswa1"]
    services.make_request(
        siti,
        by=siti.user,
        kind=DataRequest.Kind.COPY,
        details="Saya ingin menyimpan catatan konseling saya sebelum lulus.",
    )
    log("Hak atas data: siswa1 meminta salinan datanya (menunggu tinjauan konselor1)")

    second: Counselee = counselees["siswa2"]
    copy_request = services.make_request(second, by=second.user, kind=DataRequest.Kind.COPY)
    reviewer = users["konselor1"]
    notes = copies.notes_for_review(copy_request, by=reviewer)
    withheld = {}
    if notes:
        first: SessionNote = notes[0]
        withheld[str(first.public_id)] = WithheldNote.Reason.ENDANGERS_OTHERS
    copies.release(copy_request, by=reviewer, withheld=withheld, phrases=[])
    log("Hak atas data: salinan siswa2 dirilis konselor1, satu catatan ditahan")

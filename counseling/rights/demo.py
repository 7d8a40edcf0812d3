"""The demo school's data-rights requests: siswa1 asked for a copy of her records."""

from counseling.records.models import Counselee
from counseling.rights import services
from counseling.rights.models import DataRequest


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

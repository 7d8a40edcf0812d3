"""The demo school's breach: konselor1's laptop was lost with her account signed in.

Recorded by the data protection officer over the last day, a window that covers the
demo's morning in the access log; its exposure is computed, its letters drafted, and
siswa1's letter marked sent (so it is in her inbox and on her letter page).
"""

import datetime

from django.utils import timezone

from counseling.breaches import services
from counseling.breaches.models import Breach, BreachNotice


def seed(dpo, users: dict, log=print) -> None:
    if Breach.objects.exists():
        return
    now = timezone.now()
    breach = services.record_breach(
        by=dpo,
        description=(
            "Laptop sekolah yang dipakai seorang guru BK tertinggal di angkutan umum dalam "
            "keadaan masih masuk ke Amanah."
        ),
        how_found="Guru BK yang bersangkutan melapor kepada petugas pelindungan data.",
        handling=(
            "Sesi akun diakhiri dan kata sandi serta verifikasi dua langkahnya diganti pada "
            "hari yang sama; kehilangan dilaporkan ke polisi; log akses akun itu diperiksa."
        ),
        occurred_from=now - datetime.timedelta(days=1),
        occurred_to=now,
        approximate=True,
        discovered_at=now,
        scope=Breach.Scope.ACCOUNT,
        scope_account=users["konselor1"],
    )
    exposed = services.compute_exposure(breach, by=dpo)
    letter = breach.notices.filter(
        audience=BreachNotice.Audience.STUDENT, counselee__user__username="siswa1"
    ).first()
    if letter is not None:
        services.mark_notice_sent(letter, by=dpo)
    log(
        f"Kegagalan pelindungan data: laptop konselor1 hilang; {len(exposed)} siswa terdampak, "
        "surat untuk siswa1 sudah ditandai terkirim"
    )

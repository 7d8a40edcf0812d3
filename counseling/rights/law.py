"""What UU PDP (Undang-Undang Nomor 27 Tahun 2022) says about each request, and its clock.

README quotes the same articles. The law gives the controller 3 x 24 hours to give access
and a copy (art. 32), to correct (art. 30) and to restrict processing (art. 41); for
erasure (art. 43) and objection (art. 10) it names no hours, and the school holds itself
to the same 3 x 24 so that no request waits longer than another.
"""

import datetime

from django.utils.translation import gettext_lazy as _

from counseling.rights.models import DataRequest

Kind = DataRequest.Kind

DEADLINE = datetime.timedelta(hours=72)

# (the right, the controller's duty) for each kind, as "Pasal n".
ARTICLES = {
    Kind.COPY: ("Pasal 7", "Pasal 32 dan 33"),
    Kind.CORRECTION: ("Pasal 6", "Pasal 30"),
    Kind.ERASURE: ("Pasal 8", "Pasal 43"),
    Kind.RESTRICTION: ("Pasal 11", "Pasal 41"),
    Kind.OBJECTION: ("Pasal 10", "Pasal 10"),
}

# What each right means, in the words a student reads on "Data saya".
EXPLAINED = {
    Kind.COPY: _(
        "Kamu boleh melihat dan mendapat salinan data yang sekolah simpan tentangmu: data "
        "dirimu, persetujuanmu, jadwal, catatan sesi yang dirilis guru BK-mu, pesan, dan "
        "siapa saja yang membuka catatanmu."
    ),
    Kind.CORRECTION: _(
        "Bila namamu salah eja, kelasmu keliru atau kontakmu berubah, minta diperbaiki. "
        "Bila kamu tidak setuju dengan isi sebuah catatan sesi, pandanganmu ditambahkan di "
        "samping catatan itu."
    ),
    Kind.ERASURE: _(
        "Kamu boleh meminta datamu di Amanah dihapus. Sekolah bisa menolak bila ada "
        "perkara hukum atau kasus yang masih ditangani, dan akan menyebut alasannya."
    ),
    Kind.RESTRICTION: _(
        "Kamu boleh meminta sekolah berhenti dulu memproses datamu: tidak ada sesi, "
        "catatan atau pesan baru, tetapi catatan lama tetap disimpan."
    ),
    Kind.OBJECTION: _(
        "Kamu boleh menyatakan keberatan atas cara datamu diproses. Amanah tidak "
        "mengambil keputusan otomatis tentangmu; petugas pelindungan data menjawab "
        "keberatanmu."
    ),
}


def due_at(received_at: datetime.datetime) -> datetime.datetime:
    return received_at + DEADLINE

"""Who reads the record of processing activities, and who sees each kind of data.

The record (UU PDP art. 31, `counseling.rights.processing`) is the school's: the data
protection officer keeps it and the admin may read it; nobody else learns it exists.

`WHO_SEES` is the record's "who sees it" column, one line per role for each kind of
data. It says in words what the predicates of this package decide, and it lives here,
beside them, so that a change to a rule has its sentence next door. Every role has a
line in every kind, "nothing" included: a new role without lines fails its test.
"""

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from counseling.policy.core import Person, Role, has_role


def may_see_processing_record(user: Person) -> bool:
    return has_role(user, Role.DPO, Role.ADMIN)


NOTHING = _("tidak melihat apa pun")
METADATA = _("metadata saja (siapa, kapan, berapa), tidak pernah isinya")

WHO_SEES: dict[str, dict[str, Promise]] = {
    "directory": {
        Role.STUDENT: _("data dirinya sendiri"),
        Role.COUNSELOR: _("nama, NIS, kelas; catatan latar dan kontak wali siswa di kasusnya"),
        Role.ADMIN: _("nama, NIS, kelas dan kontak wali; tidak pernah catatan latar"),
        Role.TEACHER: _("nama dan kelas siswa di kelas yang diajarnya"),
        Role.DPO: _("nama, NIS dan kelas"),
    },
    "records": {
        Role.STUDENT: _("catatannya sendiri yang dibagikan kepadanya, bukan catatan kerja"),
        Role.COUNSELOR: _(
            "siswa di kasus aktifnya; catatan lama sejauh disetujui siswa; akses darurat "
            "sementara dan tercatat"
        ),
        Role.ADMIN: METADATA,
        Role.TEACHER: NOTHING,
        Role.DPO: METADATA,
    },
    "bookings": {
        Role.STUDENT: _("jadwal dan topiknya sendiri"),
        Role.COUNSELOR: _("jadwal siswa yang memesannya, dengan topiknya"),
        Role.ADMIN: METADATA,
        Role.TEACHER: NOTHING,
        Role.DPO: METADATA,
    },
    "messages": {
        Role.STUDENT: _("percakapannya sendiri"),
        Role.COUNSELOR: _("percakapan dengan siswa di kasusnya"),
        Role.ADMIN: _("jumlah pesan saja"),
        Role.TEACHER: NOTHING,
        Role.DPO: METADATA,
    },
    "consent": {
        Role.STUDENT: _("persetujuannya sendiri"),
        Role.COUNSELOR: _("apakah siswa di kasusnya sudah menyetujui versi terbaru"),
        Role.ADMIN: _("dokumen persetujuan dan siapa menyetujui versi mana"),
        Role.TEACHER: NOTHING,
        Role.DPO: METADATA,
    },
    "guardians": {
        Role.STUDENT: _("status persetujuan walinya, bukan kontak walinya"),
        Role.COUNSELOR: _("kontak wali dan pengecualian siswa di kasusnya"),
        Role.ADMIN: _("kontak wali; tidak pernah rincian pengecualian"),
        Role.TEACHER: NOTHING,
        Role.DPO: METADATA,
    },
    "crisis": {
        Role.STUDENT: _("permintaannya sendiri dan rencana keselamatan yang dibagikan kepadanya"),
        Role.COUNSELOR: _("permintaan yang diambilnya; rencana keselamatan siswa di kasusnya"),
        Role.ADMIN: METADATA,
        Role.TEACHER: NOTHING,
        Role.DPO: METADATA,
    },
    "referrals": {
        Role.STUDENT: _("ringkasan alih tangan kasus dan surat rujukannya sendiri"),
        Role.COUNSELOR: _("rujukan yang dibuatnya, dan yang diterimanya setelah siswa setuju"),
        Role.ADMIN: _("jumlah rujukan ke luar sekolah per jenis dan status"),
        Role.TEACHER: _("rujukannya sendiri: diterima dan ditindaklanjuti, tanpa isi"),
        Role.DPO: METADATA,
    },
    "access_log": {
        Role.STUDENT: _("siapa membuka catatannya, kapan dan mengapa"),
        Role.COUNSELOR: NOTHING,
        Role.ADMIN: _("seluruh log (metadata) dan peninjauan akses darurat"),
        Role.TEACHER: NOTHING,
        Role.DPO: _("seluruh log (metadata), tanpa alasan akses darurat"),
    },
    "rights": {
        Role.STUDENT: _(
            "permintaannya sendiri, jam hitung mundurnya dan jawabannya; surat kegagalan "
            "pelindungan data untuknya"
        ),
        Role.COUNSELOR: _("permintaan siswa di kasusnya; meninjau salinan sebelum dirilis"),
        Role.ADMIN: _(
            "penahanan hukum dan penghapusan, tanpa alasan penahanan; kegagalan pelindungan "
            "data, siswa terdampak dan suratnya"
        ),
        Role.TEACHER: NOTHING,
        Role.DPO: _(
            "semua permintaan dan rinciannya; penahanan hukum (tanpa alasannya) dan penghapusan; "
            "kegagalan pelindungan data, siswa terdampak dan suratnya"
        ),
    },
    "notices": {
        Role.STUDENT: _("kotak masuknya sendiri"),
        Role.COUNSELOR: _("kotak masuknya sendiri"),
        Role.ADMIN: _("kotak masuknya sendiri"),
        Role.TEACHER: _("kotak masuknya sendiri"),
        Role.DPO: _("kotak masuknya sendiri"),
    },
    "security": {
        Role.STUDENT: NOTHING,
        Role.COUNSELOR: _("faktor keduanya sendiri"),
        Role.ADMIN: _("faktor keduanya sendiri"),
        Role.TEACHER: NOTHING,
        Role.DPO: _("faktor keduanya sendiri"),
    },
}

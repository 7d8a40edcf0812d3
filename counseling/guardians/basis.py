"""What each basis means, in words: for the guardian (Anda), the student (kamu) and staff."""

from django.utils.translation import gettext_lazy as _

from counseling.guardians.models import Basis

FOR_GUARDIAN = {
    Basis.CONSENT_REQUIRED: _(
        "Sekolah meminta persetujuan wali sebelum sesi konseling pertama bagi siswa di bawah "
        "18 tahun (UU 27/2022 tentang Pelindungan Data Pribadi, pasal 25). Bila Anda tidak "
        "menyetujui atau menarik persetujuan, sesi konseling biasa tidak dimulai; bantuan "
        "dalam keadaan krisis tetap diberikan."
    ),
    Basis.NOTICE_ONLY: _(
        "Sekolah memberi tahu wali tentang layanan BK. Layanan BK adalah tugas sekolah "
        "(Permendikbud 111/2014 tentang Bimbingan dan Konseling), sehingga sesi tidak "
        "menunggu persetujuan Anda; dokumen ini menjelaskan apa yang dilakukan dan disimpan."
    ),
    Basis.PUBLIC_DUTY: _(
        "Sekolah memberikan layanan BK sebagai tugas layanan publiknya (Permendikbud 111/2014; "
        "UU 27/2022 pasal 20 ayat 2 huruf e). Dokumen ini memberi tahu Anda apa yang dilakukan "
        "dan disimpan; sesi tidak menunggu persetujuan wali."
    ),
}

FOR_STUDENT = {
    Basis.CONSENT_REQUIRED: _(
        "Karena kamu belum berusia 18 tahun, sekolah juga meminta persetujuan walimu sebelum "
        "sesi pertama. Walimu tidak pernah diberi tahu apa yang kamu ceritakan. Bila memberi "
        "tahu walimu bisa membahayakanmu, katakan kepada guru BK: ada pengecualian. Kamu tetap "
        "boleh meminta bantuan dan memesan jadwal, dan jalur krisis selalu terbuka."
    ),
    Basis.NOTICE_ONLY: _(
        "Karena kamu belum berusia 18 tahun, sekolah memberi tahu walimu tentang layanan BK, "
        "tanpa isi apa pun yang kamu ceritakan. Sesi tidak menunggu persetujuan walimu."
    ),
    Basis.PUBLIC_DUTY: _(
        "Layanan BK adalah tugas sekolah; sesi tidak menunggu persetujuan walimu, dan walimu "
        "tidak diberi tahu apa yang kamu ceritakan."
    ),
}

ADULT_STUDENT = _(
    "Kamu sudah berusia 18 tahun: persetujuan untuk konseling kini hanya darimu, bukan dari walimu."
)


def for_guardian(basis: str) -> str:
    return str(FOR_GUARDIAN[Basis(basis)])


def for_student(basis: str, *, adult: bool) -> str:
    return str(ADULT_STUDENT if adult else FOR_STUDENT[Basis(basis)])

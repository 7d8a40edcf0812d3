"""The record of processing activities (UU PDP art. 31), generated, never hand-written.

What is processed comes from the installed models: every model with an encrypted field
or a row about a counselee is listed, under the kind of data its app holds, so a new
model appears on the page the day it is migrated (under "not yet classified" until it is
given a kind here). Why, on what basis and for how long come from the settings that
decide them (`GUARDIAN_BASIS`, `AMANAH_RETENTION_*`, `BACKUP_KEEP_DAYS`, ...), who sees it
from the policy's own table (`counseling.policy.processing.WHO_SEES`), and the
processors from the configured addresses, with any credentials left out.
"""

import datetime
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlsplit

from django.apps import apps
from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from consent import services as consent_services
from counseling import policy
from counseling.accounts.models import User
from counseling.encryption import counselee_key_fields, encrypted_field_names
from counseling.guardians.models import Basis
from counseling.policy.processing import WHO_SEES
from counseling.records.models import Counselee
from counseling.rights import law

# The kind of data each app holds; a model may be filed under another kind below.
KIND_OF_APP = {
    "accounts": "directory",
    "records": "directory",
    "counseling_sessions": "records",
    "consent": "consent",
    "messaging": "messages",
    "guardians": "guardians",
    "crisis": "crisis",
    "referrals": "referrals",
    "audit": "access_log",
    "rights": "rights",
    "retention": "rights",
    "breaches": "rights",
    "notices": "notices",
}
KIND_OF_MODEL = {
    "accounts.authenticatordevice": "security",
    "records.encryptioncanary": "security",
    "counseling_sessions.booking": "bookings",
    "consent.disclosure": "records",
    "retention.schoolstatus": "directory",
}
# Rows about a person that name no counselee and seal nothing, yet are personal data.
ALSO_PERSONAL = {
    "accounts.user",
    "consent.consentacknowledgement",
    "consent.consentwithdrawal",
    "notices.notice",
}
UNCLASSIFIED = "unclassified"
ROLES: list[tuple[str, Promise | str]] = [(role.value, role.label) for role in User.Role]

TITLES = {
    "directory": gettext_lazy("Data induk siswa dan akun"),
    "records": gettext_lazy("Catatan konseling"),
    "bookings": gettext_lazy("Pemesanan jadwal"),
    "messages": gettext_lazy("Pesan konseling daring"),
    "consent": gettext_lazy("Persetujuan"),
    "guardians": gettext_lazy("Wali siswa"),
    "crisis": gettext_lazy("Krisis: bicara sekarang dan rencana keselamatan"),
    "referrals": gettext_lazy("Rujukan"),
    "access_log": gettext_lazy("Log akses"),
    "rights": gettext_lazy(
        "Hak atas data, penahanan hukum, penghapusan dan kegagalan pelindungan data"
    ),
    "notices": gettext_lazy("Pemberitahuan"),
    "security": gettext_lazy("Keamanan akun dan kunci"),
    UNCLASSIFIED: gettext_lazy("Belum digolongkan"),
}
PURPOSES = {
    "directory": gettext_lazy(
        "Mengenali siswa dan petugas, membagi kasus kepada konselor, dan mencegah konflik "
        "kepentingan."
    ),
    "records": gettext_lazy(
        "Menjalankan layanan bimbingan dan konseling: sesi, catatan sesi, dan pengungkapan "
        "dalam batas kerahasiaan."
    ),
    "bookings": gettext_lazy("Mengatur jadwal sesi antara siswa dan konselor."),
    "messages": gettext_lazy("Konseling daring antara siswa dan konselornya."),
    "consent": gettext_lazy(
        "Mencatat bahwa siswa memahami dan menyetujui layanan serta batas kerahasiaannya."
    ),
    "guardians": gettext_lazy(
        "Memberi tahu wali atau meminta persetujuannya bagi siswa di bawah 18 tahun, dan "
        "pengecualian bila itu membahayakan siswa."
    ),
    "crisis": gettext_lazy("Menolong siswa yang butuh bicara sekarang dan menjaga keselamatannya."),
    "referrals": gettext_lazy(
        "Alih tangan kasus antarkonselor, rujukan guru ke BK, dan rujukan ke luar sekolah."
    ),
    "access_log": gettext_lazy(
        "Mencatat setiap akses dan perubahan, agar siswa dan sekolah dapat memeriksa bahwa "
        "kerahasiaan dijaga."
    ),
    "rights": gettext_lazy(
        "Menjawab permintaan siswa atas datanya, menahan catatan untuk perkara hukum, "
        "membuktikan penghapusan, dan menangani kegagalan pelindungan data (pasal 46)."
    ),
    "notices": gettext_lazy("Memberi tahu orang tentang jadwal dan tugasnya, tanpa isi."),
    "security": gettext_lazy("Masuk dengan faktor kedua dan memeriksa kunci saat mulai."),
    UNCLASSIFIED: gettext_lazy("Belum ditetapkan: model baru yang perlu digolongkan."),
}
# UU 27/2022 art. 20(2): the grounds a kind of data rests on, besides a minor's basis.
ON_CONSENT = {"records", "bookings", "messages", "consent", "referrals", "directory"}
LEGAL_DUTY = {"access_log", "rights", "notices", "security"}


@dataclass
class ModelEntry:
    label: str
    name: str
    encrypted: list[str]
    under_her_key: bool


@dataclass
class Kind:
    key: str
    title: str
    purpose: str
    basis: list[str]
    retention: list[str]
    who_sees: list[tuple[str, str]]
    models: list[ModelEntry] = field(default_factory=list)


@dataclass
class Record:
    year: int
    generated_at: datetime.datetime
    controller: dict[str, str]
    dpos: list[str]
    kinds: list[Kind]
    processors: list[tuple[str, str]]
    security: list[str]


def _about_counselee(model: type[models.Model]) -> bool:
    return any(f.is_relation and f.related_model is Counselee for f in model._meta.concrete_fields)


def personal_data_models() -> list[type[models.Model]]:
    """Every installed model that holds personal data, as the code declares it."""
    return [
        model
        for model in apps.get_models()
        if encrypted_field_names(model)
        or _about_counselee(model)
        or model._meta.label_lower in ALSO_PERSONAL
    ]


def kind_of(model: type[models.Model]) -> str:
    label = model._meta.label_lower
    return KIND_OF_MODEL.get(label) or KIND_OF_APP.get(model._meta.app_label, UNCLASSIFIED)


def _retention_years() -> str:
    years = settings.AMANAH_RETENTION_YEARS
    return _(
        "%(years)s tahun setelah siswa lulus, pindah atau keluar, lalu dihapus dengan "
        "memusnahkan kunci datanya (siswa dan konselornya diberi tahu %(notice)s hari "
        "sebelumnya; penahanan hukum menundanya)."
    ) % {"years": years, "notice": settings.AMANAH_RETENTION_NOTICE_DAYS}


def _backups() -> str:
    return _(
        "Salinan cadangan terenkripsi disimpan %(days)s hari; setelah itu kunci data siswa "
        "yang dihapus tidak ada lagi di mana pun."
    ) % {"days": settings.BACKUP_KEEP_DAYS}


def retention_of(key: str) -> list[str]:
    if key == "access_log":
        return [
            _(
                "Tidak dihapus: entri yang dirantai hash tetap ada agar log tetap dapat "
                "diverifikasi; setelah siswa dihapus, entri hanya menunjuk ke catatan yang "
                "telah dikosongkan."
            ),
            _backups(),
        ]
    if key == "notices":
        days = settings.AMANAH_OUTBOX_RETENTION.days
        return [_("%(days)s hari setelah terkirim atau ditarik.") % {"days": days}]
    if key == "consent":
        return [
            _(
                "Persetujuan dan penarikannya tidak dapat diubah dan tetap disimpan, juga "
                "setelah siswa dihapus, sebagai bukti; dokumen persetujuan menyebut lama "
                "penyimpanan catatan: %(years)s tahun."
            )
            % {"years": settings.AMANAH_RETENTION_YEARS},
            _backups(),
        ]
    if key == "security":
        return [_("Selama akun petugas aktif; diganti bila perangkat hilang.")]
    lines = [_retention_years()]
    if key == "rights":
        hours = int(law.DEADLINE.total_seconds() // 3600)
        lines.append(
            _(
                "Permintaan dijawab dalam %(hours)s jam; penahanan hukum yang belum "
                "dikonfirmasi berakhir setelah %(days)s hari."
            )
            % {"hours": hours, "days": settings.AMANAH_LEGAL_HOLD_CONFIRM_DAYS}
        )
    lines.append(_backups())
    return lines


def basis_of(key: str) -> list[str]:
    lines = []
    if key in ON_CONSENT:
        document = consent_services.current_document()
        if document is not None:
            lines.append(
                _(
                    "Persetujuan siswa (UU PDP pasal 20 ayat 2 huruf a): dokumen persetujuan "
                    "versi %(version)s, diterbitkan %(date)s."
                )
                % {
                    "version": document.version,
                    "date": timezone.localtime(document.published_at).strftime("%d-%m-%Y"),
                }
            )
        else:
            lines.append(
                _("Persetujuan siswa (UU PDP pasal 20 ayat 2 huruf a): belum ada dokumen terbit.")
            )
    if key in ON_CONSENT | {"guardians"}:
        basis = Basis(policy.guardian_basis())
        lines.append(
            _("Siswa di bawah 18 tahun (pasal 25), pengaturan GUARDIAN_BASIS: %(basis)s.")
            % {"basis": basis.label}
        )
    if key == "crisis":
        lines.append(_("Pelindungan kepentingan vital siswa (pasal 20 ayat 2 huruf d)."))
    if key in LEGAL_DUTY:
        lines.append(
            _(
                "Kewajiban hukum sekolah sebagai pengendali data (pasal 20 ayat 2 huruf c; "
                "pasal 35)."
            )
        )
    if key == "directory":
        lines.append(
            _(
                "Tugas layanan publik sekolah (pasal 20 ayat 2 huruf e; Permendikbud "
                "111/2014 tentang Bimbingan dan Konseling)."
            )
        )
    return lines or [_("Belum ditetapkan.")]


def _who_sees(key: str) -> list[tuple[str, str]]:
    lines = WHO_SEES.get(key, {})
    return [(str(label), str(lines.get(role, _("belum ditetapkan")))) for role, label in ROLES]


def _address(url: str) -> str:
    """scheme://host:port of `url`, with any user name and password left out."""
    parts = urlsplit(url)
    host = parts.hostname or ""
    port = f":{parts.port}" if parts.port else ""
    return f"{parts.scheme}://{host}{port}" if host else f"{parts.scheme}://"


def processors() -> list[tuple[str, str]]:
    database = settings.DATABASES["default"]
    engine = database["ENGINE"].rsplit(".", 1)[-1]
    if engine == "sqlite3":
        where = _("berkas SQLite di server aplikasi")
    else:
        port = f":{database['PORT']}" if database.get("PORT") else ""
        where = f"{engine} {database.get('HOST') or 'localhost'}{port}/{database.get('NAME')}"
    broker = settings.CELERY_BROKER_URL
    if settings.CELERY_TASK_ALWAYS_EAGER:
        queue = _("tidak ada: tugas dijalankan di proses aplikasi")
    else:
        queue = _address(broker)
    if settings.EMAIL_BACKEND.endswith(".smtp.EmailBackend"):
        # The host and port alone: EMAIL_URL's user name and password stay in settings.
        mail = f"SMTP {settings.EMAIL_HOST}:{settings.EMAIL_PORT}"
    else:
        mail = _("tidak ada relai: %(backend)s") % {"backend": settings.EMAIL_BACKEND}
    return [
        (_("Basis data (semua data di atas)"), where),
        (_("Antrean tugas (hanya id, tanpa isi)"), queue),
        (_("Relai e-mail (pemberitahuan tanpa isi)"), mail),
    ]


def security_measures() -> list[str]:
    sealed = sum(len(counselee_key_fields(model)) for model in apps.get_models())
    staff = [
        str(label)
        for role, label in ROLES
        if policy.enrols_second_factor(User(role=role, is_active=True))
    ]
    lines = [
        _(
            "Enkripsi per kolom: %(fields)s kolom isi dienkripsi dengan kunci milik setiap "
            "siswa; kunci itu dibungkus kunci induk dan dimusnahkan saat penghapusan."
        )
        % {"fields": sealed},
        _("Faktor kedua (TOTP) wajib untuk: %(roles)s.") % {"roles": ", ".join(staff)}
        if settings.AMANAH_REQUIRE_2FA
        else _("Faktor kedua TIDAK diwajibkan (AMANAH_REQUIRE_2FA mati)."),
        _(
            "Log akses hanya-tambah, setiap entri dirantai hash ke entri sebelumnya, "
            "diverifikasi setiap malam."
        ),
        _("Akses darurat dibatasi %(minutes)s menit, ditandai, dan ditinjau admin.")
        % {"minutes": settings.AMANAH_EMERGENCY_ACCESS_MINUTES},
    ]
    return lines


def build(today: datetime.date | None = None) -> Record:
    """The record as of now: what the page shows and prints."""
    today = today or timezone.localdate()
    by_kind: dict[str, list[ModelEntry]] = {}
    for model in personal_data_models():
        meta: Any = model._meta
        by_kind.setdefault(kind_of(model), []).append(
            ModelEntry(
                label=meta.label_lower,
                name=str(meta.verbose_name_plural),
                encrypted=encrypted_field_names(model),
                under_her_key=bool(counselee_key_fields(model)),
            )
        )
    kinds = [
        Kind(
            key=key,
            title=str(TITLES[key]),
            purpose=str(PURPOSES[key]),
            basis=basis_of(key),
            retention=retention_of(key),
            who_sees=_who_sees(key),
            models=sorted(by_kind[key], key=lambda entry: entry.label),
        )
        for key in TITLES
        if key in by_kind
    ]
    return Record(
        year=today.year,
        generated_at=timezone.now(),
        controller={
            "name": settings.AMANAH_SCHOOL_NAME,
            "address": settings.AMANAH_SCHOOL_ADDRESS,
        },
        dpos=[user.full_name for user in policy.dpos().order_by("full_name")],
        kinds=kinds,
        processors=processors(),
        security=security_measures(),
    )

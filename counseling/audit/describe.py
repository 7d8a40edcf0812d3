"""Access-log entries told in words, for the student's page "Siapa yang membuka catatanku"."""

from dataclasses import dataclass

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from counseling.audit.models import AccessEvent

Action = AccessEvent.Action
Purpose = AccessEvent.Purpose

OBJECT_LABELS = {
    "records.counselee": gettext_lazy("data konselingmu"),
    "counseling_sessions.counselingsession": gettext_lazy("sesi konselingmu"),
    "counseling_sessions.sessionnote": gettext_lazy("catatan sesimu"),
    "audit.accessevent": gettext_lazy("log akses tentang kamu"),
    "audit.emergencyaccess": gettext_lazy("akses darurat ke catatanmu"),
    "records.caseassignment": gettext_lazy("penugasan guru BK-mu"),
    "records.conflictofinterest": gettext_lazy("pernyataan konflik kepentingan"),
    "accounts.user": gettext_lazy("akunmu"),
    "messaging.conversation": gettext_lazy("percakapan daringmu dengan guru BK"),
    "messaging.message": gettext_lazy("pesan dalam percakapan daringmu"),
    "messaging.messagedraft": gettext_lazy("draf pesan daring"),
    "guardians.guardian": gettext_lazy("data walimu"),
    "guardians.guardianlink": gettext_lazy("tautan persetujuan untuk walimu"),
    "guardians.guardianacknowledgement": gettext_lazy("persetujuan walimu"),
    "guardians.guardianwithdrawal": gettext_lazy("penarikan persetujuan walimu"),
    "guardians.guardianexemption": gettext_lazy("pengecualian wali untukmu"),
    "crisis.crisisrequest": gettext_lazy("permintaanmu untuk bicara sekarang"),
    "crisis.safetyplan": gettext_lazy("rencana keselamatanmu"),
    "referrals.referral": gettext_lazy("alih tangan kasusmu"),
    "referrals.bkreferral": gettext_lazy("rujukan guru ke BK tentangmu"),
    "referrals.externalreferral": gettext_lazy("rujukanmu ke luar sekolah"),
    "retention.legalhold": gettext_lazy("penahanan hukum atas catatanmu"),
    "retention.erasure": gettext_lazy("penghapusan catatanmu"),
    "rights.datarequest": gettext_lazy("permintaanmu tentang datamu"),
}

# Events about her account, told as what happened to it.
ACCOUNT_EVENTS = {
    Action.TEMPORARY_PASSWORD_SET: gettext_lazy(
        "memberi akunmu kata sandi sementara; saat masuk dengannya, kamu harus memilih kata "
        "sandimu sendiri"
    ),
    Action.LOGIN_TEMPORARY_PASSWORD: gettext_lazy(
        "masuk ke akunmu dengan kata sandi sementara dari admin"
    ),
    Action.PASSWORD_CHANGED: gettext_lazy("mengganti kata sandi akunmu"),
    Action.UNLOCKED: gettext_lazy("membuka kunci masuk akunmu"),
}

# Steps of a referral (alih tangan kasus), told as what the actor did.
REFERRAL_EVENTS = {
    Action.REFERRAL_PROPOSED: gettext_lazy("mengusulkan alih tangan kasusmu ke konselor lain"),
    Action.REFERRAL_ACCEPTED: gettext_lazy("menyetujui alih tangan kasusmu"),
    Action.REFERRAL_DECLINED: gettext_lazy("menolak alih tangan kasusmu"),
    Action.REFERRAL_WITHDRAWN: gettext_lazy("menarik kembali usulan alih tangan kasusmu"),
}


# What an entry is about, named for the admin's access log (the staff voice).
ADMIN_OBJECT_LABELS = {
    "page": gettext_lazy("halaman"),
    "accounts.user": gettext_lazy("akun pengguna"),
    "records.counselee": gettext_lazy("data konseli"),
    "records.caseassignment": gettext_lazy("penugasan kasus"),
    "records.conflictofinterest": gettext_lazy("konflik kepentingan"),
    "counseling_sessions.counselingsession": gettext_lazy("sesi konseling"),
    "counseling_sessions.sessionnote": gettext_lazy("catatan sesi"),
    "counseling_sessions.noteaddendum": gettext_lazy("adendum catatan"),
    "counseling_sessions.booking": gettext_lazy("pemesanan jadwal"),
    "counseling_sessions.availabilityrule": gettext_lazy("jam layanan"),
    "counseling_sessions.dayoff": gettext_lazy("hari libur"),
    "audit.accessevent": gettext_lazy("log akses"),
    "audit.emergencyaccess": gettext_lazy("akses darurat"),
    "consent.consentdocument": gettext_lazy("dokumen persetujuan"),
    "consent.consentacknowledgement": gettext_lazy("persetujuan siswa"),
    "consent.consentwithdrawal": gettext_lazy("penarikan persetujuan"),
    "consent.disclosure": gettext_lazy("pengungkapan kerahasiaan"),
    "messaging.conversation": gettext_lazy("percakapan daring"),
    "messaging.message": gettext_lazy("pesan daring"),
    "messaging.messagedraft": gettext_lazy("draf pesan daring"),
    "guardians.guardian": gettext_lazy("data wali"),
    "guardians.guardianlink": gettext_lazy("tautan persetujuan wali"),
    "guardians.guardianacknowledgement": gettext_lazy("persetujuan wali"),
    "guardians.guardianwithdrawal": gettext_lazy("penarikan persetujuan wali"),
    "guardians.guardianexemption": gettext_lazy("pengecualian wali"),
    "guardians.guardianconsentdocument": gettext_lazy("dokumen persetujuan wali"),
    "crisis.crisisrequest": gettext_lazy("permintaan bicara sekarang"),
    "crisis.safetyplan": gettext_lazy("rencana keselamatan"),
    "crisis.dutyshift": gettext_lazy("jadwal piket BK"),
    "referrals.referral": gettext_lazy("alih tangan kasus"),
    "referrals.bkreferral": gettext_lazy("rujukan guru ke BK"),
    "referrals.externalreferral": gettext_lazy("rujukan ke luar sekolah"),
    "retention.legalhold": gettext_lazy("penahanan hukum"),
    "retention.erasure": gettext_lazy("penghapusan data konseli"),
    "rights.datarequest": gettext_lazy("permintaan hak atas data"),
    "field_encryption": gettext_lazy("enkripsi data"),
    "data_keys": gettext_lazy("kunci data konseli"),
}


def object_label(object_type: str) -> str:
    """A human name for an entry's `object_type`, or the type itself if it has none."""
    label = ADMIN_OBJECT_LABELS.get(object_type)
    return str(label) if label is not None else object_type


@dataclass(frozen=True)
class Line:
    when: object
    who: str
    what: str
    why: str
    flagged: bool


def _who(event, viewer) -> str:
    if event.actor_id is None:
        return _("Sistem")
    if event.action == Action.LOGIN_TEMPORARY_PASSWORD:
        # Her account, but perhaps not her: anyone who knew the temporary password.
        return _("Seseorang")
    if event.actor_id == viewer.pk:
        return _("Kamu")
    if event.actor_role == "student":
        # Never anything about another student, not even who they are.
        return _("Siswa lain")
    if event.actor_role == "teacher":
        # A teacher who referred her to BK stays unnamed, as BK's invitation leaves her.
        return _("Seorang guru")
    role = event.actor.Role(event.actor_role).label if event.actor_role else ""
    return f"{event.actor.full_name} ({role})" if role else event.actor.full_name


def _what(event) -> str:
    if event.action in ACCOUNT_EVENTS:
        return str(ACCOUNT_EVENTS[event.action])
    if event.action in REFERRAL_EVENTS:
        return str(REFERRAL_EVENTS[event.action])
    thing = OBJECT_LABELS.get(event.object_type, _("catatanmu"))
    if event.action == Action.VIEW:
        return _("membuka %(thing)s") % {"thing": thing}
    if event.action == Action.DENIED:
        return _("mencoba membuka %(thing)s, dan ditolak") % {"thing": thing}
    if event.action == Action.EXPORT:
        return _("mengekspor %(thing)s") % {"thing": thing}
    return f"{event.get_action_display()}: {thing}"


def _why(event) -> str:
    if event.emergency_access_id is not None:
        return _("akses darurat: %(reason)s") % {"reason": event.emergency_access.justification}
    if event.purpose == Purpose.CASELOAD:
        return _("guru BK-mu")
    if event.purpose == Purpose.REFERRAL:
        return _("alih tangan kasus yang kamu putuskan")
    if event.action == Action.DENIED:
        return _("tidak berhak")
    if event.action == Action.LOGIN_TEMPORARY_PASSWORD:
        return _("Bukan kamu? Segera beri tahu guru BK-mu.")
    return event.get_purpose_display() if event.purpose else ""


def for_student(event: AccessEvent, viewer) -> Line:
    return Line(
        when=event.occurred_at,
        who=_who(event, viewer),
        what=_what(event),
        why=_why(event),
        flagged=event.is_flagged,
    )

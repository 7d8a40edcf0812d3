"""What each kind of notice says and where it points: one table for the inbox and e-mail.

A headline is a fixed sentence per kind; a link is a page of Amanah's, where whoever
follows it is asked again whether they may see what is there. Neither ever carries a
name, a topic or a note: the booking e-mail adds when and where, the alerts to staff the
counselor's name and the time, nothing more.
"""

from dataclasses import dataclass

from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext_lazy as _

from counseling.notices.models import Notice

Kind = Notice.Kind

BOOKING_KINDS = frozenset(
    {
        Kind.BOOKING_MADE,
        Kind.BOOKING_REQUESTED,
        Kind.URGENT_REQUEST,
        Kind.URGENT_TAKEN,
        Kind.BOOKING_CONFIRMED,
        Kind.BOOKING_DECLINED,
        Kind.BOOKING_CHANGED,
        Kind.BOOKING_CANCELLED,
        Kind.REMINDER_24H,
        Kind.REMINDER_1H,
    }
)
REMINDERS = frozenset({Kind.REMINDER_24H, Kind.REMINDER_1H})

HEADLINES = {
    Kind.BOOKING_MADE: _("Permintaan jadwal konselingmu sudah terkirim"),
    Kind.BOOKING_REQUESTED: _("Ada permintaan jadwal konseling baru"),
    Kind.URGENT_REQUEST: _("Permintaan konseling MENDESAK"),
    Kind.URGENT_TAKEN: _("Permintaan mendesak sudah ditangani konselor lain"),
    Kind.BOOKING_CONFIRMED: _("Jadwal konselingmu dikonfirmasi"),
    Kind.BOOKING_DECLINED: _("Permintaan jadwal konselingmu belum dapat diterima"),
    Kind.BOOKING_CHANGED: _("Jadwal konseling diubah"),
    Kind.BOOKING_CANCELLED: _("Jadwal konseling dibatalkan"),
    Kind.REMINDER_24H: _("Pengingat: sesi konseling besok"),
    Kind.REMINDER_1H: _("Pengingat: sesi konseling satu jam lagi"),
    Kind.DISCLOSURE_RECORDED: _("Kerahasiaan dibuka: pengungkapan baru tercatat"),
    Kind.DISCLOSURE_REMINDER: _("Pengingat: beri tahu siswa tentang pengungkapan"),
    Kind.EMERGENCY_ACCESS: _("Akses darurat perlu ditinjau"),
    Kind.CASE_ENDED: _("Seorang konseli mengakhiri konseling"),
    Kind.AUDIT_CHAIN_BROKEN: _("Log akses rusak: periksa segera"),
    Kind.AUDIT_CHECKPOINT: _("Log akses utuh: titik periksa malam ini"),
    Kind.ENROLMENT_LINK: _("Tautan untuk mengaktifkan verifikasi dua langkah"),
    Kind.ENROLMENT_APPROVAL: _("Penggantian verifikasi dua langkah menunggu persetujuan Anda"),
    Kind.SECOND_FACTOR_RESET_ASKED: _("Admin meminta penggantian verifikasi dua langkah akun Anda"),
    Kind.SECOND_FACTOR_REPLACED: _("Perangkat verifikasi dua langkah sebuah akun diganti"),
    Kind.EMAIL_CHANGED: _("Admin mengubah alamat e-mail akun Anda"),
    Kind.MESSAGE_TO_STUDENT: _("Ada pesan baru dari konselormu"),
    Kind.MESSAGE_TO_COUNSELOR: _("Ada pesan baru dari konseli Anda"),
    Kind.GUARDIAN_EXEMPTION_TO_DECIDE: _("Pengecualian wali menunggu persetujuan Anda"),
    Kind.GUARDIAN_EXEMPTION_APPROVED: _("Pengecualian wali disetujui untuk seorang siswa"),
    Kind.GUARDIAN_EXEMPTION_REVIEW: _("Pengecualian wali perlu ditinjau"),
    Kind.GUARDIAN_CONSENT_GIVEN: _("Wali seorang konseli Anda memberi persetujuan"),
    Kind.GUARDIAN_WITHDRAWN: _("Wali seorang konseli Anda menarik persetujuan"),
    Kind.CRISIS_REQUEST: _("DARURAT: seorang siswa butuh bicara sekarang"),
    Kind.CRISIS_TAKEN: _("Seorang guru BK sudah menangani permintaanmu"),
    Kind.CRISIS_ESCALATED: _("DARURAT: permintaan bicara sekarang belum diambil siapa pun"),
    Kind.CRISIS_WALK_IN: _("Seorang guru BK membuka sesi darurat untuk siswa yang datang langsung"),
    Kind.CRISIS_CONSENT_ASKED: _("Baca dan setujui dokumen persetujuan dalam 24 jam"),
    Kind.CRISIS_CONSENT_OVERDUE: _("Persetujuan siswa setelah sesi darurat belum masuk"),
    Kind.REFERRAL_TO_STUDENT: _("Ada kabar tentang usulan ganti guru BK-mu"),
    Kind.REFERRAL_TO_STAFF: _("Ada kabar tentang alih tangan kasus"),
    Kind.BK_REFERRAL: _("Seorang guru merujuk siswa ke BK"),
    Kind.BK_INVITATION: _("Guru BK mengundangmu untuk berbincang"),
    Kind.RETENTION_DUE: _("Catatan konselingmu akan segera dihapus: kamu bisa meminta salinannya"),
    Kind.RETENTION_DUE_STAFF: _("Data seorang konseli Anda akan segera dihapus"),
    Kind.DATA_REQUEST: _("Ada permintaan hak atas data pribadi yang perlu dijawab"),
    Kind.DATA_REQUEST_DUE: _("Batas waktu sebuah permintaan hak atas data segera tiba"),
    Kind.DATA_REQUEST_ANSWERED: _("Permintaanmu tentang datamu sudah dijawab"),
    Kind.COPY_READY: _("Salinan datamu siap diunduh"),
    Kind.LEGAL_HOLD_REVIEW: _("Sebuah penahanan hukum sudah setahun: tinjau apakah masih perlu"),
    Kind.BREACH_RECORDED: _("Dugaan kegagalan pelindungan data tercatat"),
    Kind.BREACH_NOTICE_DUE: _("Batas 3 x 24 jam pemberitahuan kegagalan data segera tiba"),
    Kind.BREACH_NOTICE: _("Pemberitahuan dari sekolah tentang kegagalan pelindungan datamu"),
}

CRISIS_KINDS = frozenset(
    {
        Kind.CRISIS_REQUEST,
        Kind.CRISIS_TAKEN,
        Kind.CRISIS_ESCALATED,
        Kind.CRISIS_WALK_IN,
        Kind.CRISIS_CONSENT_ASKED,
        Kind.CRISIS_CONSENT_OVERDUE,
    }
)

# The e-mail templates (templates/emails/<name>-subject.txt and -body.txt) per kind.
EMAIL_TEMPLATES = {
    **dict.fromkeys(BOOKING_KINDS, "booking"),
    Kind.DISCLOSURE_RECORDED: "disclosure",
    Kind.DISCLOSURE_REMINDER: "disclosure_reminder",
    Kind.EMERGENCY_ACCESS: "emergency_access",
    Kind.CASE_ENDED: "case_ended",
    Kind.AUDIT_CHAIN_BROKEN: "audit_chain_broken",
    Kind.AUDIT_CHECKPOINT: "audit_checkpoint",
    Kind.ENROLMENT_LINK: "enrolment_link",
    Kind.ENROLMENT_APPROVAL: "account_notice",
    Kind.SECOND_FACTOR_RESET_ASKED: "account_notice",
    Kind.SECOND_FACTOR_REPLACED: "account_notice",
    Kind.EMAIL_CHANGED: "account_notice",
    Kind.MESSAGE_TO_STUDENT: "message",
    Kind.MESSAGE_TO_COUNSELOR: "message",
    Kind.GUARDIAN_EXEMPTION_TO_DECIDE: "guardian_notice",
    Kind.GUARDIAN_EXEMPTION_APPROVED: "guardian_notice",
    Kind.GUARDIAN_EXEMPTION_REVIEW: "guardian_notice",
    Kind.GUARDIAN_CONSENT_GIVEN: "guardian_notice",
    Kind.GUARDIAN_WITHDRAWN: "guardian_notice",
    **dict.fromkeys(CRISIS_KINDS, "crisis"),
    Kind.REFERRAL_TO_STUDENT: "referral",
    Kind.REFERRAL_TO_STAFF: "referral",
    Kind.BK_REFERRAL: "bk_referral",
    Kind.BK_INVITATION: "bk_referral",
    Kind.RETENTION_DUE: "retention_due",
    Kind.RETENTION_DUE_STAFF: "retention_due_staff",
    Kind.DATA_REQUEST: "data_request",
    Kind.DATA_REQUEST_DUE: "data_request",
    Kind.DATA_REQUEST_ANSWERED: "data_request",
    Kind.COPY_READY: "data_request",
    Kind.LEGAL_HOLD_REVIEW: "legal_hold_review",
    Kind.BREACH_RECORDED: "breach",
    Kind.BREACH_NOTICE_DUE: "breach",
    Kind.BREACH_NOTICE: "breach",
}

# Booking e-mails that carry an .ics file; the student's calendar got a tentative event
# with "booking made", and the two kinds after it remove that event again.
WITH_CALENDAR = BOOKING_KINDS - {Kind.BOOKING_REQUESTED, Kind.URGENT_REQUEST, Kind.URGENT_TAKEN}
CALENDAR_CANCELS = frozenset({Kind.BOOKING_DECLINED, Kind.BOOKING_CANCELLED})


def for_counselor(notice) -> bool:
    """A booking notice to the counselor's side rather than to the student who booked.

    The notice comes from `Notice.objects.with_booking()`, which names that student.
    """
    return notice.recipient_id != notice.booking_student_id


@dataclass(frozen=True)
class Link:
    name: str
    with_about: bool = False
    query: str = ""

    def url(self, notice) -> str:
        args = [notice.about] if self.with_about else []
        try:
            return reverse(self.name, args=args) + self.query
        except NoReverseMatch:  # a deployment without that page, or a record without id
            return ""


_LINKS = {
    Kind.DISCLOSURE_RECORDED: Link("audit-log", query="?flag=disclose"),
    Kind.DISCLOSURE_REMINDER: Link("disclosure-detail", with_about=True),
    Kind.EMERGENCY_ACCESS: Link("emergency-access-detail", with_about=True),
    Kind.CASE_ENDED: Link("caseload"),
    Kind.AUDIT_CHAIN_BROKEN: Link("audit-log"),
    Kind.AUDIT_CHECKPOINT: Link("audit-log"),
    Kind.ENROLMENT_LINK: Link("two-factor-setup"),
    Kind.ENROLMENT_APPROVAL: Link("admin-dashboard"),
    Kind.SECOND_FACTOR_RESET_ASKED: Link("home"),
    Kind.SECOND_FACTOR_REPLACED: Link("admin-dashboard"),
    Kind.EMAIL_CHANGED: Link("home"),
    Kind.MESSAGE_TO_STUDENT: Link("conversation", with_about=True),
    Kind.MESSAGE_TO_COUNSELOR: Link("conversation", with_about=True),
    Kind.GUARDIAN_EXEMPTION_TO_DECIDE: Link("guardian-exemption", with_about=True),
    Kind.GUARDIAN_EXEMPTION_APPROVED: Link("guardian-exemption", with_about=True),
    Kind.GUARDIAN_EXEMPTION_REVIEW: Link("guardian-exemption", with_about=True),
    Kind.GUARDIAN_CONSENT_GIVEN: Link("guardians", with_about=True),
    Kind.GUARDIAN_WITHDRAWN: Link("guardians", with_about=True),
    Kind.CRISIS_REQUEST: Link("crisis-request", with_about=True),
    Kind.CRISIS_TAKEN: Link("crisis-status", with_about=True),
    Kind.CRISIS_ESCALATED: Link("crisis-queue"),
    Kind.CRISIS_WALK_IN: Link("crisis-queue"),
    Kind.CRISIS_CONSENT_ASKED: Link("consent"),
    Kind.CRISIS_CONSENT_OVERDUE: Link("crisis-request", with_about=True),
    Kind.REFERRAL_TO_STUDENT: Link("referral-detail", with_about=True),
    Kind.REFERRAL_TO_STAFF: Link("referral-detail", with_about=True),
    Kind.BK_REFERRAL: Link("bk-referral-detail", with_about=True),
    Kind.BK_INVITATION: Link("bk-invitation", with_about=True),
    # The data-rights pages (a copy of her records) hang off her dashboard.
    Kind.RETENTION_DUE: Link("student-dashboard"),
    Kind.RETENTION_DUE_STAFF: Link("retention-overview"),
    Kind.DATA_REQUEST: Link("data-request", with_about=True),
    Kind.DATA_REQUEST_DUE: Link("data-request", with_about=True),
    Kind.DATA_REQUEST_ANSWERED: Link("data-request", with_about=True),
    Kind.COPY_READY: Link("data-request", with_about=True),
    Kind.LEGAL_HOLD_REVIEW: Link("retention-overview"),
    Kind.BREACH_RECORDED: Link("breach-detail", with_about=True),
    Kind.BREACH_NOTICE_DUE: Link("breach-detail", with_about=True),
    # Her own letter, once the school marked it sent (policy.breach_notices_for).
    Kind.BREACH_NOTICE: Link("breach-letter", with_about=True),
}


def link(notice) -> str:
    """Where the notice tells its recipient to look, as a path of this site."""
    if notice.kind in BOOKING_KINDS:
        name = "booking-queue" if for_counselor(notice) else "my-bookings"
        return Link(name).url(notice)
    return _LINKS[notice.kind].url(notice)


def headline(notice) -> str:
    return str(HEADLINES[notice.kind])

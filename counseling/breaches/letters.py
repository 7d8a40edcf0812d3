"""The breach letters, drafted from templates with what UU PDP art. 46(2) asks them to say.

Art. 46(2): a notice contains at least (a) the personal data exposed, (b) when and how
it was exposed, and (c) the controller's efforts to handle and recover from the breach.
Each letter also names the school's contact, its data protection officer.

A letter says only kinds of data ("catatan sesi konseling", "jadwal konseling"), dates
and counts: it is built from the breach (written by the school about the incident) and
the exposure rows (ids, counts, dates, the kinds of record the access log named), never
from a note, a topic or a disclosure. The authority's letter has counts and no names.
"""

from dataclasses import dataclass, field

from django.conf import settings
from django.template.loader import render_to_string
from django.utils import translation
from django.utils.translation import gettext_lazy as _

from counseling import policy
from counseling.breaches.models import Breach, BreachExposure, BreachNotice

Audience = BreachNotice.Audience

# The access log's object types, as kinds of personal data a letter names.
DATA_KINDS = {
    "records.counselee": _("data diri dan catatan konseling (ringkasan kasus)"),
    "counseling_sessions.counselingsession": _("jadwal dan keterangan sesi konseling"),
    "counseling_sessions.sessionnote": _("catatan sesi konseling"),
    "counseling_sessions.noteaddendum": _("tambahan catatan sesi konseling"),
    "counseling_sessions.booking": _("jadwal konseling"),
    "audit.accessevent": _("log akses (siapa membuka catatan)"),
    "audit.emergencyaccess": _("catatan konseling yang dibuka dengan akses darurat"),
    "consent.disclosure": _("catatan pengungkapan kerahasiaan"),
    "messaging.conversation": _("percakapan konseling daring"),
    "messaging.message": _("pesan konseling daring"),
    "guardians.guardian": _("data kontak orang tua atau wali"),
    "guardians.guardianexemption": _("catatan pengecualian wali"),
    "crisis.crisisrequest": _("permintaan bantuan segera"),
    "crisis.safetyplan": _("rencana keselamatan"),
    "referrals.referral": _("alih tangan kasus"),
    "referrals.bkreferral": _("rujukan guru ke BK"),
    "referrals.externalreferral": _("surat rujukan ke luar sekolah"),
    "rights.datarequest": _("permintaan atas data pribadi dan salinannya"),
}
OTHER_KIND = _("data lain dalam catatan konseling")
# What her own letter does not name: she is not always told of a disclosure or of a
# guardian exemption (the access page hides them too), so they count as "other data".
NOT_NAMED_TO_HER = {"consent.disclosure", "guardians.guardianexemption"}
# A guardian's letter names the kinds coarsely: which records were opened would tell a
# parent of a crisis, a safety plan or a disclosure that the student never told them of.
GUARDIAN_KIND = _("data anak Anda dalam catatan layanan bimbingan dan konseling (BK)")

# UU PDP art. 58: the authority (lembaga) is the one the President forms; until then the
# ministry for communication and digital affairs (Komdigi) acts for it.
AUTHORITY = _("Lembaga Pelindungan Data Pribadi (saat ini Kementerian Komunikasi dan Digital)")


def data_kinds(
    object_types: list[str] | tuple[str, ...], *, for_student: bool = False
) -> list[str]:
    """The kinds of data the object types name, each once, in a stable order."""
    kinds = [
        str(OTHER_KIND)
        if for_student and object_type in NOT_NAMED_TO_HER
        else str(DATA_KINDS.get(object_type, OTHER_KIND))
        for object_type in object_types
    ]
    return sorted(set(kinds))


def contact_of(breach: Breach) -> str:
    """The school's contact in the letters: the data protection officer who recorded the
    breach, else the school's DPO; the office itself when the school has named none."""
    if policy.is_dpo(breach.recorded_by):
        return breach.recorded_by.full_name
    dpo = policy.dpos().order_by("pk").first()
    return dpo.full_name if dpo else str(_("petugas pelindungan data pribadi sekolah"))


@dataclass
class Letter:
    """What one letter says, for its template."""

    notice: BreachNotice
    breach: Breach
    school: str
    contact: str
    exposure: BreachExposure | None = None
    kinds: list[str] = field(default_factory=list)
    # The authority's letter: counts only.
    counts: dict[str, int] = field(default_factory=dict)
    kind_counts: list[tuple[str, int]] = field(default_factory=list)

    @property
    def authority(self) -> str:
        return str(AUTHORITY)

    @property
    def template(self) -> str:
        return f"breaches/letters/{self.notice.audience}.html"

    def render(self) -> str:
        # The notice the law asks for is written in Indonesian, whatever language the
        # person drafting it reads Amanah in.
        with translation.override("id"):
            return render_to_string(self.template, {"letter": self})


def letter_for(notice: BreachNotice) -> Letter:
    """The letter for `notice`, its words in Indonesian (see `Letter.render`)."""
    with translation.override("id"):
        return _letter_for(notice)


def _letter_for(notice: BreachNotice) -> Letter:
    breach = notice.breach
    letter = Letter(
        notice=notice,
        breach=breach,
        school=settings.AMANAH_SCHOOL_NAME,
        contact=contact_of(breach),
    )
    if notice.audience == Audience.AUTHORITY:
        exposures = list(breach.exposures.all())
        letter.counts = {
            "students": len(exposures),
            "minors": sum(1 for exposure in exposures if exposure.minor),
            "events": sum(exposure.events for exposure in exposures),
        }
        per_kind: dict[str, int] = {}
        for exposure in exposures:
            for kind in data_kinds(exposure.object_types):
                per_kind[kind] = per_kind.get(kind, 0) + 1
        letter.kind_counts = sorted(per_kind.items())
        letter.kinds = [kind for kind, _count in letter.kind_counts]
        return letter
    letter.exposure = breach.exposures.filter(counselee=notice.counselee).first()
    if letter.exposure is not None:
        if notice.audience == Audience.GUARDIAN:
            letter.kinds = [str(GUARDIAN_KIND)]
        else:
            letter.kinds = data_kinds(letter.exposure.object_types, for_student=True)
    return letter

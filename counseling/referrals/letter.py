"""The referral letter to a professional outside the school, as a PDF.

It carries the school's letterhead (settings), the date, the recipient, the student's
name, her class and date of birth only if the counselor ticked them, the counselor's own
text, and her name: nothing else of the record.
"""

import io
from xml.sax.saxutils import escape

from django.conf import settings
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import getSampleStyleSheet
from reportlab.lib.units import cm
from reportlab.platypus import HRFlowable, Paragraph, SimpleDocTemplate, Spacer

from counseling.referrals.models import ExternalReferral


def render(referral: ExternalReferral) -> bytes:
    styles = getSampleStyleSheet()
    body, heading = styles["BodyText"], styles["Heading2"]

    def para(text: str, style=body) -> Paragraph:
        return Paragraph(escape(text).replace("\n", "<br/>"), style)

    student = referral.counselee
    when = referral.sent_at or timezone.now()
    story = [
        para(settings.AMANAH_SCHOOL_NAME, styles["Title"]),
        para(settings.AMANAH_SCHOOL_ADDRESS),
        HRFlowable(width="100%"),
        Spacer(1, 0.4 * cm),
        para(_("Surat Rujukan"), heading),
        para(date_format(timezone.localtime(when), "j F Y")),
        para(
            _("Kepada: %(name)s (%(kind)s)")
            % {"name": referral.recipient_name, "kind": referral.get_recipient_kind_display()}
        ),
        Spacer(1, 0.3 * cm),
        para(_("Dengan hormat, kami merujuk siswa kami:")),
        para(_("Nama: %(name)s") % {"name": student.user.full_name}),
    ]
    if referral.include_class:
        story.append(para(_("Kelas: %(class)s") % {"class": student.class_name}))
    if referral.include_date_of_birth and student.date_of_birth:
        born = date_format(student.date_of_birth, "j F Y")
        story.append(para(_("Tanggal lahir: %(date)s") % {"date": born}))
    story += [
        Spacer(1, 0.3 * cm),
        para(referral.letter_text),
        Spacer(1, 0.6 * cm),
        para(_("Hormat kami,")),
        para(referral.counselor.full_name),
        para(_("Guru BK, %(school)s") % {"school": settings.AMANAH_SCHOOL_NAME}),
        Spacer(1, 0.6 * cm),
        para(
            _(
                "Surat ini bersifat rahasia. Mohon kabarkan kepada guru BK bahwa rujukan "
                "diterima, dan umpan balik seperlunya."
            ),
            styles["Italic"],
        ),
    ]
    buffer = io.BytesIO()
    document = SimpleDocTemplate(
        buffer,
        pagesize=A4,
        title=_("Surat Rujukan"),
        author=settings.AMANAH_SCHOOL_NAME,
        leftMargin=2.5 * cm,
        rightMargin=2.5 * cm,
    )
    document.build(story)
    return buffer.getvalue()

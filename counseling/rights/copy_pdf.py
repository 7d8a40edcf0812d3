"""Her copy as a PDF to read: the same sections as the JSON file, in plain words.

Built with reportlab in Bitstream Vera, which ships with reportlab and is embedded in
the file, so every Latin letter Indonesian names and words use renders and extracts
as text (the standard PDF fonts cover fewer characters, and are not embedded).
"""

import io
from pathlib import Path
from typing import Any
from xml.sax.saxutils import escape

import reportlab
from django.utils.translation import gettext as _
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle, getSampleStyleSheet
from reportlab.lib.units import cm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.platypus import HRFlowable, Paragraph, SimpleDocTemplate

FONTS = Path(reportlab.__file__).parent / "fonts"


def _register_fonts() -> None:
    if "AmanahVera" in pdfmetrics.getRegisteredFontNames():
        return
    pdfmetrics.registerFont(TTFont("AmanahVera", str(FONTS / "Vera.ttf")))
    pdfmetrics.registerFont(TTFont("AmanahVera-Bold", str(FONTS / "VeraBd.ttf")))


def _styles() -> dict[str, ParagraphStyle]:
    _register_fonts()
    base = getSampleStyleSheet()
    return {
        "title": ParagraphStyle("t", parent=base["Title"], fontName="AmanahVera-Bold"),
        "h2": ParagraphStyle("h2", parent=base["Heading2"], fontName="AmanahVera-Bold"),
        "h3": ParagraphStyle("h3", parent=base["Heading3"], fontName="AmanahVera-Bold"),
        "body": ParagraphStyle("b", parent=base["BodyText"], fontName="AmanahVera"),
        "small": ParagraphStyle("s", parent=base["BodyText"], fontName="AmanahVera", fontSize=8),
    }


def render(content: dict[str, Any]) -> bytes:
    styles = _styles()
    story: list[Any] = []

    def para(text: str, style: str = "body") -> None:
        story.append(Paragraph(escape(str(text)).replace("\n", "<br/>"), styles[style]))

    def field(label: str, value: Any) -> None:
        if value not in ("", None):
            para(f"{label}: {value}")

    sections = content["sections"]
    para(_("Salinan data pribadimu"), "title")
    para(content["school"])
    para(
        _("Dibuat %(when)s, ditinjau oleh %(who)s.")
        % {"when": content["generated_at"], "who": content["request"]["reviewed_by"]},
        "small",
    )
    para(
        _(
            "Nama, nomor telepon dan alamat e-mail orang lain diganti dengan %(marker)s "
            "untuk melindungi data pribadi mereka (UU PDP Pasal 33)."
        )
        % {"marker": content["redaction_marker"]},
        "small",
    )
    story.append(HRFlowable(width="100%"))

    directory = sections["directory"]
    para(_("Data dirimu"), "h2")
    field(_("Nama"), directory["full_name"])
    field(_("Nama pengguna"), directory["username"])
    field(_("NIS"), directory["nis"])
    field(_("Kelas"), directory["class_name"])
    field(_("Tanggal lahir"), directory["date_of_birth"])
    field(_("Catatan latar belakang"), directory["background_notes"])
    for guardian in directory["guardians"]:
        field(guardian["relation"], guardian["name"])

    para(_("Persetujuanmu"), "h2")
    for consent in sections["consents"]:
        if consent["event"] == "acknowledged":
            para(
                _("%(at)s: menyetujui versi %(version)s, %(title)s (diketik: %(name)s)")
                % {
                    "at": consent["at"],
                    "version": consent["document_version"],
                    "title": consent["title"],
                    "name": consent["typed_name"],
                }
            )
        else:
            para(_("%(at)s: menarik persetujuan") % {"at": consent["at"]})

    para(_("Jadwal konseling dan topiknya"), "h2")
    for booking in sections["bookings"] or [None]:
        if booking is None:
            para(_("Belum ada."))
            continue
        para(f"{booking['start']} · {booking['counselor']} · {booking['status']}", "h3")
        field(_("Topik"), booking["topic"])

    para(_("Sesi dan catatan yang dirilis"), "h2")
    for session in sections["sessions"] or [None]:
        if session is None:
            para(_("Belum ada."))
            continue
        para(f"{session['scheduled_start']} · {session['counselor']} · {session['status']}", "h3")
        for note in session["notes"]:
            field(_("Catatan final"), note["finalised_at"])
            field(_("Masalah yang disampaikan"), note["presenting_concern"])
            field(_("Yang dilakukan dalam sesi"), note["what_was_done"])
            field(_("Tindak lanjut yang disepakati"), note["agreed_follow_up"])
            field(_("Catatan"), note["body"])
            for addendum in note["addenda"]:
                field(_("Adendum %(at)s") % {"at": addendum["created_at"]}, addendum["body"])

    para(_("Catatan yang tidak dirilis"), "h2")
    for withheld in sections["withheld_notes"] or [None]:
        if withheld is None:
            para(_("Tidak ada: semua catatan final dirilis."))
            continue
        para(
            _("Catatan sesi %(date)s tidak dirilis. Alasan: %(reason)s.")
            % {"date": withheld["session_date"], "reason": withheld["reason_label"]}
        )

    para(_("Pengungkapan yang diberitahukan kepadamu"), "h2")
    for disclosure in sections["disclosures"] or [None]:
        if disclosure is None:
            para(_("Tidak ada."))
            continue
        para(f"{disclosure['disclosed_at']} · {disclosure['reason_label']}", "h3")
        field(_("Penerima"), f"{disclosure['recipient_role']} ({disclosure['recipient']})")
        field(_("Yang disampaikan"), disclosure["what_was_shared"])

    para(_("Pesan daring"), "h2")
    for message in sections["messages"] or [None]:
        if message is None:
            para(_("Tidak ada."))
            continue
        text = _("(ditarik kembali)") if message["retracted"] else message["text"]
        who = message["counselor"] if message["from"] == "counselor" else _("Kamu")
        para(f"{message['sent_at']} · {who}: {text}")

    para(_("Siapa yang membuka catatanmu"), "h2")
    for line in sections["access_log"]:
        why = f" ({line['why']})" if line["why"] else ""
        para(f"{line['when']} · {line['who']} · {line['what']}{why}", "small")

    para(_("Permintaan hak atas data"), "h2")
    for asked in sections["data_requests"]:
        para(f"{asked['received_at']} · {asked['kind_label']} · {asked['status']}")

    buffer = io.BytesIO()
    SimpleDocTemplate(
        buffer,
        pagesize=A4,
        title=_("Salinan data pribadi"),
        author=content["school"],
        leftMargin=2 * cm,
        rightMargin=2 * cm,
    ).build(story)
    return buffer.getvalue()

"""What her copy holds (UU PDP art. 7 and 32), and what is kept out of it (art. 33).

`collect` gathers, once, everything the school holds about one student into the plain
structure that both files are built from (`copy_json`, `copy_pdf`), so the PDF she reads
and the JSON she takes elsewhere can never say different things.

Third parties are redacted in every free text (notes, addenda, topics, messages, what a
disclosure shared, the background note), replaced with `REDACTED`:

- the full names of every other person the directory knows: other students, teachers,
  admins, the DPO, and counselors who never counseled her. Her own name and her
  counselors' (anyone assigned to her, who ran or was booked for a session with her, or
  talked with her online) stay, since she knows them and they act in her record;
- her guardians' names (the guardian records and the name on her record); other
  students' guardians are sealed under those students' keys and are not opened for
  her copy;
- the names and institutions of disclosure recipients (the recipient's role stays);
- phone numbers and e-mail addresses, whoever they belong to;
- any extra phrase the reviewer typed for this copy (used for the build, never stored).

A name is matched whole, word by word and case-insensitively ("Dimas Pratama" but not
"Dimas" alone); a title after a comma ("Rina Wulandari, S.Pd.") is optional. Her guardians'
names and relations appear in her directory section as data she gave; their phone numbers
and e-mail addresses do not.
"""

import re
from collections.abc import Iterable
from typing import Any

from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext as _

from consent.models import ConsentAcknowledgement, ConsentWithdrawal
from counseling import policy
from counseling.accounts.models import User
from counseling.audit import describe
from counseling.guardians.models import Guardian
from counseling.messaging import services as messaging
from counseling.messaging.models import Conversation
from counseling.records.models import CaseAssignment, Counselee
from counseling.rights.models import DataRequest, WithheldNote
from sessions.models import Booking, CounselingSession, SessionNote

FORMAT = "amanah-copy"
VERSION = 1
REDACTED = "[disamarkan]"

EMAIL = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")
# Indonesian numbers: 08.., +62 8.., 62 8.., (021) ..., with spaces, dots or dashes.
PHONE = re.compile(r"(?<![\w+])(?:\+62|62|0|\(0)[\d\s().-]{7,20}\d(?!\w)")
WORD = re.compile(r"\w+")


def _words(text: str) -> tuple[str, ...]:
    return tuple(word.casefold() for word in WORD.findall(text))


class Redactor:
    """Replaces third parties' names, numbers and addresses in free text; counts them."""

    def __init__(self, names: Iterable[str], phrases: Iterable[str] = ()):
        self.keys: set[tuple[str, ...]] = set()
        for name in names:
            for variant in (name, name.split(",")[0]):
                words = _words(variant)
                if words:
                    self.keys.add(words)
        for phrase in phrases:
            words = _words(phrase)
            if words:
                self.keys.add(words)
        self.longest = max((len(key) for key in self.keys), default=0)
        self.count = 0

    def _contacts(self, match: re.Match[str]) -> str:
        if match.re is PHONE and not 9 <= sum(c.isdigit() for c in match.group()) <= 15:
            return match.group()
        self.count += 1
        return REDACTED

    def __call__(self, text: str) -> str:
        if not text:
            return text
        text = EMAIL.sub(self._contacts, text)
        text = PHONE.sub(self._contacts, text)
        tokens = list(WORD.finditer(text))
        spans = []
        i = 0
        while i < len(tokens):
            for n in range(min(self.longest, len(tokens) - i), 0, -1):
                if tuple(t.group().casefold() for t in tokens[i : i + n]) in self.keys:
                    spans.append((tokens[i].start(), tokens[i + n - 1].end()))
                    i += n
                    break
            else:
                i += 1
        if not spans:
            return text
        self.count += len(spans)
        parts, last = [], 0
        for start, end in spans:
            parts += [text[last:start], REDACTED]
            last = end
        parts.append(text[last:])
        return "".join(parts)


def her_counselor_ids(counselee: Counselee) -> set[int]:
    """The staff who act in her record and whose names she knows."""
    ids: set[int] = set()
    for queryset in (
        CaseAssignment.objects.filter(counselee=counselee),
        CounselingSession.objects.filter(counselee=counselee),
        Booking.objects.filter(counselee=counselee),
        Conversation.objects.filter(counselee=counselee),
    ):
        ids.update(queryset.values_list("counselor_id", flat=True))
    return ids


def third_party_names(counselee: Counselee) -> list[str]:
    known = {counselee.user_id} | her_counselor_ids(counselee)
    keep = set(User.objects.filter(pk__in=known).values_list("full_name", flat=True))
    names = [
        name
        for name in User.objects.exclude(pk__in=known).values_list("full_name", flat=True)
        # A namesake of hers or of her counselor must not blank her own record.
        if name not in keep
    ]
    names += [guardian.name for guardian in Guardian.objects.filter(counselee=counselee)]
    if counselee.guardian_name:
        names.append(counselee.guardian_name)
    for disclosure in counselee.disclosures.all():
        names += [disclosure.recipient_name, disclosure.recipient_institution]
    return [name for name in names if name]


def redactor_for(counselee: Counselee, phrases: Iterable[str] = ()) -> Redactor:
    return Redactor(third_party_names(counselee), phrases)


def _when(moment: Any) -> str:
    if moment is None:
        return ""
    if hasattr(moment, "tzinfo"):
        return timezone.localtime(moment).isoformat(timespec="minutes")
    return str(moment.isoformat())


def collect(
    data_request: DataRequest, withheld: dict[int, str], redact: Redactor, *, by: User
) -> dict[str, Any]:
    """Her copy as one structure: every section, redacted, without the withheld notes.

    `withheld` maps a note's pk to its `WithheldNote.Reason`. Built in the release's
    transaction, so what is in it is exactly what the reviewer saw.
    """
    counselee = Counselee.objects.select_related("user").get(pk=data_request.counselee_id)
    student = counselee.user
    return {
        "format": FORMAT,
        "version": VERSION,
        "generated_at": _when(timezone.now()),
        "school": settings.AMANAH_SCHOOL_NAME,
        "redaction_marker": REDACTED,
        "request": {
            "id": str(data_request.public_id),
            "received_at": _when(data_request.received_at),
            "reviewed_by": by.full_name,
        },
        "sections": {
            "directory": _directory(counselee, redact),
            "consents": _consents(student),
            "bookings": _bookings(counselee, redact),
            "sessions": _sessions(counselee, withheld, redact),
            "withheld_notes": _withheld(counselee, withheld),
            "disclosures": _disclosures(student, redact),
            "messages": [
                {**row, "text": redact(row["text"])} for row in messaging.export_for(counselee)
            ],
            "access_log": _access_log(student, redact),
            "data_requests": [
                {
                    "kind": r.kind,
                    "kind_label": r.get_kind_display(),
                    "status": r.get_status_display(),
                    "received_at": _when(r.received_at),
                }
                for r in counselee.data_requests.defer("details", "proposed", "answer").order_by(
                    "received_at"
                )  # type: ignore[no-untyped-call]
            ],
        },
    }


def _directory(counselee: Counselee, redact: Redactor) -> dict[str, Any]:
    guardians = [
        {"name": guardian.name, "relation": guardian.get_relation_display()}
        for guardian in Guardian.objects.filter(counselee=counselee).order_by("pk")  # type: ignore[no-untyped-call]
    ]
    if counselee.guardian_name and not guardians:
        guardians.append({"name": counselee.guardian_name, "relation": _("Wali")})
    return {
        "full_name": counselee.user.full_name,
        "username": counselee.user.username,
        "nis": counselee.nis,
        "class_name": counselee.class_name,
        "date_of_birth": _when(counselee.date_of_birth),
        "background_notes": redact(counselee.background_notes),
        "guardians": guardians,
    }


def _consents(student: User) -> list[dict[str, Any]]:
    rows: list[dict[str, Any]] = [
        {
            "event": "acknowledged",
            "document_version": ack.document.version,
            "title": ack.document.title_id,
            "at": _when(ack.acknowledged_at),
            "typed_name": ack.typed_name,
            "language": ack.language,
        }
        for ack in ConsentAcknowledgement.objects.filter(student=student)
        .select_related("document")
        .order_by("acknowledged_at")
    ]
    rows += [
        {"event": "withdrawn", "at": _when(withdrawal.withdrawn_at)}
        for withdrawal in ConsentWithdrawal.objects.filter(student=student).order_by("withdrawn_at")
    ]
    return rows


def _bookings(counselee: Counselee, redact: Redactor) -> list[dict[str, Any]]:
    return [
        {
            "start": _when(booking.start),
            "end": _when(booking.end),
            "counselor": booking.counselor.full_name,
            "mode": booking.get_mode_display(),
            "place": booking.place,
            "status": booking.get_status_display(),
            "urgent": booking.urgent,
            "topic": redact(booking.topic),
        }
        for booking in Booking.objects.filter(counselee=counselee)
        .select_related("counselor")
        .order_by("start")  # type: ignore[no-untyped-call]
    ]


def _sessions(
    counselee: Counselee, withheld: dict[int, str], redact: Redactor
) -> list[dict[str, Any]]:
    notes = (
        SessionNote.objects.filter(session__counselee=counselee, status=SessionNote.Status.FINAL)
        .exclude(pk__in=list(withheld))
        .select_related("author")
        .prefetch_related("addenda__author")
        .order_by("finalised_at", "pk")  # type: ignore[no-untyped-call]
    )
    by_session: dict[int, list[dict[str, Any]]] = {}
    for note in notes:
        by_session.setdefault(note.session_id, []).append(
            {
                "finalised_at": _when(note.finalised_at),
                "author": note.author.full_name,
                "presenting_concern": redact(note.presenting_concern),
                "what_was_done": redact(note.what_was_done),
                "agreed_follow_up": redact(note.agreed_follow_up),
                "body": redact(note.body),
                "addenda": [
                    {
                        "created_at": _when(addendum.created_at),
                        "author": addendum.author.full_name,
                        "body": redact(addendum.body),
                    }
                    for addendum in note.addenda.all()
                ],
            }
        )
    sessions = (
        CounselingSession.objects.filter(counselee=counselee)
        .select_related("counselor")
        .order_by("scheduled_start")  # type: ignore[no-untyped-call]
    )
    return [
        {
            "id": str(session.public_id),
            "scheduled_start": _when(session.scheduled_start),
            "counselor": session.counselor.full_name,
            "mode": session.get_mode_display(),
            "status": session.get_status_display(),
            "place": redact(session.place),
            "notes": by_session.get(session.pk, []),
        }
        for session in sessions
    ]


def _withheld(counselee: Counselee, withheld: dict[int, str]) -> list[dict[str, Any]]:
    notes = (
        SessionNote.objects.filter(pk__in=list(withheld))
        .select_related("session")
        .order_by("finalised_at", "pk")  # type: ignore[no-untyped-call]
        .defer("presenting_concern", "what_was_done", "agreed_follow_up", "body")
    )
    return [
        {
            "session_date": _when(note.session.scheduled_start.date()),
            "note_date": _when(note.finalised_at),
            "reason": withheld[note.pk],
            "reason_label": str(WithheldNote.Reason(withheld[note.pk]).label),
        }
        for note in notes
    ]


def _disclosures(student: User, redact: Redactor) -> list[dict[str, Any]]:
    return [
        {
            "disclosed_at": _when(disclosure.disclosed_at),
            "reason": disclosure.reason,
            "reason_label": disclosure.get_reason_display(),
            "recipient_role": disclosure.get_recipient_role_display(),
            "recipient": REDACTED,
            "what_was_shared": redact(disclosure.what_was_shared),
            "informed_at": _when(disclosure.informed_at),
        }
        for disclosure in policy.disclosures_for(student).order_by("disclosed_at")
    ]


def _access_log(student: User, redact: Redactor) -> list[dict[str, Any]]:
    """The same lines as her page "Siapa yang membuka catatanku", oldest first."""
    rows = []
    for event in policy.events_for(student).order_by("id"):
        line = describe.for_student(event, student)
        rows.append(
            {
                "when": _when(line.when),
                "who": line.who,
                "what": line.what,
                "why": redact(line.why),
                "flagged": line.flagged,
            }
        )
    return rows

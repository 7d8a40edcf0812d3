"""The leak sweep: every role crawls the demo school, then tries every page any other
role reached, and no encrypted value leaves the reach of the people allowed to read it.

What each person may read is written out below as a small table built from the seeded
caseloads, not by asking `counseling.policy`: the sweep checks the policy, it does not
trust it. Besides the pages (the inbox among them), it looks at headers, cookies, log
records, e-mails, the notices, Celery task arguments, and every text column of every table.
"""

import datetime
import html
import logging
import re
from collections import Counter, deque
from contextlib import contextmanager
from dataclasses import dataclass
from html.parser import HTMLParser
from urllib.parse import urljoin, urlsplit

import pytest
from celery import signals as celery_signals
from django.contrib.sessions.models import Session
from django.db import connection
from django.test import Client
from django.utils import timezone

from consent import services as consent_services
from consent.models import Disclosure
from counseling import demo
from counseling.accounts.models import User
from counseling.audit import services as audit_services
from counseling.audit.models import EmergencyAccess
from counseling.crisis import services as crisis_services
from counseling.crisis.models import CrisisRequest, SafetyPlan
from counseling.encryption import counselee_key_fields, encrypted_field_names
from counseling.guardians.demo import EXEMPTION_DETAIL
from counseling.guardians.models import Guardian, GuardianAcknowledgement, GuardianExemption
from counseling.messaging import services as messaging
from counseling.messaging.models import Conversation, Message, MessageDraft
from counseling.records import services as records_services
from counseling.records.models import CaseAssignment, Counselee
from counseling.referrals import bk, external
from counseling.referrals import services as referral_services
from counseling.referrals.models import BkReferral, ExternalReferral, Referral
from counseling.retention import services as retention_services
from counseling.retention.models import LegalHold
from counseling.rights import services as rights_services
from counseling.rights.models import DataRequest
from sessions import availability, bookings, cases
from sessions import services as session_services
from sessions.models import AvailabilityRule, Booking, CounselingSession, NoteAddendum, SessionNote
from tests.conftest import login, sealed

PAGES_PER_USER = 300
STUDENTS = [f"siswa{n}" for n in range(1, 8)]
COUNSELORS = ["konselor1", "konselor2"]
TEACHERS = ["guru1"]
COORDINATORS = {"konselor1"}
DPO = "dpo"
EVERYONE = ["admin", DPO, *COUNSELORS, *STUDENTS, *TEACHERS]

# Who is on whose active caseload once the sweep's own story below has run: the demo's
# caseloads, with konselor1's short assignment to siswa4 ended again.
ACTIVE_CASELOAD = {
    "konselor1": {"siswa1", "siswa2", "siswa3", "siswa8", "siswa9", "siswa10", "siswa11"},
    "konselor2": {"siswa4", "siswa5", "siswa6", "siswa7", "siswa12"},
}
# konselor1 handed siswa7 over less than 14 days ago: she still reads her own notes.
READ_ONLY = {"konselor1": {"siswa7"}}

# Markers of our own, on top of the demo's realistic values, so that a leak of any kind
# of content is caught by a string nobody could write by chance.
SITI_NOTE = "RAHASIA-SITI-7731: takut pulang karena ayahnya sering marah."
SITI_PLACE = "RAHASIA-TEMPAT-5512 rumah neneknya di Cibubur"
SITI_ADDENDUM = "RAHASIA-ADENDUM-8842: neneknya bersedia menjemput."
DIMAS_SHARED = "RAHASIA-DIBAGIKAN-6610: Dimas menyebut ingin melukai diri."
DIMAS_RECIPIENT = "RAHASIA-PENERIMA-4417 Ibu Ratna"
DIMAS_INSTITUTION = "RAHASIA-LEMBAGA-5523 Puskesmas Cempaka"
DIMAS_ROLE_DETAIL = "RAHASIA-PERAN-4418 bibi yang mengasuhnya"
DIMAS_NOT_TOLD = "RAHASIA-ALASAN-3391: Dimas sedang dirawat, belum dapat diajak bicara."
RIZKY_TOPIC = "RAHASIA-TOPIK-2208: aku dipaksa bekerja sampai malam."
RIZKY_OLD_NOTE = "RAHASIA-LAMA-7002: Rizky bercerita tentang utang keluarga."
PUTRI_JUSTIFICATION = "RAHASIA-DARURAT-9021: Putri tidak dapat dihubungi sejak pagi."
PUTRI_REVIEW = "RAHASIA-TINJAU-9022: alasan cukup, akses wajar."
SITI_MESSAGE = "RAHASIA-PESAN-1201: Bu, aku takut pulang malam ini."
RINA_REPLY = "RAHASIA-BALASAN-1202: kita bicara besok pagi, Siti."
SITI_RETRACTED = "RAHASIA-DITARIK-1203: lupakan yang tadi."
RINA_DRAFT = "RAHASIA-DRAF-1204: Siti, saya sudah bicara dengan"
RIZKY_OLD_MESSAGE = "RAHASIA-PESAN-LAMA-1205: Bu, utang ayahku makin besar."
# The crisis pathway: siswa1's request still waits (no counselor reads it yet); siswa3's
# was taken by her own counselor, who wrote a safety plan and shared it with her.
SITI_CRISIS = "RAHASIA-KRISIS-1101: aku tidak mau pulang hari ini."
AYU_CRISIS = "RAHASIA-KRISIS-3303: aku takut sekali."
AYU_PLAN = "RAHASIA-RENCANA-3304: telepon kakak sepupu."
AYU_REFERRAL_REASON = "RAHASIA-RUJUK-1203: saya tetangga keluarganya."
AYU_REFERRAL_SUMMARY = "RAHASIA-SERAH-1204: Ayu rindu teman lamanya di Semarang."
AYU_TEACHER_REASON = "RAHASIA-GURU-1205: Ayu menangis saat pelajaran olahraga."
DIMAS_LETTER = "RAHASIA-SURAT-1206: mohon asesmen psikologis lanjutan."
DIMAS_PSYCHOLOGIST = "RAHASIA-PSIKOLOG-1207 Biro Harapan"

RECEIVER_KNOWS = {
    Referral.Status.WAITING_RECEIVER,
    Referral.Status.ACCEPTED,
}
RIZKY_REQUEST = "RAHASIA-PERMINTAAN-4501: hapus catatan lamaku tentang utang."
SITI_HOLD = "RAHASIA-PENAHANAN-6101: penyidik Polres meminta catatan Siti disimpan."

# Places that name a room, not a secret: the counselors publish them with their hours.
GENERIC_PLACES = {"Ruang BK", "Panggilan video"}


@dataclass(frozen=True)
class Secret:
    text: str
    student: str  # the username of the student it is about
    # contact, record, topic, justification, review, exemption, message, draft, retracted,
    # crisis, plan, referral_*, external, bk_reason, hold, data_request
    kind: str
    counselor: str = ""  # the counselor a booking was made with, or who broke the glass
    receiver: str = ""  # a referral's receiver, once the student accepted it


def may_see(viewer: str, secret: Secret) -> bool:
    """The table: DESIGN.md's confidentiality rules, for the people of the demo school."""
    if secret.kind == "message":
        # A conversation is the student's and its counselor's (one whose assignment
        # ended reads what was written while she was on the case), and the receiver's of
        # a referral that shared it with the student's consent, for what was written
        # until then, while she is on the case; admins see counts.
        return viewer in (secret.student, secret.counselor) or (
            viewer == secret.receiver and secret.student in ACTIVE_CASELOAD.get(viewer, ())
        )
    if secret.kind == "draft":
        return viewer == secret.counselor  # its author's alone
    if secret.kind == "retracted":
        return False  # erased when it was taken back
    if secret.kind == "data_request":
        # What a student wrote in a request under UU PDP: the DPO who handles it, the
        # student's own counselors (who review her copy), and the student herself.
        return viewer in (DPO, secret.student) or secret.student in ACTIVE_CASELOAD.get(viewer, ())
    if viewer == DPO:
        # The data protection officer sees metadata, clocks and the access log: no
        # encrypted value of anyone's, not a hold's reason nor a break-glass justification.
        return False
    if viewer == "admin":
        # Admins audit emergency access, reading why it was used and their own review;
        # they keep the guardians' contact data (never an exemption's detail).
        return secret.kind in {"justification", "review", "contact"}
    if viewer in TEACHERS:
        # A teacher reads nothing of anyone's, not even the reason she wrote herself.
        return False
    if secret.kind in {"referral_summary", "referral_reason"}:
        # The referring counselor, the receiver once the student accepted, and the
        # student herself (the summary, not the counselor's own explanation).
        if viewer in COUNSELORS:
            return viewer in {secret.counselor, secret.receiver}
        return secret.kind == "referral_summary" and secret.student == viewer
    if secret.kind == "external":
        # A letter outside the school: its author on the case, and the student herself.
        if viewer in COUNSELORS:
            return viewer == secret.counselor and secret.student in ACTIVE_CASELOAD[viewer]
        return secret.student == viewer
    if secret.kind == "bk_reason":
        # A teacher's referral reaches the coordinator and the student's own counselor.
        return viewer in COORDINATORS or secret.student in ACTIVE_CASELOAD.get(viewer, ())
    if viewer in COUNSELORS:
        on_caseload = secret.student in ACTIVE_CASELOAD[viewer]
        if secret.kind == "record" and secret.student in READ_ONLY.get(viewer, ()):
            return True
        if secret.kind in {"contact", "record", "exemption"}:
            return on_caseload
        if secret.kind == "topic":
            # A booking's topic is for the student and the counselor booked, no one else.
            return secret.counselor == viewer
        if secret.kind == "justification":
            return secret.counselor == viewer
        if secret.kind == "crisis":
            # A request's text is for whoever took it; while it waits, for nobody.
            return secret.counselor == viewer
        if secret.kind == "plan":
            return secret.counselor == viewer and on_caseload
        return False
    # A student: her own topics; and on "Siapa yang membuka catatanku", why someone broke
    # the glass on her record. Never notes, never her guardians' data, never others.
    if secret.student != viewer:
        return False
    return secret.kind in {"topic", "justification", "crisis", "plan"}


# The sweep's own story, told through the services as the people would.


def _slot(counselor, days_ahead):
    first_day = timezone.localdate() + datetime.timedelta(days=days_ahead)
    for slot in availability.free_slots(counselor):
        if timezone.localtime(slot.start).date() >= first_day:
            return slot.start
    raise LookupError(f"no free slot for {counselor}")


def add_markers(users, counselees):
    admin, konselor1, konselor2 = users["admin"], users["konselor1"], users["konselor2"]

    # A walk-in session with siswa1 somewhere private, a final note and an addendum.
    session = session_services.create_walk_in_session(
        counselees["siswa1"], by=konselor1, place=SITI_PLACE
    )
    session_services.start_session(session, by=konselor1, limits_explained=True)
    note = session_services.write_note(session, by=konselor1, body=SITI_NOTE)
    session_services.finalise_note(note, by=konselor1)
    session_services.add_addendum(note, by=konselor1, body=SITI_ADDENDUM)
    session_services.complete_session(session, by=konselor1)

    # A disclosure about siswa2, not yet told to him.
    consent_services.record_disclosure(
        counselees["siswa2"],
        by=konselor1,
        reason=Disclosure.Reason.DANGER_TO_SELF,
        recipient_name=DIMAS_RECIPIENT,
        recipient_role="parent",
        recipient_role_detail=DIMAS_ROLE_DETAIL,
        recipient_institution=DIMAS_INSTITUTION,
        what_was_shared=DIMAS_SHARED,
        disclosed_at=timezone.now(),
        student_informed=False,
        not_informed_reason=DIMAS_NOT_TOLD,
    )

    # siswa4 books his counselor with a topic.
    bookings.book(
        counselees["siswa4"],
        konselor2,
        _slot(konselor2, 8),
        by=users["siswa4"],
        topic=RIZKY_TOPIC,
    )

    # konselor1 held siswa4's case for a while and wrote about him; the case moved on,
    # and with it konselor1's right to read it, though they wrote the note themselves.
    assignment = records_services.assign(konselor1, counselees["siswa4"], by=admin)
    old = session_services.create_walk_in_session(counselees["siswa4"], by=konselor1)
    session_services.start_session(old, by=konselor1, limits_explained=True)
    session_services.write_note(old, by=konselor1, body=RIZKY_OLD_NOTE)
    cases.end_assignment(assignment, by=admin)

    # konselor1 proposed handing siswa3 to konselor2, who never learnt of it: siswa3
    # declined. guru1 (wali kelas X-2) referred siswa3 to BK.
    referral = referral_services.propose(
        counselees["siswa3"],
        by=konselor1,
        to=konselor2,
        reason=Referral.Reason.CONFLICT,
        reason_text=AYU_REFERRAL_REASON,
        summary=AYU_REFERRAL_SUMMARY,
        scope=Referral.Scope.ALL,
    )
    referral_services.answer_as_student(referral, by=users["siswa3"], accept=False)
    bk.refer(counselees["siswa3"], by=users["guru1"], reason=AYU_TEACHER_REASON)

    # konselor1 wrote siswa2 a referral letter to a psychologist; siswa2 consented.
    letter = external.make(
        counselees["siswa2"],
        by=konselor1,
        recipient_kind=ExternalReferral.RecipientKind.PSYCHOLOGIST,
        recipient_name=DIMAS_PSYCHOLOGIST,
        letter_text=DIMAS_LETTER,
        basis=ExternalReferral.Basis.CONSENT,
    )
    external.answer(letter, by=users["siswa2"], accept=True)

    # konselor1 broke the glass on siswa5; the admin reviewed it; it has expired.
    access = audit_services.grant_emergency_access(
        counselees["siswa5"], PUTRI_JUSTIFICATION, by=konselor1
    )
    audit_services.review_emergency_access(access, PUTRI_REVIEW, by=admin)
    EmergencyAccess.objects.filter(pk=access.pk).update(
        expires_at=timezone.now() - datetime.timedelta(minutes=1)
    )

    # Online counseling: siswa1 and konselor1 write, one line is taken back, a reply
    # waits as a draft; siswa4 wrote to konselor1 while she held his case for a while.
    siti = users["siswa1"]
    conversation = messaging.open_conversation(siti, konselor1, by=siti)
    messaging.send(conversation, by=siti, body=SITI_MESSAGE)
    taken_back = messaging.send(conversation, by=siti, body=SITI_RETRACTED)
    messaging.retract(taken_back, by=siti)
    messaging.send(conversation, by=konselor1, body=RINA_REPLY)
    messaging.save_draft(conversation, by=konselor1, body=RINA_DRAFT)
    rizky = users["siswa4"]
    short = records_services.assign(konselor1, counselees["siswa4"], by=admin)
    old_conversation = messaging.open_conversation(rizky, konselor1, by=rizky)
    messaging.send(old_conversation, by=rizky, body=RIZKY_OLD_MESSAGE, urgent=True)
    cases.end_assignment(short, by=admin)
    # "Aku butuh bicara sekarang": one request waiting, one taken, with a safety plan.
    crisis_services.ask_for_help(users["siswa1"], text=SITI_CRISIS)
    taken = crisis_services.take(
        crisis_services.ask_for_help(users["siswa3"], text=AYU_CRISIS), by=konselor1
    )
    crisis_services.start_crisis_session(taken, by=konselor1, limits_explained=True)
    crisis_services.save_safety_plan(
        counselees["siswa3"], by=konselor1, what_helps=AYU_PLAN, shared_with_student=True
    )
    # konselor1 asked for a legal hold on siswa1's records; its reason is on no page.
    retention_services.request_legal_hold(counselees["siswa1"], reason=SITI_HOLD, by=konselor1)
    # siswa4 asked for his old notes to be erased: the DPO decides it.
    rights_services.make_request(
        counselees["siswa4"],
        by=users["siswa4"],
        kind=DataRequest.Kind.ERASURE,
        details=RIZKY_REQUEST,
    )


def collect_secrets() -> list[Secret]:
    """Every encrypted value about a student, decrypted through the models."""
    secrets = []

    def add(text, counselee, kind, counselor="", receiver=""):
        if text and text.strip():
            secrets.append(Secret(text, counselee.user.username, kind, counselor, receiver))

    for counselee in Counselee.objects.select_related("user"):
        add(counselee.guardian_name, counselee, "contact")
        add(counselee.guardian_phone, counselee, "contact")
        add(counselee.background_notes, counselee, "record")
    for guardian in Guardian.objects.select_related("counselee__user"):
        for name in ("name", "phone", "email"):
            add(getattr(guardian, name), guardian.counselee, "contact")
    for ack in GuardianAcknowledgement.objects.select_related("counselee__user"):
        add(ack.typed_name, ack.counselee, "contact")
    for exemption in GuardianExemption.objects.select_related("counselee__user"):
        add(exemption.detail, exemption.counselee, "exemption")
    rooms = GENERIC_PLACES | set(AvailabilityRule.objects.values_list("place", flat=True))
    for session in CounselingSession.objects.select_related("counselee__user"):
        if session.place not in rooms:
            add(session.place, session.counselee, "record")
    for note in SessionNote.objects.select_related("session__counselee__user"):
        for name in ("presenting_concern", "what_was_done", "agreed_follow_up", "body"):
            add(getattr(note, name), note.session.counselee, "record")
    for addendum in NoteAddendum.objects.select_related("note__session__counselee__user"):
        add(addendum.body, addendum.note.session.counselee, "record")
    for booking in Booking.objects.select_related("counselee__user", "counselor"):
        add(booking.topic, booking.counselee, "topic", booking.counselor.username)
    for disclosure in Disclosure.objects.select_related("counselee__user"):
        for name in (
            "what_was_shared",
            "recipient_name",
            "recipient_role_detail",
            "recipient_institution",
        ):
            add(getattr(disclosure, name), disclosure.counselee, "record")
        add(disclosure.not_informed_reason, disclosure.counselee, "record")
    for access in EmergencyAccess.objects.select_related("counselee__user", "counselor"):
        add(access.justification, access.counselee, "justification", access.counselor.username)
        add(access.review_comment, access.counselee, "review")
    shared = Referral.objects.filter(
        status=Referral.Status.ACCEPTED, shared_conversation__isnull=False
    ).select_related("to_counselor")
    for message in Message.objects.select_related(
        "conversation__counselee__user", "conversation__counselor"
    ):
        conversation = message.conversation
        receivers = [
            referral.to_counselor.username
            for referral in shared
            if referral.shared_conversation_id == conversation.pk
            and message.sent_at <= referral.student_answered_at
        ]
        add(
            message.body,
            conversation.counselee,
            "message",
            conversation.counselor.username,
            *receivers[:1],
        )
    for draft in MessageDraft.objects.select_related("conversation__counselee__user", "author"):
        add(draft.body, draft.conversation.counselee, "draft", draft.author.username)
    secrets.append(Secret(SITI_RETRACTED, "siswa1", "retracted"))
    for crisis in CrisisRequest.objects.select_related("counselee__user", "taken_by"):
        taker = crisis.taken_by.username if crisis.taken_by else ""
        add(crisis.text, crisis.counselee, "crisis", taker)
    for plan in SafetyPlan.objects.select_related("counselee__user", "counselor"):
        for name in crisis_services.SAFETY_PLAN_FIELDS:
            add(getattr(plan, name), plan.counselee, "plan", plan.counselor.username)
    related = ("counselee__user", "from_counselor", "to_counselor")
    for referral in Referral.objects.select_related(*related):
        knows = referral.status in RECEIVER_KNOWS
        people = (referral.from_counselor.username, referral.to_counselor.username if knows else "")
        add(referral.summary, referral.counselee, "referral_summary", *people)
        add(referral.reason_text, referral.counselee, "referral_reason", *people)
    for letter in ExternalReferral.objects.select_related("counselee__user", "counselor"):
        for text in (letter.letter_text, letter.recipient_name, letter.feedback):
            add(text, letter.counselee, "external", letter.counselor.username)
    for bk_referral in BkReferral.objects.select_related("counselee__user"):
        add(bk_referral.reason, bk_referral.counselee, "bk_reason")
    for hold in LegalHold.objects.select_related("counselee__user"):
        add(hold.reason, hold.counselee, "hold")  # seen by no one
    for data_request in DataRequest.objects.select_related("counselee__user"):
        for text in (data_request.details, data_request.proposed, data_request.answer):
            add(text, data_request.counselee, "data_request")
    return secrets


def hidden_from(viewer, secrets) -> list[Secret]:
    """The secrets `viewer` may not see, less any text they may see for another reason
    (siswa5's guardian is also the recipient of a disclosure about her)."""
    allowed = {s.text for s in secrets if may_see(viewer, s)}
    return [s for s in secrets if not may_see(viewer, s) and s.text not in allowed]


def needles(text: str) -> list[str]:
    """The forms a value takes on the way out: as is, HTML-escaped, and (for a long
    value, which a page might shorten) its opening words."""
    forms = {text, html.escape(text), html.escape(text, quote=False)}
    if len(text) > 32:
        forms |= {text[:32], html.escape(text[:32])}
    return sorted(forms)


def pattern_for(secrets) -> re.Pattern:
    alternatives = sorted({n for s in secrets for n in needles(s.text)}, key=len, reverse=True)
    return re.compile("|".join(map(re.escape, alternatives)))


# Crawling.


class LinkParser(HTMLParser):
    def __init__(self):
        super().__init__()
        self.links = []
        self.titles = []
        self._in_title = False

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "a" and attrs.get("href"):
            self.links.append(attrs["href"])
        if tag == "form" and (attrs.get("method") or "get").lower() == "get":
            self.links.append(attrs.get("action") or "")
        if tag == "title":
            self._in_title = True
            self.titles.append("")

    def handle_endtag(self, tag):
        if tag == "title":
            self._in_title = False

    def handle_data(self, data):
        if self._in_title:
            self.titles[-1] += data


def normalise(href: str, base: str) -> str | None:
    """A same-site URL worth fetching, as path?query; None for anything else.

    In the admin site the query only sorts and filters the same rows (and every change
    page carries the list's filters along), so it is dropped there.
    """
    parts = urlsplit(urljoin(f"http://testserver{base}", href))
    if parts.scheme not in ("http", "https") or parts.netloc != "testserver":
        return None
    path = parts.path
    if path.startswith(("/static/", "/i18n/")) or "logout" in path:
        return None
    if parts.query and not path.startswith("/admin/"):
        return f"{path}?{parts.query}"
    return path


SLOT_KEY = re.compile(r"\d{4}-\d{2}-\d{2}T\d{4}")
SAME_SHAPE_LIMIT = 3


def shape(url: str) -> str:
    """The page a URL shows, whatever slot or page number it names: the crawl visits a
    few of each (every slot on a counselor's calendar is the same booking form), while
    every object named by its own id is visited."""
    path, _, query = url.partition("?")
    keys = sorted(part.partition("=")[0] for part in query.split("&") if part)
    return SLOT_KEY.sub("{slot}", path) + "?" + "&".join(keys)


@dataclass
class Fetched:
    url: str
    status: int
    body: str
    headers: str
    cookies: str
    links: list
    titles: list


def fetch(client, url) -> Fetched:
    response = client.get(url)
    raw = b"".join(response.streaming_content) if response.streaming else response.content
    body = raw.decode(errors="replace")
    links, titles = [], []
    location = response.get("Location")
    if location:
        links.append(location)
    if response.get("Content-Type", "").startswith("text/html"):
        parser = LinkParser()
        parser.feed(body)
        links += parser.links
        titles = parser.titles
    headers = "\n".join(f"{k}: {v}" for k, v in response.items())
    cookies = "\n".join(f"{m.key}={m.value}" for m in response.cookies.values())
    return Fetched(url, response.status_code, body, headers, cookies, links, titles)


def crawl(client, check) -> set[str]:
    reached, queue, shapes = set(), deque(["/"]), Counter()
    while queue and len(reached) < PAGES_PER_USER:
        url = queue.popleft()
        if url in reached or shapes[shape(url)] >= SAME_SHAPE_LIMIT:
            continue
        reached.add(url)
        shapes[shape(url)] += 1
        page = check(fetch(client, url))
        for href in page.links:
            target = normalise(href, url)
            if target and target not in reached:
                queue.append(target)
    return reached


# The sweep.


@pytest.fixture
def captured_tasks():
    """Arguments of every Celery task sent or run (eagerly, in tests) during the test."""
    calls = []

    def on_publish(sender=None, body=None, headers=None, **extra):
        calls.append(f"{sender} {body!r} {headers!r}")

    def on_run(sender=None, task=None, args=None, kwargs=None, **extra):
        calls.append(f"{sender} {args!r} {kwargs!r}")

    celery_signals.before_task_publish.connect(on_publish, weak=False)
    celery_signals.task_prerun.connect(on_run, weak=False)
    yield calls
    celery_signals.before_task_publish.disconnect(on_publish)
    celery_signals.task_prerun.disconnect(on_run)


@contextmanager
def sql_logged():
    """Log every SQL statement with its parameters, as DEBUG would, without DEBUG's pages.

    Used while content is written; the crawl only reads, and logging its thousands of
    queries would make the sweep slow.
    """
    before = connection.force_debug_cursor
    connection.force_debug_cursor = True
    try:
        yield
    finally:
        connection.force_debug_cursor = before


def text_columns():
    """(table, column) for every text-like column of every table in the database."""
    with connection.cursor() as cursor:
        for table in connection.introspection.table_names(cursor):
            for column in connection.introspection.get_table_description(cursor, table):
                type_name = connection.introspection.get_field_type(column.type_code, column)
                if type_name in {"CharField", "TextField", "JSONField", "SlugField"}:
                    yield table, column.name


def test_no_one_sees_a_secret_outside_their_reach(
    db, caplog, mailoutbox, captured_tasks, django_capture_on_commit_callbacks
):
    caplog.set_level(logging.DEBUG)
    caplog.set_level(logging.DEBUG, logger="django")
    # Alerts and e-mails are queued on commit: run them, so their content is checked too.
    with sql_logged(), django_capture_on_commit_callbacks(execute=True):
        demo.seed("amanah-demo", log=lambda *args: None)
        users = {u.username: u for u in User.objects.filter(username__in=EVERYONE)}
        counselees = {c.user.username: c for c in Counselee.objects.select_related("user")}
        add_markers(users, counselees)

    active = {
        (a.counselor.username, a.counselee.user.username)
        for a in CaseAssignment.objects.active().select_related("counselor", "counselee__user")
    }
    assert active == {(c, s) for c, students in ACTIVE_CASELOAD.items() for s in students}
    assert not EmergencyAccess.objects.filter(expires_at__gt=timezone.now()).exists()

    secrets = collect_secrets()
    texts = {s.text for s in secrets}
    for marker in (SITI_NOTE, SITI_PLACE, SITI_ADDENDUM, DIMAS_SHARED, DIMAS_NOT_TOLD):
        assert marker in texts
    for marker in (DIMAS_RECIPIENT, DIMAS_ROLE_DETAIL, DIMAS_INSTITUTION):
        assert marker in texts
    for marker in (RIZKY_TOPIC, RIZKY_OLD_NOTE, PUTRI_JUSTIFICATION, PUTRI_REVIEW):
        assert marker in texts
    for marker in (SITI_MESSAGE, RINA_REPLY, RINA_DRAFT, RIZKY_OLD_MESSAGE):
        assert marker in texts
    for marker in (AYU_REFERRAL_REASON, AYU_REFERRAL_SUMMARY, AYU_TEACHER_REASON, DIMAS_LETTER):
        assert marker in texts
    assert RIZKY_REQUEST in texts
    any_secret = pattern_for(secrets)
    forbidden = {viewer: pattern_for(hidden_from(viewer, secrets)) for viewer in EVERYONE}
    allowed_seen = {viewer: set() for viewer in EVERYONE}

    def checker(viewer):
        def check(page: Fetched) -> Fetched:
            assert page.status < 500, f"{viewer} {page.url}: {page.status}"
            for where in ("body", "headers", "cookies"):
                found = forbidden[viewer].search(getattr(page, where))
                assert found is None, f"{viewer} sees {found[0]!r} in the {where} of {page.url}"
            for title in page.titles:
                found = any_secret.search(title)
                assert found is None, f"the title of {page.url} holds {found[0]!r}"
            for secret in secrets:
                if secret.text in page.body:
                    allowed_seen[viewer].add(secret.text)
            return page

        return check

    clients = {}
    reached = {}
    for viewer in EVERYONE:
        clients[viewer] = login(Client(), users[viewer])
        reached[viewer] = crawl(clients[viewer], checker(viewer))
    # A conversation's poll is fetched by script, not linked: everyone asks every one.
    polls = [f"/messages/{c.public_id}/poll/" for c in Conversation.objects.all()]
    for viewer in EVERYONE:
        check = checker(viewer)
        others = set().union(*(urls for who, urls in reached.items() if who != viewer))
        for url in sorted(others - reached[viewer]) + polls:
            check(fetch(clients[viewer], url))

    # The crawl really went somewhere: each role reached its content through links.
    assert len(reached["admin"]) > 20
    assert SITI_NOTE in allowed_seen["konselor1"]
    assert SITI_ADDENDUM in allowed_seen["konselor1"]
    assert DIMAS_SHARED in allowed_seen["konselor1"]
    assert RIZKY_TOPIC in allowed_seen["konselor2"]
    assert RIZKY_TOPIC in allowed_seen["siswa4"]
    assert "Ibu Suryani" in allowed_seen["konselor1"]
    assert "Ibu Suryani" in allowed_seen["admin"]
    assert EXEMPTION_DETAIL in allowed_seen["konselor1"]
    assert EXEMPTION_DETAIL in texts

    # The guardian's one-time link (siswa9's, e-mailed by the demo), opened as the guardian
    # would on her phone, signed in as nobody: its pages show nothing of any student's
    # counseling, nor anyone's contact data, before and after she accepts.
    guardian_mail = [m for m in mailoutbox if "/wali/" in m.body]
    assert guardian_mail, "the demo e-mails siswa9's guardian a link"
    link = re.search(r"https?://[^/\s]+(/wali/[^\s/]+/)", guardian_mail[-1].body)[1]
    guardian_phone = Client()
    pages = [fetch(guardian_phone, link)]
    assert pages[0].status == 200, pages[0].status
    shown_hash = re.search(r'name="shown_hash" value="([0-9a-f]+)"', pages[0].body)[1]
    done = guardian_phone.post(
        link, {"shown_hash": shown_hash, "typed_name": "Joko", "agree": "on"}
    )
    assert done.status_code == 200
    pages.append(Fetched(link, 200, done.content.decode(), "", "", [], []))
    pages.append(fetch(guardian_phone, link))  # used up: the "no longer valid" page
    pages.append(fetch(Client(), link))
    assert [page.status for page in pages] == [200, 200, 404, 404]
    for page in pages:
        for where in ("body", "headers", "cookies"):
            found = any_secret.search(getattr(page, where))
            assert found is None, f"the guardian's link shows {found[0]!r} in the {where}"
        for title in page.titles:
            assert any_secret.search(title) is None
    assert PUTRI_JUSTIFICATION in allowed_seen["admin"]
    assert PUTRI_REVIEW in allowed_seen["admin"]
    assert {SITI_MESSAGE, RINA_REPLY} <= allowed_seen["siswa1"] & allowed_seen["konselor1"]
    assert RINA_DRAFT in allowed_seen["konselor1"]
    assert RIZKY_OLD_MESSAGE in allowed_seen["konselor1"] & allowed_seen["siswa4"]
    assert AYU_CRISIS in allowed_seen["konselor1"]
    assert AYU_PLAN in allowed_seen["siswa3"]
    assert AYU_REFERRAL_SUMMARY in allowed_seen["siswa3"]
    assert AYU_REFERRAL_REASON in allowed_seen["konselor1"]
    assert AYU_TEACHER_REASON in allowed_seen["konselor1"]
    assert DIMAS_LETTER in allowed_seen["siswa2"]
    assert len(reached["guru1"]) > 3
    # The data protection officer reached her registers and the log through her menu.
    for path in ("/audit/", "/dpo/processing/", "/dpo/holds/", "/data-requests/"):
        assert path in reached[DPO], path
    # Every role reached its inbox from the header, and the notices there passed the
    # same checks: headlines and links, nothing of what they are about.
    for viewer in EVERYONE:
        assert "/inbox/" in reached[viewer], viewer
    for viewer in ("admin", *COUNSELORS, "siswa4"):
        inbox = checker(viewer)(fetch(clients[viewer], "/inbox/"))
        assert 'class="notice unread"' in inbox.body, f"{viewer}'s inbox is empty"

    # Nothing secret anywhere else: logs, e-mails, Celery, the notices, the sessions.
    logged = caplog.text + "".join(repr(r.args) for r in caplog.records)
    assert 'INSERT INTO "counseling_sessions_sessionnote"' in logged.replace("`", '"')
    assert 'INSERT INTO "messaging_message"' in logged.replace("`", '"')

    def without_recipient(message, text):
        # A guardian's e-mail address is encrypted contact data, and the To header of the
        # e-mail sent to her holds it: that one place is where it must be.
        for address in message.to:
            text = text.replace(address, "")
        return text

    mail = "".join(
        without_recipient(
            m,
            m.message().as_string() + m.subject + m.body + repr(getattr(m, "alternatives", "")),
        )
        for m in mailoutbox
    )
    assert mailoutbox, "the demo sends booking and alert e-mails"
    assert captured_tasks, "the demo queues tasks"
    sessions = "".join(str(s.get_decoded()) for s in Session.objects.all())
    for where, text in {
        "log records": logged,
        "e-mails": mail,
        "Celery tasks": "".join(captured_tasks),
        "sessions": sessions,
    }.items():
        found = any_secret.search(text)
        assert found is None, f"{found[0]!r} is in the {where}"

    # Every text column of every table: no plaintext of any encrypted value, and the
    # encrypted columns hold Fernet tokens.
    every_encrypted = collect_all_encrypted_plaintext()
    anywhere = pattern_for([Secret(t, "", "") for t in every_encrypted])
    encrypted_columns = {
        (model._meta.db_table, model._meta.get_field(name).column)
        for model in encrypted_models()
        for name in encrypted_field_names(model)
    }
    # Content about a counselee is sealed under her data key; the rest (the canary, the
    # second factors' secrets) under the master key.
    counselee_columns = {
        (model._meta.db_table, field.column)
        for model in encrypted_models()
        for field in counselee_key_fields(model)
    }
    scanned = 0
    qn = connection.ops.quote_name
    with connection.cursor() as cursor:
        for table, column in text_columns():
            cursor.execute(f"SELECT {qn(column)} FROM {qn(table)} WHERE {qn(column)} IS NOT NULL")
            for (value,) in cursor.fetchall():
                value = str(value)
                scanned += 1
                if (table, column) in counselee_columns:
                    assert sealed(value), f"{table}.{column} holds {value[:20]!r}"
                    continue
                if (table, column) in encrypted_columns:
                    assert value.startswith("gAAAA"), f"{table}.{column} holds {value[:20]!r}"
                    continue
                found = anywhere.search(value)
                assert found is None, f"{table}.{column} holds {found[0]!r} in plaintext"
    assert scanned > 1000
    assert {t for t, _ in encrypted_columns} <= {t for t, _ in text_columns()}


def encrypted_models():
    from django.apps import apps

    return [m for m in apps.get_models() if encrypted_field_names(m)]


def collect_all_encrypted_plaintext() -> set[str]:
    """The plaintext of every encrypted value in the database, whoever it is about."""
    rooms = GENERIC_PLACES | set(AvailabilityRule.objects.values_list("place", flat=True))
    values = set()
    for model in encrypted_models():
        names = encrypted_field_names(model)
        for row in model.objects.only(*names):
            for name in names:
                value = getattr(row, name)
                if value and value.strip() and value not in rooms:
                    values.add(value)
    return values

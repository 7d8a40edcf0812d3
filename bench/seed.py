"""A generated school district in PostgreSQL, written with COPY, for the benchmark.

Everything a page reads is real: counseling content is encrypted with the configured
FIELD_ENCRYPTION_KEY (in worker processes, since Fernet is the slow part), and the access
log is a valid hash chain built with `counseling.audit.chain.entry_hash`, so
`verify_audit` accepts it. Foreign keys are consistent by construction; the COPYs run with
`session_replication_role = replica` so that PostgreSQL does not re-check them row by row,
and the access log's secondary indexes are rebuilt once at the end instead of row by row.
"""

import datetime
import multiprocessing
import random
import time
import uuid
import zoneinfo
from dataclasses import dataclass

from django.conf import settings
from django.contrib.auth.hashers import make_password
from django.db import connection, transaction
from django.utils import timezone

from consent import rendering
from consent import services as consent_services
from consent.models import ConsentAcknowledgement, ConsentDocument
from counseling import fernet
from counseling.accounts.models import User
from counseling.audit import chain, keys, log
from counseling.audit.models import AccessEvent
from counseling.records.models import CaseAssignment, Counselee
from sessions.models import (
    AvailabilityRule,
    Booking,
    CounselingSession,
    NoteAddendum,
    SessionNote,
)

PASSWORD = "amanah-bench-password"  # noqa: S105 - generated accounts only
ADMIN_USERNAME = "bench_admin"
FULL_SCALE = {
    "students": 20_000,
    "counselors": 200,
    "notes": 500_000,
    "events": 5_000_000,
    "messages": 1_000_000,
}
# The conversation the benchmark opens: the first counselor's first counselee's, this long.
MEASURED_CONVERSATION_MESSAGES = 500
MESSAGES_PER_CONVERSATION = 50
NOTES_PER_SESSION = 2
HISTORY_DAYS = 365
_LOCAL = zoneinfo.ZoneInfo(settings.TIME_ZONE)

FIRST_NAMES = [
    "Siti", "Dimas", "Ayu", "Rizky", "Putri", "Nabila", "Fajar", "Dewi", "Bayu", "Intan",
    "Agus", "Rina", "Budi", "Sri", "Wahyu", "Lestari", "Eko", "Indah", "Hendra", "Maya",
]  # fmt: skip
LAST_NAMES = [
    "Pratama", "Lestari", "Ramadhan", "Maharani", "Azzahra", "Nurhaliza", "Saputra",
    "Wulandari", "Hartono", "Setiawan", "Kusuma", "Hidayat", "Permata", "Santoso",
]  # fmt: skip
PHRASES = [
    "Cemas menjelang ujian dan sulit tidur beberapa minggu terakhir.",
    "Merasa terbebani target nilai dan kegiatan organisasi.",
    "Belum punya teman dekat sejak pindah sekolah.",
    "Sering mengantuk di kelas karena membantu usaha keluarga.",
    "Berlatih pernapasan perlahan dan memetakan pikiran sebelum ulangan.",
    "Menyusun jadwal belajar 25 menit dengan jeda istirahat.",
    "Membahas cara menyampaikan kesulitan kepada wali kelas.",
    "Siswa terbuka dan kooperatif; dukungan di rumah cukup baik.",
    "Bertemu lagi dua minggu lagi untuk meninjau kemajuan.",
    "Siswa akan berbicara dengan orang tua tentang pembagian waktu.",
]  # fmt: skip
USER_AGENTS = [
    "Mozilla/5.0 (Linux; Android 13) AppleWebKit/537.36 Chrome/126.0 Mobile Safari/537.36",
    "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 Chrome/126.0 Safari/537.36",
    "Mozilla/5.0 (X11; Linux x86_64; rv:128.0) Gecko/20100101 Firefox/128.0",
]


class SeedRefused(Exception):
    """The database is not PostgreSQL, or already holds data."""


@dataclass(frozen=True)
class Plan:
    students: int
    counselors: int
    notes: int
    events: int
    messages: int = 0

    @classmethod
    def at_scale(cls, scale: float) -> "Plan":
        return cls(**{k: max(2, round(v * scale)) for k, v in FULL_SCALE.items()})


def _uuid(rng) -> uuid.UUID:
    return uuid.UUID(int=rng.getrandbits(128), version=4)


def _text(rng, sentences) -> str:
    return " ".join(rng.choice(PHRASES) for _ in range(sentences))


def _encrypt_notes(job) -> list[tuple[str, str, str, str]]:
    """Worker: the four encrypted fields of `count` notes, from a seeded generator."""
    start, count = job
    rng = random.Random(start)
    encrypt = fernet.encrypt
    return [
        (
            encrypt(_text(rng, 2)),
            encrypt(_text(rng, 3)),
            encrypt(_text(rng, 2)),
            encrypt(_text(rng, rng.randint(0, 3))),
        )
        for _ in range(count)
    ]


def _encrypt_messages(job) -> list[str]:
    """Worker: `count` encrypted message bodies, from a seeded generator."""
    start, count = job
    rng = random.Random(start)
    return [fernet.encrypt(_text(rng, rng.randint(1, 3))) for _ in range(count)]


def _encrypt_texts(texts: list[str]) -> list[str]:
    return [fernet.encrypt(t) for t in texts]


class Progress:
    def __init__(self, write):
        self.write = write
        self.started = time.monotonic()

    def __call__(self, label, done, total):
        percent = 100 * done // total if total else 100
        elapsed = time.monotonic() - self.started
        self.write(f"[{elapsed:7.1f}s] {label}: {done:,}/{total:,} ({percent}%)")


def _columns(model, names):
    return [model._meta.get_field(name).column for name in names]


def _defaulted(model, names):
    """The required columns `names` leaves out, which the model fills by itself (a default,
    `auto_now_add`): a column added to a model later does not break the seed."""
    named = {model._meta.get_field(name).name for name in names}
    return [
        field
        for field in model._meta.concrete_fields
        if field.name not in named
        and not field.null
        and not field.primary_key
        and (field.has_default() or getattr(field, "auto_now_add", False))
    ]


def _default(field):
    if field.has_default():
        return field.get_db_prep_save(field.get_default(), connection)
    return timezone.now()


def _copy(model, names, rows, progress=None, label="", total=0, every=50_000):
    """COPY `rows` (tuples in the order of field `names`) into `model`'s table; the
    required columns left out get the model's defaults."""
    table = connection.ops.quote_name(model._meta.db_table)
    extra = _defaulted(model, names)
    columns = ", ".join(
        connection.ops.quote_name(c)
        for c in [*_columns(model, names), *(field.column for field in extra)]
    )
    done = 0
    with (
        connection.cursor() as cursor,
        cursor.cursor.copy(f"COPY {table} ({columns}) FROM STDIN") as copy,
    ):
        for row in rows:
            copy.write_row((*row, *(_default(field) for field in extra)) if extra else row)
            done += 1
            if progress and done % every == 0:
                progress(label, done, total)
    if progress:
        progress(label, done, total)
    return done


def _reset_sequence(model):
    table = model._meta.db_table
    column = model._meta.pk.column
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT setval(pg_get_serial_sequence(%s, %s), "  # noqa: S608
            f"(SELECT COALESCE(MAX({connection.ops.quote_name(column)}), 1) "
            f"FROM {connection.ops.quote_name(table)}))",
            [table, column],
        )


class District:
    """Builds the district; `run()` does it all, in dependency order."""

    def __init__(self, plan: Plan, *, write=print, workers=2, seed=20250101):
        self.plan = plan
        self.write = write
        self.progress = Progress(write)
        self.workers = workers
        self.rng = random.Random(seed)
        self.now = timezone.now().replace(microsecond=0)
        self.start_of_history = self.now - datetime.timedelta(days=HISTORY_DAYS)

    def run(self):
        if connection.vendor != "postgresql":
            raise SeedRefused("seed_scale writes with PostgreSQL's COPY: set DATABASE_URL.")
        if User.objects.exists():
            raise SeedRefused(
                "This database already holds users. seed_scale fills an empty, migrated "
                "database: create a dedicated one (make bench does) and migrate it."
            )
        self.write(
            f"Seeding {self.plan.students:,} students, {self.plan.counselors:,} counselors, "
            f"{self.plan.notes:,} notes, {self.plan.events:,} access-log entries"
        )
        with connection.cursor() as cursor:
            cursor.execute("SET synchronous_commit = off")
            cursor.execute("SET maintenance_work_mem = '512MB'")
        self._people()
        self._caseloads_and_consent()
        self._sessions_and_notes()
        self._hours_and_bookings()
        self._messages()
        self._access_log()
        self.write("Analysing tables")
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
        self.progress("done", 1, 1)

    # People

    def _people(self):
        password = make_password(PASSWORD)
        admin = User.objects.create(
            username=ADMIN_USERNAME,
            full_name="Admin Dinas",
            role=User.Role.ADMIN,
            password=password,
        )
        self.admin_id = admin.pk
        first_id = admin.pk + 1
        self.counselor_ids = list(range(first_id, first_id + self.plan.counselors))
        self.student_ids = list(
            range(
                first_id + self.plan.counselors,
                first_id + self.plan.counselors + self.plan.students,
            )
        )
        joined = self.start_of_history
        rng = self.rng

        def users():
            for n, pk in enumerate(self.counselor_ids, start=1):
                name = f"{rng.choice(FIRST_NAMES)} {rng.choice(LAST_NAMES)}, S.Pd."
                yield (pk, password, f"konselor{n:04d}", f"konselor{n:04d}@bench.amanah.test",
                       name, User.Role.COUNSELOR, True, False, False, joined, n == 1,
                       False, "id")  # fmt: skip
            for n, pk in enumerate(self.student_ids, start=1):
                name = f"{rng.choice(FIRST_NAMES)} {rng.choice(LAST_NAMES)}"
                yield (pk, password, f"siswa{n:06d}", f"siswa{n:06d}@bench.amanah.test",
                       name, User.Role.STUDENT, True, False, False, joined, False,
                       False, "id")  # fmt: skip

        # COPY writes no Django default: every NOT NULL column is given.
        fields = ["id", "password", "username", "email", "full_name", "role", "is_active",
                  "is_staff", "is_superuser", "date_joined", "is_coordinator",
                  "password_is_temporary", "language"]  # fmt: skip
        with transaction.atomic():
            self._replica()
            _copy(
                User,
                fields,
                users(),
                self.progress,
                "users",
                len(self.student_ids) + len(self.counselor_ids),
            )
        _reset_sequence(User)
        self._second_factors()
        self._counselees()

    def _second_factors(self):
        from counseling.accounts.second_factor import AuthenticatorDevice

        AuthenticatorDevice.objects.bulk_create(
            AuthenticatorDevice(user_id=pk, name="bench", confirmed=True)
            for pk in [self.admin_id, *self.counselor_ids]
        )

    def _counselees(self):
        rng = self.rng
        n = len(self.student_ids)
        plaintexts = []
        for _ in range(n):
            plaintexts += [
                f"Ibu {rng.choice(FIRST_NAMES)} {rng.choice(LAST_NAMES)}",
                f"08{rng.randint(10, 99)}-{rng.randint(1000, 9999)}-{rng.randint(1000, 9999)}",
                _text(rng, 2),
            ]
        tokens = self._encrypt_parallel(plaintexts, "counselee fields")
        self.counselee_ids = list(range(1, n + 1))
        self.counselee_public_ids = [_uuid(rng) for _ in range(n)]
        grades = ["X", "XI", "XII"]

        def rows():
            for i, user_id in enumerate(self.student_ids):
                yield (
                    self.counselee_ids[i],
                    self.counselee_public_ids[i],
                    user_id,
                    str(2_000_000_000 + i),
                    f"{grades[i % 3]}-{1 + (i // 3) % 12}",
                    datetime.date(2008 + i % 3, 1 + i % 12, 1 + i % 28),
                    *tokens[3 * i : 3 * i + 3],
                    self.start_of_history,
                )

        fields = ["id", "public_id", "user", "nis", "class_name", "date_of_birth",
                  "guardian_name", "guardian_phone", "background_notes", "created_at"]  # fmt: skip
        with transaction.atomic():
            self._replica()
            _copy(Counselee, fields, rows(), self.progress, "counselees", n)
        _reset_sequence(Counselee)

    def counselor_of(self, counselee_index: int) -> int:
        """Counselee i is on the caseload of counselor i mod C: about S/C students each."""
        return self.counselor_ids[counselee_index % len(self.counselor_ids)]

    # Caseloads and consent

    def _caseloads_and_consent(self):
        started = self.start_of_history
        with transaction.atomic():
            self._replica()
            _copy(
                CaseAssignment,
                [
                    "public_id",
                    "counselor",
                    "counselee",
                    "opened_by",
                    "started_at",
                    "student_answered_at",
                    "end_reason",
                ],
                (
                    (uuid.uuid4(), self.counselor_of(i), pk, "admin", started, started, "")
                    for i, pk in enumerate(self.counselee_ids)
                ),
                self.progress,
                "case assignments",
                len(self.counselee_ids),
            )
        admin = User.objects.get(pk=self.admin_id)
        document = ConsentDocument.objects.create(
            version=1,
            title_id="Persetujuan Konseling",
            body_id="## Kerahasiaan\n\nYang kamu ceritakan tetap rahasia, kecuali empat batas.",
            title_en="Consent to Counseling",
            body_en="## Confidentiality\n\nWhat you say stays confidential, except four limits.",
        )
        consent_services.publish(document, by=admin)
        shown = rendering.text_hash(document.title_id, document.body_id)
        acknowledged = self.start_of_history + datetime.timedelta(days=1)
        with transaction.atomic():
            self._replica()
            _copy(
                ConsentAcknowledgement,
                [
                    "student",
                    "document",
                    "language",
                    "text_hash",
                    "typed_name",
                    "acknowledged_at",
                    "ip_address",
                    "user_agent",
                ],
                (
                    (pk, document.pk, "id", shown, "Siswa", acknowledged, "10.0.0.1", "")
                    for pk in self.student_ids
                ),
                self.progress,
                "consent acknowledgements",
                len(self.student_ids),
            )

    # Sessions and notes

    def _sessions_and_notes(self):
        rng = self.rng
        n_sessions = max(1, self.plan.notes // NOTES_PER_SESSION)
        span = (self.now - datetime.timedelta(days=1) - self.start_of_history).total_seconds()
        place = fernet.encrypt("Ruang BK")  # one token for all: Fernet is the slow part
        self.session_rows = []
        with transaction.atomic():
            self._replica()

            def sessions():
                for pk in range(1, n_sessions + 1):
                    i = rng.randrange(len(self.counselee_ids))
                    start = self.start_of_history + datetime.timedelta(
                        seconds=rng.randrange(int(span))
                    )
                    start = start.replace(second=0)
                    counselor = self.counselor_of(i)
                    self.session_rows.append((pk, counselor, start))
                    yield (pk, _uuid(rng), self.counselee_ids[i], counselor, start,
                           start + datetime.timedelta(minutes=45),
                           start + datetime.timedelta(minutes=2),
                           start + datetime.timedelta(minutes=2),
                           start + datetime.timedelta(minutes=40),
                           CounselingSession.Status.COMPLETED,
                           CounselingSession.Mode.FACE_TO_FACE, place,
                           start - datetime.timedelta(minutes=5))  # fmt: skip

            _copy(
                CounselingSession,
                [
                    "id",
                    "public_id",
                    "counselee",
                    "counselor",
                    "scheduled_start",
                    "scheduled_end",
                    "started_at",
                    "limits_explained_at",
                    "ended_at",
                    "status",
                    "mode",
                    "place",
                    "created_at",
                ],
                sessions(),
                self.progress,
                "sessions",
                n_sessions,
            )
        _reset_sequence(CounselingSession)
        self._notes()

    def _notes(self):
        total = self.plan.notes
        batch = 2000
        jobs = [(start, min(batch, total - start)) for start in range(0, total, batch)]
        rng = self.rng
        fields = ["id", "public_id", "session", "author", "presenting_concern", "what_was_done",
                  "agreed_follow_up", "body", "status", "finalised_at", "created_at",
                  "updated_at"]  # fmt: skip
        addenda = []

        def rows(encrypted_batches):
            pk = 0
            for tokens in encrypted_batches:
                for fields_ in tokens:
                    pk += 1
                    session_pk, counselor, start = self.session_rows[
                        (pk - 1) % len(self.session_rows)
                    ]
                    written = start + datetime.timedelta(minutes=45 + pk % 7)
                    final = pk % 5 != 0
                    if final and pk % 40 == 1:
                        addenda.append((pk, counselor, written + datetime.timedelta(days=2)))
                    yield (pk, _uuid(rng), session_pk, counselor, *fields_,
                           SessionNote.Status.FINAL if final else SessionNote.Status.DRAFT,
                           written + datetime.timedelta(minutes=30) if final else None,
                           written, written)  # fmt: skip

        connection.close()  # the workers are forked: they must not share the socket
        pool = multiprocessing.get_context("fork").Pool(self.workers)
        with pool, transaction.atomic():
            self._replica()
            _copy(
                SessionNote,
                fields,
                rows(pool.imap(_encrypt_notes, jobs)),
                self.progress,
                "session notes (encrypting)",
                total,
            )
        _reset_sequence(SessionNote)
        addendum_text = fernet.encrypt("Siswa mampir saat istirahat: rencana berjalan baik.")
        with transaction.atomic():
            self._replica()
            _copy(
                NoteAddendum,
                ["public_id", "note", "author", "body", "created_at"],
                ((_uuid(rng), note, author, addendum_text, when) for note, author, when in addenda),
                self.progress,
                "note addenda",
                len(addenda),
            )
        del self.session_rows

    # Online counseling

    def _messages(self):
        """Conversations of about MESSAGES_PER_CONVERSATION messages each, the first one
        (the measured one) exactly MEASURED_CONVERSATION_MESSAGES long."""
        from counseling.messaging.models import Conversation, Message

        total = self.plan.messages
        if total < MEASURED_CONVERSATION_MESSAGES:
            return
        rng = self.rng
        rest = total - MEASURED_CONVERSATION_MESSAGES
        n_conversations = min(
            len(self.counselee_ids), 1 + max(1, rest // MESSAGES_PER_CONVERSATION)
        )
        sizes = [MEASURED_CONVERSATION_MESSAGES] + [0] * (n_conversations - 1)
        for n in range(rest):
            sizes[1 + n % (n_conversations - 1)] += 1
        last = self.now - datetime.timedelta(hours=1)
        with transaction.atomic():
            self._replica()
            _copy(
                Conversation,
                [
                    "id",
                    "public_id",
                    "counselee",
                    "counselor",
                    "intake",
                    "created_at",
                    "version",
                    "last_message_at",
                    "unread_for_student",
                    "unread_for_counselor",
                ],
                (
                    (
                        i + 1,
                        _uuid(rng),
                        self.counselee_ids[i],
                        self.counselor_of(i),
                        False,
                        self.start_of_history,
                        sizes[i],
                        last,
                        0,
                        1,
                    )
                    for i in range(n_conversations)
                ),
                self.progress,
                "conversations",
                n_conversations,
            )
        _reset_sequence(Conversation)
        batch = 2000
        jobs = [(start, min(batch, total - start)) for start in range(0, total, batch)]

        def senders():
            for i, size in enumerate(sizes):
                for n in range(size):
                    yield i + 1, self.student_ids[i], self.counselor_of(i), n, size

        def rows(encrypted_batches):
            pk = 0
            who = senders()
            for tokens in encrypted_batches:
                for token in tokens:
                    conversation, student, counselor, n, size = next(who)
                    pk += 1
                    from_student = n % 2 == 0
                    sent = last - datetime.timedelta(minutes=10 * (size - n))
                    sender = student if from_student else counselor
                    side = "student" if from_student else "counselor"
                    yield (pk, _uuid(rng), conversation, sender, side, token, False, sent, None)

        connection.close()  # the workers are forked: they must not share the socket
        pool = multiprocessing.get_context("fork").Pool(self.workers)
        with pool, transaction.atomic():
            self._replica()
            _copy(
                Message,
                [
                    "id",
                    "public_id",
                    "conversation",
                    "sender",
                    "side",
                    "body",
                    "urgent",
                    "sent_at",
                    "retracted_at",
                ],
                rows(pool.imap(_encrypt_messages, jobs)),
                self.progress,
                "messages (encrypting)",
                total,
            )
        _reset_sequence(Message)

    def _encrypt_parallel(self, texts, label):
        chunk = 3000
        chunks = [texts[i : i + chunk] for i in range(0, len(texts), chunk)]
        connection.close()
        tokens = []
        with multiprocessing.get_context("fork").Pool(self.workers) as pool:
            for part in pool.imap(_encrypt_texts, chunks):
                tokens += part
                self.progress(label, len(tokens), len(texts))
        return tokens

    # Hours and bookings

    def _hours_and_bookings(self):
        """Weekday hours 08:00-14:00 for every counselor, and a few requests in the next days."""
        with transaction.atomic():
            self._replica()
            _copy(
                AvailabilityRule,
                [
                    "counselor",
                    "weekday",
                    "start_time",
                    "end_time",
                    "slot_minutes",
                    "buffer_minutes",
                    "mode",
                    "place",
                ],
                (
                    (
                        c,
                        day,
                        datetime.time(8),
                        datetime.time(14),
                        45,
                        15,
                        CounselingSession.Mode.FACE_TO_FACE,
                        "Ruang BK",
                    )
                    for c in self.counselor_ids
                    for day in range(5)
                ),
                self.progress,
                "availability rules",
                len(self.counselor_ids) * 5,
            )
        topic = fernet.encrypt("Ingin membicarakan jadwal belajar.")
        today = timezone.localdate()
        rows = []
        # Each counselor has a request from one of their students on each of the next
        # weekdays at 09:00: the free-slot computation has real bookings to skip.
        for index, counselor in enumerate(self.counselor_ids):
            for day_offset in range(2, 12):
                day = today + datetime.timedelta(days=day_offset)
                if day.weekday() >= 5:
                    continue
                start = timezone.make_aware(datetime.datetime.combine(day, datetime.time(9)))
                student = index + len(self.counselor_ids) * (day_offset % 3)
                if student >= len(self.counselee_ids):
                    continue
                rows.append((_uuid(self.rng), self.counselee_ids[student], counselor, start,
                             start + datetime.timedelta(minutes=45),
                             CounselingSession.Mode.FACE_TO_FACE, "Ruang BK", topic, False,
                             Booking.Status.REQUESTED, "", self.now, self.now))  # fmt: skip
        with transaction.atomic():
            _copy(
                Booking,
                [
                    "public_id",
                    "counselee",
                    "counselor",
                    "start",
                    "end",
                    "mode",
                    "place",
                    "topic",
                    "urgent",
                    "status",
                    "decline_reason",
                    "created_at",
                    "updated_at",
                ],
                rows,
                self.progress,
                "bookings",
                len(rows),
            )

    # The access log

    def _access_log(self):
        """Append `events` entries after the current head, as `log.record` would."""
        total = self.plan.events
        rng = self.rng
        key_version, key = keys.keyring().newest
        table = AccessEvent._meta.db_table
        with transaction.atomic():
            with connection.cursor() as cursor:
                cursor.execute("SELECT pg_advisory_xact_lock(%s)", [log._ADVISORY_LOCK_KEY])
            last = AccessEvent.objects.order_by("-id").values_list("id", "hash").first()
            last_id, prev_hash = last if last else (0, chain.GENESIS)
            span = self.now - datetime.timedelta(minutes=10) - self.start_of_history
            step = span / total
            counselors = self.counselor_ids
            n_counselees = len(self.counselee_ids)
            public_ids = [str(p) for p in self.counselee_public_ids]
            fields = [*chain.CHAINED_FIELDS, "key_version", "prev_hash", "hash"]

            def events():
                nonlocal prev_hash
                when = self.start_of_history
                for n in range(1, total + 1):
                    when = when + step
                    occurred = when.replace(microsecond=rng.randrange(1_000_000))
                    roll = rng.random()
                    purpose = ""
                    object_type, object_id = "records.counselee", ""
                    if roll < 0.78:
                        c = rng.randrange(len(counselors))
                        i = c + len(counselors) * rng.randrange(
                            max(1, (n_counselees - c) // len(counselors))
                        )
                        i = min(i, n_counselees - 1)
                        actor, role, counselee = counselors[c], "counselor", i
                        action = log.Action.VIEW if roll < 0.68 else log.Action.CREATE
                        purpose = log.Purpose.CASELOAD
                        if action == log.Action.CREATE:
                            object_type = "counseling_sessions.sessionnote"
                            object_id = _uuid(rng).hex
                        else:
                            object_id = public_ids[i]
                    elif roll < 0.86:
                        i = rng.randrange(n_counselees)
                        actor, role, counselee = self.student_ids[i], "student", i
                        action, purpose, object_id = log.Action.VIEW, log.Purpose.OWN, public_ids[i]
                    elif roll < 0.96:
                        actor = (
                            rng.choice(counselors)
                            if roll < 0.9
                            else self.student_ids[rng.randrange(n_counselees)]
                        )
                        role = "counselor" if roll < 0.9 else "student"
                        action, counselee = log.Action.LOGIN, None
                        object_type, object_id = "accounts.user", str(actor)
                    elif roll < 0.98:
                        actor, role, counselee = self.admin_id, "admin", None
                        action, purpose = log.Action.VIEW, log.Purpose.AUDIT
                        object_type, object_id = "audit.accessevent", "list"
                    else:
                        i = rng.randrange(n_counselees)
                        actor, role, counselee = rng.choice(counselors), "counselor", i
                        action, object_id = log.Action.DENIED, public_ids[i]
                    values = (
                        last_id + n,
                        occurred,
                        actor,
                        role,
                        str(action),
                        object_type,
                        object_id,
                        None if counselee is None else self.counselee_ids[counselee],
                        str(purpose),
                        None,
                        _after_hours(occurred),
                        f"10.{n % 7}.{rng.randrange(256)}.{rng.randrange(1, 255)}",
                        USER_AGENTS[n % 3],
                        f"{rng.getrandbits(128):032x}",
                    )
                    digest = chain.entry_hash(values, prev_hash, key)
                    yield (*values, key_version, prev_hash, digest)
                    prev_hash = digest

            self._replica()
            dropped = _drop_secondary_indexes(table)
            _copy(AccessEvent, fields, events(), self.progress, "access log", total, every=100_000)
            self.write(f"Rebuilding {len(dropped)} access-log indexes")
            _restore_indexes(table, dropped)

    def _replica(self):
        # Skips foreign-key triggers for this transaction's COPYs (the rows are consistent
        # by construction); DEFAULT again when the transaction ends.
        with connection.cursor() as cursor:
            cursor.execute("SET LOCAL session_replication_role = replica")


def _after_hours(moment: datetime.datetime) -> bool:
    """`log.is_after_hours`, without its per-call lookup of the current time zone."""
    local = moment.astimezone(_LOCAL)
    start, end = settings.AMANAH_SCHOOL_HOURS
    return local.weekday() >= 5 or not (start <= local.hour < end)


def _drop_secondary_indexes(table) -> list[str]:
    """Drop the table's indexes and unique constraints but the primary key; return the
    statements that recreate them."""
    recreate = []
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT conname, pg_get_constraintdef(oid), conindid::regclass::text "
            "FROM pg_constraint WHERE conrelid = %s::regclass AND contype = 'u'",
            [table],
        )
        constraint_indexes = set()
        for name, definition, index in cursor.fetchall():
            constraint_indexes.add(index)
            cursor.execute(f'ALTER TABLE "{table}" DROP CONSTRAINT "{name}"')
            recreate.append(f'ALTER TABLE "{table}" ADD CONSTRAINT "{name}" {definition}')
        cursor.execute(
            "SELECT i.indexrelid::regclass::text, pg_get_indexdef(i.indexrelid) FROM pg_index i "
            "WHERE i.indrelid = %s::regclass AND NOT i.indisprimary",
            [table],
        )
        for name, definition in cursor.fetchall():
            if name in constraint_indexes:
                continue
            cursor.execute(f"DROP INDEX {name}")
            recreate.append(definition)
    return recreate


def _restore_indexes(table, statements):
    with connection.cursor() as cursor:
        for statement in statements:
            cursor.execute(statement)

"""The measurements of `make bench`, run inside a Django process on the benchmark database."""

import datetime
import statistics
import threading
import time
from concurrent.futures import ThreadPoolExecutor

from django.conf import settings
from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
from django.contrib.sessions.backends.db import SessionStore
from django.db import connection, transaction
from django.db.models import Count, Exists, OuterRef
from django.urls import reverse
from django.utils import timezone
from django_otp import DEVICE_ID_SESSION_KEY

from bench import seed
from bench.http import Client
from bench.middleware import HEADER
from counseling import encryption, fernet
from counseling.accounts.models import User
from counseling.accounts.second_factor import AuthenticatorDevice
from counseling.audit import chain
from counseling.audit.models import AccessEvent
from counseling.records.models import Counselee
from sessions.models import AvailabilityRule, Booking, CounselingSession, SessionNote

RUSH_COUNSELORS = 10
RUSH_SLOTS_EACH = 10
# Requests per page per gunicorn worker before measuring: each worker compiles its
# templates and fills its caches on its first requests.
WARM_UP_PER_WORKER = 3


def sizes() -> dict:
    return {
        "students": Counselee.objects.count(),
        "counselors": User.objects.filter(role=User.Role.COUNSELOR).count(),
        "session_notes": SessionNote.objects.count(),
        "audit_events": AccessEvent.objects.count(),
    }


def _cpu(function, number) -> float:
    """CPU seconds of this process per call of `function`: steady whatever else runs."""
    started = time.process_time()
    for _ in range(number):
        function()
    return (time.process_time() - started) / number


HMAC_VALUES = (
    123456,
    None,  # the time, filled in at call
    42,
    "counselor",
    "view",
    "records.counselee",
    "7c4a8d09-ca37-4c6e-9f3b-1a2b3c4d5e6f",
    77,
    "caseload",
    None,
    False,
    "10.1.2.3",
    seed.USER_AGENTS[0],
    "0123456789abcdef0123456789abcdef",
)


def _hmac_values():
    return (HMAC_VALUES[0], timezone.now(), *HMAC_VALUES[2:])


def floors() -> dict:
    """The raw cost of one Fernet decryption, one encryption and one access-log HMAC step,
    in microseconds of this process's CPU time (wall time swings with the machine's load)."""
    text = seed._text(__import__("random").Random(1), 3)
    token = fernet.encrypt(text)
    n = 20_000
    decrypt = _cpu(lambda: fernet.decrypt(token), n)
    encrypt = _cpu(lambda: fernet.encrypt(text), n)
    values = _hmac_values()
    step = _cpu(lambda: chain.entry_hash(values, chain.GENESIS), n)
    return {
        "fernet_decrypt_us": round(decrypt * 1e6, 1),
        "fernet_encrypt_us": round(encrypt * 1e6, 1),
        "hmac_step_us": round(step * 1e6, 1),
        "floors_clock": "process CPU time",
    }


def hashing_floor(entries: int) -> float:
    """CPU seconds to chain `entries` entries, each hashed on the previous one's hash:
    the raw hashing `verify_audit` cannot do without, computed here, in this run."""
    values = _hmac_values()
    started = time.process_time()
    previous = chain.GENESIS
    for n in range(entries):
        previous = chain.entry_hash((n, *values[1:]), previous)
    return time.process_time() - started


def _session_for(user) -> str:
    """A signed-in session for `user`, as the login (and the second factor) would leave it."""
    store = SessionStore()
    store[SESSION_KEY] = str(user.pk)
    store[BACKEND_SESSION_KEY] = settings.AUTHENTICATION_BACKENDS[0]
    store[HASH_SESSION_KEY] = user.get_session_auth_hash()
    device = AuthenticatorDevice.objects.filter(user=user, confirmed=True).first()
    if device is not None:
        store[DEVICE_ID_SESSION_KEY] = device.persistent_id
    store.create()
    return store.session_key


# Different rows on each request, so that no page is measured on a cache kept hot by
# asking for the same row again and again.
TARGETS = 8
# Pages with confidential content: the confidentiality layer's budget is theirs. The
# caseload lists directory data only (names and classes), so its ratio is shown, not
# counted in the worst page's.
CONFIDENTIAL_PAGES = (
    "record",
    "session_notes",
    "audit_by_counselee",
    "audit_by_actor",
    "audit_by_date",
)


def _targets() -> list[dict]:
    """Up to TARGETS counselors, each with her heaviest counselee and session, and days."""
    admin = User.objects.get(username=seed.ADMIN_USERNAME)
    found = []
    day = timezone.localdate() - datetime.timedelta(days=30)
    for counselor in User.objects.filter(role=User.Role.COUNSELOR).order_by("pk")[: TARGETS * 2]:
        # The counselee of this counselor with the most sessions, and their latest session
        # with notes: the heaviest record and session page of the caseload.
        counselee = (
            Counselee.objects.filter(
                assignments__counselor=counselor, assignments__ended_at__isnull=True
            )
            .annotate(n=Count("counseling_sessions"))
            .order_by("-n")
            .only("pk", "public_id", "nis")
            .first()
        )
        session = (
            # A completed session on every scale: the page's queries depend on the
            # session's state (a scheduled one asks about consent), not only the data's size.
            CounselingSession.objects.filter(
                counselee=counselee,
                counselor=counselor,
                status=CounselingSession.Status.COMPLETED,
            )
            .annotate(n=Count("notes"))
            .filter(n__gt=0)
            .order_by("-n", "-scheduled_start")
            .only("public_id")
            .first()
        )
        if counselee is None or session is None:
            continue
        # A school day a month or so ago: a full day of entries.
        while day.weekday() >= 5:
            day -= datetime.timedelta(days=1)
        found.append(
            {
                "counselor": counselor,
                "admin": admin,
                "counselee": counselee,
                "session": session,
                "day": day,
            }
        )
        day -= datetime.timedelta(days=1)
        if len(found) == TARGETS:
            break
    if not found:
        raise SystemExit("No counselor with a counselee and a session with notes")
    return found


def _percentile(values, fraction):
    ordered = sorted(values)
    index = max(0, min(len(ordered) - 1, round(fraction * len(ordered) + 0.5) - 1))
    return ordered[index]


def _get(client, path):
    status, headers, _body, elapsed = client.request("GET", path)
    if status != 200:
        raise SystemExit(f"GET {path} answered {status}")
    return elapsed * 1000, int(headers[HEADER])


def _measure_pair(variants, *, runs, requests, warm_up):
    """((p50, p95, queries) of the page, the same of its bare twin), medians over `runs`.

    `variants`: (client, path, bare_path) for different rows, taken in turn. The page and
    its bare twin are requested one after the other on the same row, so that whatever
    else the machine is doing slows both alike and their ratio stays steady.
    """
    for n in range(warm_up):
        client, path, bare_path = variants[n % len(variants)]
        _get(client, path)
        _get(client, bare_path)
    p50s, p95s, queries = ([], []), ([], []), (set(), set())
    for _ in range(runs):
        times = ([], [])
        for n in range(requests):
            client, path, bare_path = variants[n % len(variants)]
            for side, each in enumerate((path, bare_path)):
                elapsed, count = _get(client, each)
                times[side].append(elapsed)
                queries[side].add(count)
        for side in (0, 1):
            p50s[side].append(statistics.median(times[side]))
            p95s[side].append(_percentile(times[side], 0.95))
    return tuple(
        (
            round(statistics.median(p50s[side]), 1),
            round(statistics.median(p95s[side]), 1),
            max(queries[side]),
            len(queries[side]) == 1,
        )
        for side in (0, 1)
    )


def page_variants(port) -> dict:
    """For each measured page: (client, path, bare path) on each of the targets."""
    targets = _targets()
    clients = {}

    def client(user):
        if user.pk not in clients:
            clients[user.pk] = Client(port, _session_for(user))
        return clients[user.pk]

    audit = reverse("audit-log")
    pages = {name: [] for name in ("caseload", "record", "session_notes", "crisis_poll")}
    pages.update({name: [] for name in ("audit_by_counselee", "audit_by_actor", "audit_by_date")})
    for t in targets:
        counselor, admin = client(t["counselor"]), client(t["admin"])
        counselee_id, session_id = t["counselee"].public_id, t["session"].public_id
        nis, username, day = t["counselee"].nis, t["counselor"].username, t["day"].isoformat()
        pages["caseload"].append((counselor, reverse("caseload"), "/bench-bare/caseload/"))
        pages["crisis_poll"].append(
            (counselor, reverse("crisis-poll") + "?seen=0", "/bench-bare/crisis-poll/")
        )
        pages["record"].append(
            (
                counselor,
                reverse("counselee-detail", args=[counselee_id]),
                f"/bench-bare/records/{counselee_id}/",
            )
        )
        pages["session_notes"].append(
            (
                counselor,
                reverse("session-detail", args=[session_id]),
                f"/bench-bare/sessions/{session_id}/",
            )
        )
        pages["audit_by_counselee"].append(
            (admin, f"{audit}?nis={nis}", f"/bench-bare/audit/?nis={nis}")
        )
        pages["audit_by_actor"].append(
            (admin, f"{audit}?actor={username}", f"/bench-bare/audit/?actor={username}")
        )
        query = f"date_from={day}&date_to={day}"
        pages["audit_by_date"].append((admin, f"{audit}?{query}", f"/bench-bare/audit/?{query}"))
    return pages


def pages(port, *, runs, requests, workers, log) -> dict:
    results, ratios, p95_ratios, constant = {}, {}, {}, {}
    for name, variants in page_variants(port).items():
        (p50, p95, queries, same), (bare_p50, bare_p95, bare_queries, bare_same) = _measure_pair(
            variants, runs=runs, requests=requests, warm_up=WARM_UP_PER_WORKER * workers
        )
        ratios[name] = p50 / bare_p50
        p95_ratios[name] = p95 / bare_p95
        constant[name] = same and bare_same
        log(
            f"{name}: p50 {p50} ms, p95 {p95} ms, {queries} queries; bare p50 {bare_p50} ms, "
            f"p95 {bare_p95} ms, {bare_queries} queries; ratio {ratios[name]:.2f} (p50) "
            f"{p95_ratios[name]:.2f} (p95)"
        )
        results.update(
            {
                f"{name}_p50_ms": p50,
                f"{name}_p95_ms": p95,
                f"{name}_queries": queries,
                f"{name}_bare_p50_ms": bare_p50,
                f"{name}_bare_p95_ms": bare_p95,
                f"{name}_bare_queries": bare_queries,
            }
        )
    # The crisis banner's poll with nothing new: not a confidential page, so not in the
    # overhead ratio; its own queries are those beyond its twin's (signing in).
    results["crisis_poll_own_queries"] = (
        results["crisis_poll_queries"] - results["crisis_poll_bare_queries"]
    )
    results["crisis_poll_ratio_p95"] = round(p95_ratios["crisis_poll"], 2)
    audit_pages = ("audit_by_counselee", "audit_by_actor", "audit_by_date")
    results["audit_filter_p95_ms"] = max(results[f"{p}_p95_ms"] for p in audit_pages)
    results["confidentiality_overhead_by_page"] = {k: round(v, 2) for k, v in ratios.items()}
    results["confidentiality_overhead_p95_by_page"] = {
        k: round(v, 2) for k, v in p95_ratios.items()
    }
    results["confidentiality_overhead_pages"] = list(CONFIDENTIAL_PAGES)
    results["confidentiality_overhead_ratio"] = round(max(ratios[p] for p in CONFIDENTIAL_PAGES), 2)
    results["confidentiality_overhead_p95_ratio"] = round(
        max(p95_ratios[p] for p in CONFIDENTIAL_PAGES), 2
    )
    # The same count on every row of a page: one figure per page, whatever its row holds.
    results["page_queries_same_on_every_row"] = all(constant.values())
    return results


def page_queries(port) -> dict:
    """One request to each page (and twin) on the first target: p50 ms and queries, for the
    scale ladder. Sequential, a few requests each: a trend across scales, not a budget."""
    figures = {}
    for name, variants in page_variants(port).items():
        # Each signed-in client's first request writes what later ones only read.
        for client, path, _bare in variants:
            _get(client, path)
        times, counts = [], set()
        for n in range(3 * len(variants)):
            client, path, _bare = variants[n % len(variants)]
            elapsed, count = _get(client, path)
            times.append(elapsed)
            counts.add(count)
        figures[name] = {"p50_ms": round(statistics.median(times), 1), "queries": max(counts)}
    return figures


# The booking rush


def _rush_day() -> datetime.date:
    """A Saturday or Sunday inside the booking window: no weekly hours, so only the rush's."""
    day = timezone.localdate() + datetime.timedelta(days=1)
    while day.weekday() < 5:
        day += datetime.timedelta(days=1)
    return day


def _prepare_rush(students_wanted):
    """Ten counselors open ten slots each on one day; their students will rush them."""
    day = _rush_day()
    counselors = list(User.objects.filter(role=User.Role.COUNSELOR).order_by("pk"))
    counselors = counselors[-RUSH_COUNSELORS:]
    with transaction.atomic(), connection.cursor() as cursor:
        # A rerun on a reused database starts from the same empty day.
        cursor.execute(
            "DELETE FROM notices_notice WHERE booking_id IN (SELECT id FROM "
            "counseling_sessions_booking WHERE start >= %s AND start < %s)",
            [_midnight(day), _midnight(day + datetime.timedelta(days=1))],
        )
        cursor.execute(
            "DELETE FROM counseling_sessions_booking WHERE start >= %s AND start < %s",
            [_midnight(day), _midnight(day + datetime.timedelta(days=1))],
        )
        AvailabilityRule.objects.filter(counselor__in=counselors, date=day).delete()
        # Each rush starts with the students' booking rate limits untouched: the same
        # students rush again and again, which no student does in an hour.
        cursor.execute("DELETE FROM accounts_attemptcounter WHERE key LIKE %s", ["rate:booking:%"])
        AvailabilityRule.objects.bulk_create(
            AvailabilityRule(
                counselor=c,
                date=day,
                start_time=datetime.time(8),
                end_time=datetime.time(8 + RUSH_SLOTS_EACH - 1, 45),
                slot_minutes=45,
                buffer_minutes=15,
                place="Ruang BK",
            )
            for c in counselors
        )
    per_counselor = max(1, students_wanted // len(counselors))
    attempts = []
    for counselor in counselors:
        # Students with no booking still to come: one the seed gave as many as the limit
        # of active bookings would be refused for that, not for the slot being taken.
        upcoming = Booking.objects.filter(
            counselee__user=OuterRef("pk"), status__in=Booking.ACTIVE, end__gt=timezone.now()
        )
        students = (
            User.objects.filter(
                counselee__assignments__counselor=counselor,
                counselee__assignments__ended_at=None,
            )
            .exclude(Exists(upcoming))
            .order_by("pk")[:per_counselor]
        )
        for n, student in enumerate(students):
            hour = 8 + n % RUSH_SLOTS_EACH
            key = f"{day.isoformat()}T{hour:02d}00"
            attempts.append((student, f"/book/{counselor.username}/{key}/"))
    return day, counselors, attempts


def _midnight(day):
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time.min))


# What a genuine "slot taken" answer says, on the slot page the refusal redirects to,
# in either language a student may have chosen.
TAKEN_MESSAGES = (
    "Waktu ini sudah tidak tersedia",
    "Waktu ini baru saja dipesan",
    "This time is no longer available",
    "This time has just been booked",
)


def _refusal(body: bytes) -> str:
    text = body.decode("utf-8", "replace")
    return "refused" if any(message in text for message in TAKEN_MESSAGES) else "not_genuine"


def _message(body: bytes) -> str:
    """The page's first flash message, to say what a refusal that is not "taken" said."""
    text = body.decode("utf-8", "replace")
    start = text.find('class="message')
    return text[start : start + 200] if start >= 0 else "no message"


def booking_rush(port, *, students, concurrency=None, floor=None, log, label="") -> dict:
    """`students` book as a browser does: load the counselor's slot page, post the booking,
    and follow a refusal's redirect back to the slot page. With `concurrency`, no more than
    that many students are in flight at a time; without, all are released at once.

    `floor`: "bare" sends the rush to the bare slot page and booking view
    (`bench.bare_views`); "nothing" posts to a view that only answers, the floor of any
    signed-in request.
    """
    day, counselors, attempts = _prepare_rush(students)
    if floor == "bare":
        attempts = [(student, "/bench-bare" + path) for student, path in attempts]
    sessions = [(_session_for(student), path) for student, path in attempts]
    concurrency = min(concurrency or len(sessions), len(sessions))
    # The first `concurrency` clients connect, then all are released together.
    ready, go, lock = [0], threading.Event(), threading.Lock()

    def one_student(session_key, path):
        client = Client(port, session_key)
        with lock:
            ready[0] += 1
            if ready[0] == concurrency:
                go.set()
        go.wait()
        spent = 0.0
        try:
            if floor == "nothing":
                status, _headers, _body, elapsed = client.post_form("/bench-bare/nothing/", {})
                return ("refused" if status == 302 else "error"), elapsed, ""
            slot_page = path.rsplit("/", 2)[0] + "/"
            status, _headers, _body, elapsed = client.request("GET", slot_page)
            spent += elapsed
            if status != 200:
                return "error", spent, f"slot page {status}"
            status, headers, body, elapsed = client.post_form(path, {"topic": ""})
            spent += elapsed
            location = headers.get("Location", "")
            if status == 302 and location.startswith("/bookings/"):
                return "booked", spent, ""
            if status == 200:
                # Refused under the counselor's lock: the confirmation page again, with
                # the service's message.
                return _refusal(body), spent, f"POST answered 200: {_message(body)}"
            if status != 302 or location != slot_page:
                return "error", spent, f"POST {status} {location}"
            status, _headers, body, elapsed = client.request("GET", location)
            spent += elapsed
            if status == 200:
                return _refusal(body), spent, f"refusal page: {_message(body)}"
            return "error", spent, f"refusal page {status}"
        except Exception as error:  # counted, not raised
            return "error", spent, repr(error)

    process_cpu = time.process_time()
    started = time.perf_counter()
    with ThreadPoolExecutor(max_workers=concurrency) as pool:
        outcomes = list(pool.map(lambda a: one_student(*a), sessions))
    wall = time.perf_counter() - started
    times = [elapsed * 1000 for outcome, elapsed, _ in outcomes if outcome != "error"]
    made = Booking.objects.filter(
        counselor__in=counselors, start__date=day, status__in=Booking.ACTIVE
    ).count()
    with connection.cursor() as cursor:
        # Two active bookings of one counselor that overlap: the whole table, in SQL.
        cursor.execute(
            "SELECT count(*) FROM counseling_sessions_booking a "
            "JOIN counseling_sessions_booking b ON a.counselor_id = b.counselor_id "
            "AND a.id < b.id AND a.start < b.end AND b.start < a.end "
            "WHERE a.status IN ('requested', 'confirmed') "
            "AND b.status IN ('requested', 'confirmed')"
        )
        double = cursor.fetchone()[0]
    result = {
        "concurrency": concurrency,
        "students": len(sessions),
        "slots": len(counselors) * RUSH_SLOTS_EACH,
        "bookings_made": made,
        "booked_responses": sum(o == "booked" for o, _, _ in outcomes),
        "refusals": sum(o == "refused" for o, _, _ in outcomes),
        "refusals_not_genuine": sum(o == "not_genuine" for o, _, _ in outcomes),
        "errors": sum(o in ("error", "not_genuine") for o, _, _ in outcomes),
        "double_bookings": double,
        "p50_ms": round(statistics.median(times), 1) if times else None,
        "p95_ms": round(_percentile(times, 0.95), 1) if times else None,
        "seconds": round(wall, 2),
        "throughput_rps": round(len(sessions) / wall, 1),
        "client_cpu_s": round(time.process_time() - process_cpu, 2),
    }
    errors = [detail for o, _, detail in outcomes if o in ("error", "not_genuine")][:3]
    result["first_errors"] = errors
    log(
        f"rush {label or floor or 'amanah'} ({concurrency} in flight): {made} booked, "
        f"{result['refusals']} refused, {result['errors']} errors, {double} double, "
        f"{result['throughput_rps']} students/s, p95 {result['p95_ms']} ms"
        + (f"; first errors: {errors}" if errors else "")
    )
    return result


# Figures whose median over the repeats is reported; the rest must hold in every repeat.
_MEDIAN = ("p50_ms", "p95_ms", "seconds", "throughput_rps")
_WORST = ("errors", "refusals_not_genuine", "double_bookings")


def _summary(runs: list[dict]) -> dict:
    """The median of the timing figures over `runs`, their spread, and the worst of the
    correctness figures (bookings made: the one furthest from the number of slots)."""
    summary = dict(runs[0])
    for key in _MEDIAN:
        values = [r[key] for r in runs if r[key] is not None]
        summary[key] = round(statistics.median(values), 1) if values else None
        summary[f"{key}_spread"] = [min(values), max(values)] if values else None
    for key in _WORST:
        summary[key] = max(r[key] for r in runs)
    slots = runs[0]["slots"]
    summary["bookings_made"] = max(
        (r["bookings_made"] for r in runs), key=lambda made: abs(made - slots)
    )
    summary["booked_responses"] = min(r["booked_responses"] for r in runs)
    summary["refusals"] = min(r["refusals"] for r in runs)
    summary["repeats"] = len(runs)
    return summary


def rush_series(port, *, students, levels, repeats, log, bounded_students=None) -> dict:
    """Amanah's rush and the bare one, interleaved, `repeats` times at each level of
    clients in flight (None: all at once), in alternating order so that neither always
    runs first. Results by level: {"amanah": summary, "bare": summary, ratios}.

    `bounded_students`: how many students rush at a bounded level (default `students`):
    a steady flow needs fewer of them to show its rate, and keeps `make bench` short."""
    series = {}
    for level in levels:
        runs = {"amanah": [], "bare": []}
        for repeat in range(repeats):
            order = ("amanah", "bare") if repeat % 2 == 0 else ("bare", "amanah")
            for side in order:
                runs[side].append(
                    booking_rush(
                        port,
                        students=students if level is None else bounded_students or students,
                        concurrency=level,
                        floor=None if side == "amanah" else "bare",
                        log=log,
                        label=f"{side} #{repeat + 1}",
                    )
                )
        amanah, bare = _summary(runs["amanah"]), _summary(runs["bare"])
        series["all" if level is None else str(level)] = {
            "amanah": amanah,
            "bare": bare,
            "throughput_ratio": round(amanah["throughput_rps"] / bare["throughput_rps"], 2),
            "p95_ratio": round(amanah["p95_ms"] / bare["p95_ms"], 2)
            if amanah["p95_ms"] and bare["p95_ms"]
            else None,
        }
    return series


def rush_results(series: dict, nothing: dict | None) -> dict:
    """The flat keys of results.json from a `rush_series` (and the "nothing" rush)."""
    flat = {"booking_rush_levels": series}
    at_once = series["all"]
    for prefix, figures in (
        ("booking_rush", at_once["amanah"]),
        ("booking_rush_bare", at_once["bare"]),
        ("booking_rush_bounded", series.get("20", {}).get("amanah")),
        ("booking_rush_nothing", nothing),
    ):
        for key, value in (figures or {}).items():
            if not key.endswith("_spread"):
                flat[f"{prefix}_{key}"] = value
    flat["booking_rush_every_slot_booked_once"] = all(
        figures[side]["bookings_made"] == figures[side]["slots"]
        for figures in series.values()
        for side in ("amanah", "bare")
    )
    flat["booking_rush_throughput_ratio"] = at_once["throughput_ratio"]
    flat["booking_rush_p95_ratio"] = at_once["p95_ratio"]
    return flat


def forget_queued_tasks():
    """Drop the notification tasks the rush queued: no worker runs in the benchmark."""
    import redis

    redis.Redis.from_url(settings.CELERY_BROKER_URL).delete("celery")


def encrypted_values() -> int:
    total = 0
    from counseling.messaging.models import Message

    for model in (Counselee, CounselingSession, SessionNote, Booking, Message):
        total += model._base_manager.count() * len(encryption.encrypted_field_names(model))
    return total


# Online counseling


def _messaging_targets():
    from counseling.messaging.models import Conversation

    counselor = User.objects.filter(role=User.Role.COUNSELOR).order_by("pk").first()
    conversations = Conversation.objects.filter(counselor=counselor).order_by("pk")
    opened = conversations.first()
    # Sending goes to another of her conversations, so the opened one stays 500 long.
    written = conversations.exclude(pk=opened.pk).first()
    return counselor, opened, written


def _post(client, path):
    status, headers, _body, elapsed = client.post_form(path, {"body": "Baik, sampai besok."})
    if status != 302:
        raise SystemExit(f"POST {path} answered {status}")
    return elapsed * 1000, int(headers[HEADER])


def _measure_posts(client, path, bare_path, *, runs, requests, warm_up):
    """Like `_measure_pair`, for a form that answers with a redirect."""
    for _ in range(warm_up):
        _post(client, path)
        _post(client, bare_path)
    figures = {path: ([], [], set()), bare_path: ([], [], set())}
    for _ in range(runs):
        times = {path: [], bare_path: []}
        for _ in range(requests):
            for each in (path, bare_path):
                elapsed, queries = _post(client, each)
                times[each].append(elapsed)
                figures[each][2].add(queries)
        for each, (p50s, p95s, _queries) in figures.items():
            p50s.append(statistics.median(times[each]))
            p95s.append(_percentile(times[each], 0.95))
    return tuple(
        (round(statistics.median(p50s), 1), round(statistics.median(p95s), 1), max(queries))
        for p50s, p95s, queries in figures.values()
    )


def _get_any(client, path, expected):
    status, headers, _body, elapsed = client.request("GET", path)
    if status != expected:
        raise SystemExit(f"GET {path} answered {status}, not {expected}")
    return elapsed * 1000, int(headers[HEADER])


def messaging(port, *, runs, requests, workers, log) -> dict:
    """The 500-message conversation, sending, and a poll with nothing new, each beside
    its bare twin (`bench.bare_views`), requested in turn."""
    from counseling.messaging.models import Conversation, Message

    counselor, opened, written = _messaging_targets()
    if opened is None or written is None:
        log("messaging: no conversations seeded; skipped")
        return {}
    client = Client(port, _session_for(counselor))
    results = {
        "messages": Message.objects.count(),
        "measured_conversation_messages": Message.objects.filter(conversation=opened).count(),
    }
    warm_up = WARM_UP_PER_WORKER * workers
    (p50, p95, queries, _same), (bare_p50, bare_p95, bare_queries, _bare_same) = _measure_pair(
        [
            (
                client,
                reverse("conversation", args=[opened.public_id]),
                f"/bench-bare/messages/{opened.public_id}/",
            )
        ],
        runs=runs,
        requests=requests,
        warm_up=warm_up,
    )
    results.update(
        conversation_p50_ms=p50,
        conversation_p95_ms=p95,
        conversation_queries=queries,
        conversation_bare_p50_ms=bare_p50,
        conversation_bare_p95_ms=bare_p95,
        conversation_bare_queries=bare_queries,
    )
    log(f"conversation: p50 {p50} ms, p95 {p95} ms, {queries} queries; bare p50 {bare_p50} ms")
    (p50, p95, queries), (bare_p50, bare_p95, bare_queries) = _measure_posts(
        client,
        reverse("message-send", args=[written.public_id]),
        f"/bench-bare/messages/{written.public_id}/send/",
        runs=runs,
        requests=requests,
        warm_up=warm_up,
    )
    results.update(
        message_send_p50_ms=p50,
        message_send_p95_ms=p95,
        message_send_queries=queries,
        message_send_bare_p50_ms=bare_p50,
        message_send_bare_p95_ms=bare_p95,
        message_send_bare_queries=bare_queries,
    )
    log(f"send: p50 {p50} ms, p95 {p95} ms, {queries} queries; bare p50 {bare_p50} ms")
    version = Conversation.objects.get(pk=opened.pk).version
    poll = f"{reverse('conversation-poll', args=[opened.public_id])}?v={version}"
    bare_poll = f"/bench-bare/messages/{opened.public_id}/poll/?v={version}"
    for _ in range(warm_up):
        _get_any(client, poll, 204)
        _get_any(client, bare_poll, 204)
    p50s, p95s, bare_p50s, bare_p95s, counts, bare_counts = [], [], [], [], set(), set()
    for _ in range(runs):
        times, bare_times = [], []
        for _ in range(requests):
            elapsed, n = _get_any(client, poll, 204)
            times.append(elapsed)
            counts.add(n)
            elapsed, n = _get_any(client, bare_poll, 204)
            bare_times.append(elapsed)
            bare_counts.add(n)
        p50s.append(statistics.median(times))
        p95s.append(_percentile(times, 0.95))
        bare_p50s.append(statistics.median(bare_times))
        bare_p95s.append(_percentile(bare_times, 0.95))
    results.update(
        poll_empty_p50_ms=round(statistics.median(p50s), 1),
        poll_empty_p95_ms=round(statistics.median(p95s), 1),
        poll_empty_queries=max(counts),
        poll_empty_bare_p50_ms=round(statistics.median(bare_p50s), 1),
        poll_empty_bare_p95_ms=round(statistics.median(bare_p95s), 1),
        poll_empty_bare_queries=max(bare_counts),
    )
    # Both sign the counselor in alike (session, user, second factor); what the poll adds
    # over its bare twin is the policy's own cost, in queries.
    results["poll_empty_queries_over_bare"] = max(counts) - max(bare_counts)
    log(
        f"empty poll: p50 {results['poll_empty_p50_ms']} ms, p95 {results['poll_empty_p95_ms']}"
        f" ms, {max(counts)} queries; bare {max(bare_counts)} queries"
    )
    return results

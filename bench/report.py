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
        f"{m['load_average_at_start']:.1f} (other jobs shared the machine).",
        f"- Data: {_fmt(results['students'])} students, {_fmt(results['counselors'])} "
        f"counselors, {_fmt(results['session_notes'])} session notes, "
        f"{_fmt(results['audit_events'])} access-log entries "
        f"(seeded in {_fmt(results.get('seed_seconds'))} s).",
        f"- Server: gunicorn, {results['gunicorn_workers']} sync workers, DEBUG off, "
        "CONN_MAX_AGE=60, production settings from the environment.",
        f"- Each page figure is the median over {results['medians_of_runs']} runs of "
        f"{results['requests_per_run']} sequential requests (after 3 warm-up requests).",
        f"- The whole benchmark took {_fmt(results['bench_seconds'])} s.",
        "",
        "## Budgets (DESIGN.md)",
        "",
        "| what | measured | budget | met |",
        "| --- | ---: | --- | --- |",
    ]
    for budget in budgets:
        value = results.get(budget.key)
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
        "## Booking rush",
        "",
        f"{results['booking_rush_students']:,} students each POST a booking of one of "
        f"{results['booking_rush_slots']} slots (ten counselors, ten slots each; ten students "
        "aim at each slot), each on its own connection. In the first rush all of them are "
        "released at the same moment; in the second, no more than "
        f"{results.get('booking_rush_bounded_concurrency', '-')} are in flight at a time.",
        "",
        "| figure | all at once | bounded |",
        "| --- | ---: | ---: |",
        *(
            f"| {label} | {_fmt(results.get('booking_rush_' + key))} | "
            f"{_fmt(results.get('booking_rush_bounded_' + key))} |"
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
        *NOTES,
    ]
    return "\n".join(lines)


NOTES = [
    "## Reading these figures",
    "",
    "- The machine is shared: other engineers' test suites ran during the benchmark, so "
    "p95 figures carry their noise. p50 is the steadier figure.",
    "- Every confidential page appends one entry to the access log and commits it durably "
    "before it answers: the chain's lock, a read of the head, an insert into a table of "
    "millions of rows and one fsync of the write-ahead log (about 4 ms on this disk), none "
    "of which the bare twin pays. With the policy's two to five extra queries, that is the "
    "overhead of the record and session pages. The durable write is deliberate: a read "
    "that is not logged durably did not happen.",
    "- Where a page misses its p95 budget, compare its bare twin: the same rows and "
    "template with no confidentiality work at all. On this shared two-core machine the bare "
    "record page already takes about 40 ms at p50 (rendering fifty sessions and the forms), "
    "so the budget is missed by the page, not only by the layer.",
    "- The booking rush on two cores: a request is tens of milliseconds of CPU, so a "
    "thousand requests released in the same instant queue for seconds, whatever the code. "
    "The correctness figures (exactly one booking per slot, no double booking, no error) "
    "hold in both rushes; the p95 budget is met by neither on this machine.",
    "",
]


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

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
    ("bookings made (SQL)", "bookings_made"),
    ("answered 'booked'", "booked_responses"),
    ("genuine 'slot taken' refusals", "refusals"),
    ("errors (refusals without 'slot taken' among them)", "errors"),
    ("double bookings (SQL, whole table)", "double_bookings"),
    ("p50 ms, a student's slot page + POST (+ refusal's redirect)", "p50_ms"),
    ("p95 ms", "p95_ms"),
    ("wall time s", "seconds"),
    ("throughput, students/s", "throughput_rps"),
]


def _fmt(value):
    if isinstance(value, float):
        return f"{value:,.1f}"
    if isinstance(value, int):
        return f"{value:,}"
    return "-" if value is None else str(value)


def _spread(figures, key):
    spread = figures.get(f"{key}_spread")
    return f" ({_fmt(spread[0])}-{_fmt(spread[1])})" if spread else ""


def _budget_value(budget, results):
    value = results.get(budget.key)
    if isinstance(value, bool):
        return "yes" if value else "**no**"
    if budget.key.endswith("_ratio") and value is not None:
        return f"{value:.2f}"
    unit = " ms" if budget.key.endswith("_ms") else ""
    unit = " s" if budget.key.endswith("_seconds") else unit
    unit = " MB" if budget.key.endswith("_mb") else unit
    return f"{_fmt(value)}{unit}"


def rush_section(results) -> list[str]:
    levels = results.get("booking_rush_levels") or {}
    if not levels:
        return []
    lines = [
        "## Booking rush, beside the bare booking view",
        "",
        f"{results['booking_rush_students']:,} students each book one of "
        f"{results['booking_rush_slots']} slots (ten counselors, ten slots each) as a browser "
        "does: load the counselor's slot page, post the booking, and, when refused, follow "
        "the redirect back to the slot page, whose message must say the slot is taken (a "
        "refusal that does not is an error). The bare booking view (`bench/bare_views.py`: "
        "the same slot page, free-slot checks, lock and insert, without policy, consent "
        "check, access log or notices) runs the same rush, interleaved with Amanah's, "
        f"{results.get('rush_repeats', '-')} times each in alternating order; each figure is "
        "the median of the repeats with their range in brackets, correctness figures the "
        "worst repeat. A booked student's redirect to her booking is not followed, on "
        "either side. With a bounded number in flight, "
        f"{results.get('rush_bounded_students', results['booking_rush_students']):,} "
        "students rush: a steady flow shows its rate with fewer.",
        "",
        "| in flight | figure | Amanah | bare booking view | ratio |",
        "| --- | --- | ---: | ---: | ---: |",
    ]
    for level, figures in levels.items():
        ours, bare = figures["amanah"], figures["bare"]
        title = "all at once" if level == "all" else f"{level} at a time"
        for label, key in RUSH_ROWS:
            ratio = ""
            if key == "throughput_rps":
                ratio = f"{figures['throughput_ratio']:.2f} (budget >= 0.8)"
            elif key == "p95_ms" and figures.get("p95_ratio") is not None:
                ratio = f"{figures['p95_ratio']:.2f} (budget <= 1.25)"
            lines.append(
                f"| {title} | {label} | {_fmt(ours.get(key))}{_spread(ours, key)} | "
                f"{_fmt(bare.get(key))}{_spread(bare, key)} | {ratio} |"
            )
    if results.get("booking_rush_nothing_throughput_rps"):
        lines += [
            "",
            "A view that only recognises the signed-in student, posted by as many students at "
            f"once: {_fmt(results['booking_rush_nothing_throughput_rps'])} requests/s, p95 "
            f"{_fmt(results['booking_rush_nothing_p95_ms'])} ms, the floor of any request "
            "in such a rush on this machine.",
        ]
    return [*lines, ""]


def ladder_section(results) -> list[str]:
    ladder = results.get("scale_ladder") or {}
    if not ladder:
        return []
    scales = sorted(ladder, key=float)
    lines = [
        "## Cost growth with the data",
        "",
        "Each page at each scale of the ladder (a database seeded for each): p50 ms and "
        "queries per request. A page whose query count changes with the data fails the run. "
        "Constant queries at every scale: "
        + ("yes." if results.get("scale_ladder_constant_queries") else "**no**."),
        "",
        "![p50 and queries of each page at each scale](scale_ladder.svg)",
        "",
        "| page | " + " | ".join(f"scale {s}: p50 ms / queries" for s in scales) + " |",
        "| --- |" + " ---: |" * len(scales),
    ]
    for key, label in PAGES:
        cells = [
            f"{_fmt(ladder[s][key]['p50_ms'])} / {ladder[s][key]['queries']}"
            if key in ladder[s]
            else "-"
            for s in scales
        ]
        lines.append(f"| {label} | " + " | ".join(cells) + " |")
    return [*lines, ""]


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
        "bare twin, in turn and on the same row, taking different rows (counselors, "
        "counselees, sessions, days) in turn, after warming every worker up.",
        f"- The whole benchmark took {_fmt(results['bench_seconds'])} s.",
        "",
        "## Budgets (DESIGN.md)",
        "",
        "| what | measured | budget | met |",
        "| --- | ---: | --- | --- |",
    ]
    for budget in budgets:
        lines.append(
            f"| {budget.what} | {_budget_value(budget, results)} | {budget.budget} | "
            f"{'yes' if budget.met(results) else '**no**'} |"
        )
    lines += [
        "",
        "## Pages, beside their bare twins",
        "",
        "Each twin (`bench/bare_views.py`) reads the same rows and columns and renders the "
        "same template as its page, without the policy's checks, the access-log entry or "
        "decryption (tests/test_bench_twins.py compares their query lists). The caseload "
        "page shows no confidential content: its ratio is shown and not counted in the "
        "worst page's.",
        "",
        "![each page's ratio to its bare twin against the budget](ratios.svg)",
        "",
        "| page | p50 ms | p95 ms | queries | bare p50 ms | bare p95 ms | bare queries "
        "| ratio p50 | ratio p95 |",
        "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |",
    ]
    ratios = results["confidentiality_overhead_by_page"]
    p95_ratios = results.get("confidentiality_overhead_p95_by_page", {})
    for key, label in PAGES:
        p95_ratio = p95_ratios.get(key)
        lines.append(
            f"| {label} | {_fmt(results[f'{key}_p50_ms'])} | {_fmt(results[f'{key}_p95_ms'])} | "
            f"{results[f'{key}_queries']} | {_fmt(results[f'{key}_bare_p50_ms'])} | "
            f"{_fmt(results[f'{key}_bare_p95_ms'])} | {results[f'{key}_bare_queries']} | "
            f"{ratios[key]:.2f} | {'-' if p95_ratio is None else f'{p95_ratio:.2f}'} |"
        )
    lines += messaging_rows(results)
    lines += [
        "",
        f"Raw costs, in CPU time of the measuring process: one Fernet decryption "
        f"{results['fernet_decrypt_us']} µs, one encryption "
        f"{results.get('fernet_encrypt_us', '-')} µs; one access-log HMAC step (canonical "
        f"JSON and HMAC-SHA256) {results['hmac_step_us']} µs.",
        "",
        *_crisis_poll(results),
        *rush_section(results),
        "## Commands, beside their raw crypto",
        "",
        f"- `verify_audit`: {_fmt(results['verify_audit_seconds'])} s, "
        f"{_fmt(results.get('verify_audit_cpu_seconds'))} s of CPU (itself and its workers), "
        f"peak {_fmt(results['verify_audit_peak_mb'])} MB over "
        f"{_fmt(results['audit_events'])} entries. Chaining as many entries' HMACs, nothing "
        f"else, in this run: {_fmt(results.get('verify_audit_floor_cpu_seconds'))} s of CPU; "
        f"ratio {_fmt(results.get('verify_audit_floor_ratio'))}.",
        f"- `rotate_encryption_key`: {_fmt(results['rotate_seconds'])} s, "
        f"{_fmt(results.get('rotate_cpu_seconds'))} s of CPU, peak "
        f"{_fmt(results['rotate_peak_mb'])} MB, {_fmt(results['rotated_values'])} encrypted "
        "values (notes, sessions, counselees, bookings). Decrypting and encrypting as many "
        f"values, nothing else: {_fmt(results.get('rotate_floor_cpu_seconds'))} s of CPU; "
        f"ratio {_fmt(results.get('rotate_floor_ratio'))}.",
        "- Peak memory is GNU time's maximum resident set size: the largest single process "
        "(verify_audit checks id ranges in one worker process per core).",
        "",
        *ladder_section(results),
        *notes(results),
    ]
    return "\n".join(lines)


MESSAGING = [
    ("conversation", "A 500-message conversation (one page of it)"),
    ("message_send", "Sending a message"),
    ("poll_empty", "A poll with nothing new"),
]


def messaging_rows(results) -> list[str]:
    """Online counseling beside its bare twins, when the database holds messages."""
    if "conversation_p50_ms" not in results:
        return []
    lines = [
        "",
        f"Online counseling, with {_fmt(results.get('messages'))} messages in the database "
        f"(the opened conversation holds {_fmt(results.get('measured_conversation_messages'))}):",
        "",
        "| page | p50 ms | p95 ms | queries | bare p50 ms | bare p95 ms | bare queries | ratio |",
        "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |",
    ]
    for key, label in MESSAGING:
        bare = results[f"{key}_bare_p50_ms"]
        ratio = results[f"{key}_p50_ms"] / bare if bare else 0
        lines.append(
            f"| {label} | {_fmt(results[f'{key}_p50_ms'])} | {_fmt(results[f'{key}_p95_ms'])} | "
            f"{results[f'{key}_queries']} | {_fmt(bare)} | "
            f"{_fmt(results[f'{key}_bare_p95_ms'])} | {results[f'{key}_bare_queries']} | "
            f"{ratio:.2f} |"
        )
    lines += [
        "",
        "Query counts include signing the counselor in (session, user, second factor: three). "
        "The empty poll's own work is one read of one integer, the same as its bare twin's; "
        "it decrypts nothing and writes nothing.",
    ]
    return lines


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
        "- Other jobs may share the machine, so absolute figures carry their noise. A page "
        "and its bare twin are requested in turn, and the rushes interleaved and repeated, "
        "so that noise slows both alike: the ratios are the budgets that hold on any "
        "machine.",
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

"""The benchmark's verdicts: budgets as DESIGN.md states them, the scale ladder's check,
the report and the charts, on figures made up for the purpose (no run is timed here)."""

import copy

from bench import budgets, charts, measure, report
from bench.run import _ladder, _levels, constant_queries

PAGES = [key for key, _label in report.PAGES]


def _results():
    results = {
        "scale": 0.01,
        "date": "2026-12-01T10:00:00+07:00",
        "machine": {
            "cpu": "test",
            "cores": 2,
            "memory_gb": 1.0,
            "python": "3.11",
            "postgresql": "15",
            "load_average_at_start": 0.1,
        },
        "students": 200,
        "counselors": 2,
        "session_notes": 5000,
        "audit_events": 50000,
        "gunicorn_workers": 2,
        "medians_of_runs": 1,
        "requests_per_run": 8,
        "bench_seconds": 60,
        "fernet_decrypt_us": 12.0,
        "fernet_encrypt_us": 14.0,
        "hmac_step_us": 10.0,
        "verify_audit_seconds": 2.0,
        "verify_audit_cpu_seconds": 1.5,
        "verify_audit_floor_cpu_seconds": 0.5,
        "verify_audit_floor_ratio": 3.0,
        "verify_audit_peak_mb": 80,
        "rotate_seconds": 3.0,
        "rotate_cpu_seconds": 2.0,
        "rotate_floor_cpu_seconds": 1.0,
        "rotate_floor_ratio": 2.0,
        "rotate_peak_mb": 90,
        "rotated_values": 1000,
        "page_queries_same_on_every_row": True,
        "rush_repeats": 2,
    }
    for n, page in enumerate(PAGES):
        results.update(
            {
                f"{page}_p50_ms": 20.0 + n,
                f"{page}_p95_ms": 30.0 + n,
                f"{page}_queries": 10,
                f"{page}_bare_p50_ms": 19.0 + n,
                f"{page}_bare_p95_ms": 27.0 + n,
                f"{page}_bare_queries": 7,
            }
        )
    # Online counseling: the conversation page, sending, and a poll with nothing new.
    for name, p50, p95 in (("conversation", 20.0, 30.0), ("message_send", 25.0, 35.0)):
        results.update(
            {
                f"{name}_p50_ms": p50,
                f"{name}_p95_ms": p95,
                f"{name}_queries": 12,
                f"{name}_bare_p50_ms": p50 - 2,
                f"{name}_bare_p95_ms": p95 - 3,
                f"{name}_bare_queries": 6,
            }
        )
    results.update(
        {
            "messages": 1000,
            "measured_conversation_messages": 500,
            "poll_empty_p50_ms": 4.0,
            "poll_empty_p95_ms": 6.0,
            "poll_empty_queries": 4,
            "poll_empty_bare_p50_ms": 3.5,
            "poll_empty_bare_p95_ms": 5.0,
            "poll_empty_bare_queries": 4,
            "poll_empty_queries_over_bare": 0,
            # The crisis banner's poll with nothing new, beside a twin that only signs in.
            "crisis_poll_p50_ms": 4.0,
            "crisis_poll_p95_ms": 6.0,
            "crisis_poll_queries": 4,
            "crisis_poll_bare_p50_ms": 3.5,
            "crisis_poll_bare_p95_ms": 5.0,
            "crisis_poll_bare_queries": 3,
            "crisis_poll_own_queries": 1,
            "crisis_poll_ratio_p95": 1.2,
        }
    )
    results["confidentiality_overhead_by_page"] = dict.fromkeys(PAGES, 1.1)
    results["confidentiality_overhead_p95_by_page"] = dict.fromkeys(PAGES, 1.2)
    results["confidentiality_overhead_ratio"] = 1.1
    results["confidentiality_overhead_p95_ratio"] = 1.2
    results["audit_filter_p95_ms"] = 40.0
    run = {
        "concurrency": 100,
        "students": 100,
        "slots": 20,
        "bookings_made": 20,
        "booked_responses": 20,
        "refusals": 80,
        "refusals_not_genuine": 0,
        "errors": 0,
        "double_bookings": 0,
        "p50_ms": 100.0,
        "p95_ms": 200.0,
        "seconds": 2.0,
        "throughput_rps": 50.0,
        "client_cpu_s": 0.1,
    }
    faster = {**run, "p95_ms": 180.0, "seconds": 1.8, "throughput_rps": 55.0}
    series = {
        "all": {
            "amanah": measure._summary([run, run]),
            "bare": measure._summary([faster, faster]),
            "throughput_ratio": 0.91,
            "p95_ratio": 1.11,
        }
    }
    results.update(measure.rush_results(series, None))
    results["scale_ladder"] = {
        "0.002": {p: {"p50_ms": 10.0, "queries": 10} for p in PAGES},
        "0.01": {p: {"p50_ms": 12.0, "queries": 10} for p in PAGES},
    }
    results["scale_ladder_constant_queries"] = constant_queries(results["scale_ladder"])
    return results


def test_figures_within_every_budget_meet_them():
    assert budgets.missed(_results()) == []


def test_the_budgets_are_design_mds_ratios():
    limits = {b.key: (b.limit, b.kind) for b in budgets.BUDGETS}
    assert limits["confidentiality_overhead_ratio"] == (1.15, "below")
    assert limits["confidentiality_overhead_p95_ratio"] == (1.30, "below")
    assert limits["booking_rush_throughput_ratio"] == (0.8, "at_least")
    assert limits["booking_rush_p95_ratio"] == (1.25, "at_most")
    assert limits["verify_audit_floor_ratio"] == (4, "below")


def test_a_slow_rush_or_a_heavy_layer_misses_its_budget():
    results = _results()
    results["booking_rush_throughput_ratio"] = 0.65
    results["confidentiality_overhead_p95_ratio"] = 1.79
    assert set(budgets.missed(results)) == {
        "booking_rush_throughput_ratio",
        "confidentiality_overhead_p95_ratio",
    }


def test_the_caseload_does_not_count_in_the_worst_page():
    assert "caseload" not in measure.CONFIDENTIAL_PAGES
    assert set(measure.CONFIDENTIAL_PAGES) == set(PAGES) - {"caseload"}


def test_a_page_whose_queries_grow_with_the_data_fails_the_ladder():
    ladder = copy.deepcopy(_results()["scale_ladder"])
    assert constant_queries(ladder)
    ladder["0.01"]["record"]["queries"] = 11
    assert not constant_queries(ladder)
    # One scale proves nothing.
    assert not constant_queries({"0.01": ladder["0.01"]})


def test_a_rush_with_a_refusal_that_is_not_genuine_counts_an_error():
    good = _results()["booking_rush_levels"]["all"]["amanah"]
    bad = {**good, "refusals_not_genuine": 1, "errors": 1, "bookings_made": 19}
    summary = measure._summary([good, bad])
    assert summary["errors"] == 1
    assert summary["bookings_made"] == 19
    assert summary["throughput_rps_spread"] == [50.0, 50.0]


def test_the_report_shows_each_figure_against_its_budget_and_links_the_charts(tmp_path):
    results = _results()
    text = report.markdown(results, budgets.BUDGETS)
    for budget in budgets.BUDGETS:
        assert budget.what in text
    assert "![each page's ratio to its bare twin against the budget](ratios.svg)" in text
    assert "(scale_ladder.svg)" in text
    charts.write(results, tmp_path)
    ratios = (tmp_path / "ratios.svg").read_text()
    assert ratios.startswith("<svg") and "Counselee's record" in ratios
    assert "Booking rush" in ratios
    assert "<polyline" in (tmp_path / "scale_ladder.svg").read_text()


def test_rush_levels_and_ladder_scales_are_read_from_the_command_line():
    assert _levels("all,10,20,50") == [None, 10, 20, 50]
    assert _ladder("", 0.05) == [0.01, 0.05]
    assert _ladder("0.25,0.05", 1.0) == [0.05, 0.25, 1.0]

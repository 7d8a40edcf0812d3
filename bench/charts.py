"""The benchmark's charts, as plain SVG written beside RESULTS.md by every run.

- `ratios.svg`: each page's time over its bare twin's (p50 and p95), the booking rush's
  throughput and p95 over the bare booking view's, against the budget lines of DESIGN.md.
- `scale_ladder.svg`: how each page's p50 and query count change with the data.

No plotting library: a few rectangles, lines and labels, readable in any browser and on
GitHub, with a title and a description for screen readers.
"""

from html import escape
from pathlib import Path

from bench import budgets

FONT = 'font-family="sans-serif"'
P50_COLOUR = "#2b6cb0"
P95_COLOUR = "#dd6b20"
BUDGET_COLOUR = "#c53030"
LINE_COLOURS = ["#2b6cb0", "#dd6b20", "#2f855a", "#6b46c1", "#b7791f", "#c53030"]

PAGE_LABELS = {
    "caseload": "Caseload (no content)",
    "record": "Counselee's record",
    "session_notes": "Session with notes",
    "audit_by_counselee": "Log by counselee",
    "audit_by_actor": "Log by actor",
    "audit_by_date": "Log by date",
}


def _svg(width, height, title, description, body) -> str:
    return "\n".join(
        [
            f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" '
            f'viewBox="0 0 {width} {height}" role="img" aria-labelledby="t d">',
            f'<title id="t">{escape(title, quote=False)}</title>',
            f'<desc id="d">{escape(description, quote=False)}</desc>',
            f'<rect width="{width}" height="{height}" fill="#ffffff"/>',
            *body,
            "</svg>",
            "",
        ]
    )


def _text(x, y, text, anchor="start", extra="", size=12):
    return (
        f'<text x="{x:.1f}" y="{y:.1f}" text-anchor="{anchor}" {FONT} font-size="{size}" '
        f"{extra}>{escape(text, quote=False)}</text>"
    )


def ratio_rows(results) -> list[tuple[str, float | None, float | None, float, float]]:
    """(label, p50 ratio, p95 ratio, p50 budget, p95 budget) for each bar pair."""
    p50 = results.get("confidentiality_overhead_by_page", {})
    p95 = results.get("confidentiality_overhead_p95_by_page", {})
    rows = [
        (label, p50.get(page), p95.get(page), budgets.OVERHEAD_P50, budgets.OVERHEAD_P95)
        for page, label in PAGE_LABELS.items()
        if page in p50
    ]
    throughput = results.get("booking_rush_throughput_ratio")
    if throughput:
        # Drawn as bare / Amanah, so that for every bar lower is better and the budget
        # line is where Amanah may go: 1 / 0.8 = 1.25.
        rows.append(
            (
                "Booking rush: bare throughput / ours",
                round(1 / throughput, 2),
                results.get("booking_rush_p95_ratio"),
                round(1 / budgets.RUSH_THROUGHPUT, 2),
                budgets.RUSH_P95,
            )
        )
    return rows


def ratios_svg(results) -> str:
    rows = ratio_rows(results)
    left, right, bar, gap, top = 250, 80, 12, 14, 50
    width = 760
    height = top + len(rows) * (2 * bar + gap) + 50
    values = [v for row in rows for v in row[1:] if v]
    top_value = max([1.6, *values]) * 1.05
    scale = (width - left - right) / top_value

    def x(value):
        return left + value * scale

    body = [
        _text(
            left,
            20,
            "Time with the confidentiality layer / time of the bare twin",
            extra='font-weight="bold"',
        ),
        f'<rect x="{left}" y="28" width="10" height="10" fill="{P50_COLOUR}"/>',
        _text(left + 14, 37, "p50 (rush: throughput)"),
        f'<rect x="{left + 170}" y="28" width="10" height="10" fill="{P95_COLOUR}"/>',
        _text(left + 184, 37, "p95"),
        f'<line x1="{left + 230}" y1="33" x2="{left + 250}" y2="33" stroke="{BUDGET_COLOUR}" '
        'stroke-width="2" stroke-dasharray="4 2"/>',
        _text(left + 254, 37, "budget (DESIGN.md)"),
        f'<line x1="{x(1):.1f}" y1="{top - 6}" x2="{x(1):.1f}" y2="{height - 40}" '
        'stroke="#718096"/>',
        _text(x(1), height - 26, "1.0 (the twin)", "middle"),
    ]
    for n, (label, p50, p95, budget50, budget95) in enumerate(rows):
        y = top + n * (2 * bar + gap)
        body.append(_text(left - 8, y + bar + 4, label, "end"))
        for k, (value, budget, colour) in enumerate(
            ((p50, budget50, P50_COLOUR), (p95, budget95, P95_COLOUR))
        ):
            y0 = y + k * bar
            if value:
                body.append(
                    f'<rect x="{left}" y="{y0}" width="{value * scale:.1f}" height="{bar - 2}" '
                    f'fill="{colour}"/>'
                )
                body.append(_text(x(value) + 4, y0 + bar - 3, f"{value:.2f}", size=10))
            body.append(
                f'<line x1="{x(budget):.1f}" y1="{y0 - 1}" x2="{x(budget):.1f}" y2="{y0 + bar}" '
                f'stroke="{BUDGET_COLOUR}" stroke-width="2" stroke-dasharray="4 2"/>'
            )
    description = "; ".join(
        f"{label}: p50 {p50}, p95 {p95} (budgets {b50}, {b95})"
        for label, p50, p95, b50, b95 in rows
    )
    return _svg(width, height, "Each page against its bare twin", description, body)


def _panel(ladder, key, title, x0, y0, width, height) -> list[str]:
    scales = sorted(ladder, key=float)
    pages = [p for p in PAGE_LABELS if all(p in ladder[s] for s in scales)]
    values = [ladder[s][p][key] for s in scales for p in pages] or [1]
    top_value = max(values) * 1.15 or 1
    body = [
        _text(x0, y0 - 10, title, extra='font-weight="bold"'),
        f'<line x1="{x0}" y1="{y0 + height}" x2="{x0 + width}" y2="{y0 + height}" '
        'stroke="#718096"/>',
        f'<line x1="{x0}" y1="{y0}" x2="{x0}" y2="{y0 + height}" stroke="#718096"/>',
        _text(x0 - 6, y0 + 4, f"{top_value:.0f}", "end"),
        _text(x0 - 6, y0 + height + 4, "0", "end"),
    ]
    step = width / max(1, len(scales) - 1)

    def point(i, value):
        return x0 + i * step, y0 + height - value / top_value * height

    for i, scale in enumerate(scales):
        x, _y = point(i, 0)
        body.append(_text(x, y0 + height + 16, f"scale {scale}", "middle"))
    for n, page in enumerate(pages):
        colour = LINE_COLOURS[n % len(LINE_COLOURS)]
        points = [point(i, ladder[s][page][key]) for i, s in enumerate(scales)]
        body.append(
            f'<polyline fill="none" stroke="{colour}" stroke-width="2" points="'
            + " ".join(f"{x:.1f},{y:.1f}" for x, y in points)
            + '"/>'
        )
        body += [f'<circle cx="{x:.1f}" cy="{y:.1f}" r="3" fill="{colour}"/>' for x, y in points]
    return body


def ladder_svg(results) -> str:
    ladder = results.get("scale_ladder") or {}
    width, height = 760, 330
    body = _panel(ladder, "p50_ms", "p50 ms", 50, 40, 270, 220)
    body += _panel(ladder, "queries", "queries per request", 410, 40, 270, 220)
    pages = [p for p in PAGE_LABELS if all(p in f for f in ladder.values())]
    for n, page in enumerate(pages):
        colour = LINE_COLOURS[n % len(LINE_COLOURS)]
        x = 50 + (n % 3) * 240
        y = 295 + (n // 3) * 16
        body.append(f'<rect x="{x}" y="{y - 9}" width="10" height="10" fill="{colour}"/>')
        body.append(_text(x + 14, y, PAGE_LABELS[page]))
    description = "; ".join(
        f"scale {scale}: "
        + ", ".join(
            f"{page} {f['p50_ms']} ms {f['queries']} queries" for page, f in figures.items()
        )
        for scale, figures in sorted(ladder.items(), key=lambda item: float(item[0]))
    )
    return _svg(width, height + 10, "Cost growth with the data", description, body)


def write(results, output: Path) -> None:
    (Path(output) / "ratios.svg").write_text(ratios_svg(results))
    (Path(output) / "scale_ladder.svg").write_text(ladder_svg(results))

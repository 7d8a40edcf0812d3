"""The budgets of DESIGN.md ("Budgets"), as checks on bench/results.json.

DESIGN.md states them as ratios measured in one run: each figure beside its floor (a bare
twin doing the same work without the confidentiality layer, the bare booking view in the
same interleaved rush, the raw hashing of as many entries), so that they hold on any
machine. The absolute page figures stay beside them, read on the run's own machine.
"""

from dataclasses import dataclass

# "Memory flat" is read as: the peak stays under this whatever the data size (the
# process holds one batch or one fetch at a time, never the table).
FLAT_MEMORY_MB = 256

# DESIGN.md, "the confidentiality layer": under 15% at p50 and 30% at p95.
OVERHEAD_P50 = 1.15
OVERHEAD_P95 = 1.30
# DESIGN.md, "booking rush": throughput at least 0.8x, p95 within 1.25x of the bare view.
RUSH_THROUGHPUT = 0.8
RUSH_P95 = 1.25
# DESIGN.md, "audit-chain verification": within 4x the raw hashing floor.
VERIFY_FLOOR = 4


@dataclass(frozen=True)
class Budget:
    key: str
    what: str
    budget: str
    limit: float
    # "below": under the limit; "at_most": not over it; "at_least": not under it;
    # "equal": exactly the limit.
    kind: str = "below"

    def met(self, results) -> bool:
        value = results.get(self.key)
        if value is None:
            return False
        if self.kind == "equal":
            return value == self.limit
        if self.kind == "at_most":
            return value <= self.limit
        if self.kind == "at_least":
            return value >= self.limit
        return value < self.limit


BUDGETS = [
    Budget(
        "confidentiality_overhead_ratio",
        "Confidentiality layer, p50: page / bare twin (worst confidential page)",
        f"< {OVERHEAD_P50:.2f}",
        OVERHEAD_P50,
    ),
    Budget(
        "confidentiality_overhead_p95_ratio",
        "Confidentiality layer, p95: page / bare twin (worst confidential page)",
        f"< {OVERHEAD_P95:.2f}",
        OVERHEAD_P95,
    ),
    Budget(
        "scale_ladder_constant_queries",
        "Every page runs the same number of queries at every scale of the ladder",
        "yes",
        True,
        "equal",
    ),
    Budget("caseload_p95_ms", "Counselor caseload page, p95", "< 50 ms", 50),
    Budget("record_p95_ms", "A counselee's record, p95", "< 50 ms", 50),
    Budget("session_notes_p95_ms", "A session with its notes, p95", "< 50 ms", 50),
    Budget("conversation_p95_ms", "A 500-message conversation, p95", "< 50 ms", 50),
    Budget("poll_empty_p95_ms", "A poll with nothing new, p95", "< 10 ms", 10),
    Budget(
        "poll_empty_queries_over_bare",
        "A poll with nothing new: queries beyond its bare twin's one read",
        "none",
        0,
        "equal",
    ),
    Budget(
        "audit_filter_p95_ms",
        "Admin access-log page filtered by counselee, actor or date (worst p95)",
        "< 100 ms",
        100,
    ),
    Budget(
        "booking_rush_every_slot_booked_once",
        "Booking rush: bookings made (SQL) equal the slots, 100 at scale 1, in every rush",
        "yes",
        True,
        "equal",
    ),
    Budget(
        "booking_rush_double_bookings",
        "Booking rush: double bookings (SQL, every repeat)",
        "none",
        0,
        "equal",
    ),
    Budget(
        "booking_rush_errors",
        "Booking rush: errors, refusals without a 'slot taken' answer among them",
        "none",
        0,
        "equal",
    ),
    Budget(
        "booking_rush_throughput_ratio",
        "Booking rush, all at once: throughput / the bare booking view's",
        f">= {RUSH_THROUGHPUT}",
        RUSH_THROUGHPUT,
        "at_least",
    ),
    Budget(
        "booking_rush_p95_ratio",
        "Booking rush, all at once: p95 / the bare booking view's",
        f"<= {RUSH_P95}",
        RUSH_P95,
        "at_most",
    ),
    Budget(
        "verify_audit_floor_ratio",
        "verify_audit CPU time / raw hashing of as many entries",
        f"< {VERIFY_FLOOR}",
        VERIFY_FLOOR,
    ),
    Budget("crisis_poll_p95_ms", "Crisis banner poll with nothing new, p95", "< 10 ms", 10),
    Budget(
        "crisis_poll_own_queries",
        "Crisis banner poll: queries of its own (beyond signing in), no decryption",
        "at most 2",
        2,
        "at_most",
    ),
    Budget(
        "verify_audit_peak_mb",
        "verify_audit peak memory",
        f"flat (< {FLAT_MEMORY_MB} MB)",
        FLAT_MEMORY_MB,
    ),
    Budget("rotate_seconds", "rotate_encryption_key over every note", "< 300 s", 300),
    Budget(
        "rotate_peak_mb",
        "rotate_encryption_key peak memory",
        f"flat (< {FLAT_MEMORY_MB} MB)",
        FLAT_MEMORY_MB,
    ),
]


def missed(results) -> list[str]:
    return [b.key for b in BUDGETS if not b.met(results)]

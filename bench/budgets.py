"""The budgets of DESIGN.md ("Budgets"), as checks on bench/results.json."""

from dataclasses import dataclass

# "Memory flat" is read as: the peak stays under this whatever the data size (the
# process holds one batch or one fetch at a time, never the table).
FLAT_MEMORY_MB = 256


@dataclass(frozen=True)
class Budget:
    key: str
    what: str
    budget: str
    limit: float
    kind: str = "below"  # "below": under the limit; "equal": exactly the limit

    def met(self, results) -> bool:
        value = results.get(self.key)
        if value is None:
            return False
        return value == self.limit if self.kind == "equal" else value < self.limit


BUDGETS = [
    Budget("caseload_p95_ms", "Counselor caseload page, p95", "< 50 ms", 50),
    Budget("record_p95_ms", "A counselee's record, p95", "< 50 ms", 50),
    Budget("session_notes_p95_ms", "A session with its notes, p95", "< 50 ms", 50),
    Budget(
        "audit_filter_p95_ms",
        "Admin access-log page filtered by counselee, actor or date (worst p95)",
        "< 100 ms",
        100,
    ),
    Budget(
        "booking_rush_bookings_made",
        "Booking rush: bookings made for 100 slots",
        "exactly 100",
        100,
        "equal",
    ),
    Budget("booking_rush_double_bookings", "Booking rush: double bookings", "none", 0, "equal"),
    Budget("booking_rush_p95_ms", "Booking rush: p95 of a booking request", "< 300 ms", 300),
    Budget("crisis_poll_p95_ms", "Crisis banner poll with nothing new, p95", "< 10 ms", 10),
    Budget(
        "crisis_poll_own_queries",
        "Crisis banner poll: queries of its own (beyond signing in), no decryption",
        "at most 2",
        3,
    ),
    Budget("verify_audit_seconds", "verify_audit over the whole access log", "< 60 s", 60),
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
    Budget(
        "confidentiality_overhead_ratio",
        "Confidentiality layer: page time with it / without it (worst page, p50)",
        "< 1.30",
        1.30,
    ),
]

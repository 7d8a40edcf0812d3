"""Her copy as a JSON file to take elsewhere (UU PDP art. 7: a copy in a usable form).

The shape, version 1::

    {
      "format": "amanah-copy", "version": 1,
      "generated_at": "2025-03-01T10:00+07:00", "school": "...",
      "redaction_marker": "[disamarkan]",
      "request": {"id", "received_at", "reviewed_by"},
      "sections": {
        "directory": {"full_name", "username", "nis", "class_name", "date_of_birth",
                      "background_notes", "guardians": [{"name", "relation"}]},
        "consents": [{"event": "acknowledged" | "withdrawn", "at", ...}],
        "bookings": [{"start", "end", "counselor", "mode", "place", "status", "urgent", "topic"}],
        "sessions": [{"id", "scheduled_start", "counselor", "mode", "status", "place",
                      "notes": [{"finalised_at", "author", "presenting_concern",
                                 "what_was_done", "agreed_follow_up", "body",
                                 "addenda": [{"created_at", "author", "body"}]}]}],
        "withheld_notes": [{"session_date", "note_date", "reason", "reason_label"}],
        "disclosures": [{"disclosed_at", "reason", "reason_label", "recipient_role",
                         "recipient", "what_was_shared", "informed_at"}],
        "messages": [{"conversation", "counselor", "from", "sent_at", "text", "retracted"}],
        "access_log": [{"when", "who", "what", "why", "flagged"}],
        "data_requests": [{"kind", "kind_label", "status", "received_at"}]
      }
    }

Times are ISO 8601 in the school's time zone; labels are in Indonesian. A later shape
raises "version"; a reader should refuse a version it does not know.
"""

import json
from typing import Any


def render(content: dict[str, Any]) -> str:
    return json.dumps(content, ensure_ascii=False, indent=2)

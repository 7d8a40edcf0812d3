"""No module outside `counseling/policy/` decides who may act: none compares a user's role,
or her id with an object's, to let her through.

A scan of the code for such comparisons. What it finds elsewhere is either moved into the
policy or listed below with the reason it decides nothing.
"""

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
SCANNED = ("counseling", "sessions", "consent")
SKIPPED = ("migrations", "policy", "__pycache__")

# (path, the comparison's source): why it is not an access decision.
NOT_DECISIONS = {
    # "Kamu" or a name on the student's own access page: wording, after events_for decided.
    ("counseling/audit/describe.py", "event.actor_id == viewer.pk"),
    ("counseling/audit/describe.py", "event.actor_role == 'student'"),
    ("counseling/audit/describe.py", "event.actor_role == 'teacher'"),
    # Whether the counselor taking an urgent request is someone else than the one booked
    # (the booking then moves to her); the policy decided that she may take it.
    ("sessions/bookings.py", "booking.counselor_id != by.pk"),
    # Properties the templates use to pick which menu to draw.
    ("counseling/accounts/models.py", "self.role == self.Role.STUDENT"),
    ("counseling/accounts/models.py", "self.role == self.Role.COUNSELOR"),
    ("counseling/accounts/models.py", "self.role == self.Role.ADMIN"),
    ("counseling/accounts/models.py", "self.role == self.Role.TEACHER"),
    ("counseling/accounts/models.py", "self.role == self.Role.DPO"),
}


def _is_person(node):
    """`user`, `by`, `request.user`, `viewer` and their `.pk`, `.role`, `.id`."""
    names = {"user", "by", "viewer", "actor", "student", "counselor"}
    if isinstance(node, ast.Attribute):
        if node.attr in {"role", "actor_role"}:
            return True
        if node.attr in {"pk", "id"}:
            value = node.value
            return (isinstance(value, ast.Name) and value.id in names) or (
                isinstance(value, ast.Attribute) and value.attr == "user"
            )
    return False


def _comparisons():
    for package in SCANNED:
        for path in sorted((ROOT / package).rglob("*.py")):
            if set(SKIPPED) & set(path.relative_to(ROOT).parts):
                continue
            for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
                if isinstance(node, ast.Compare) and any(
                    _is_person(side) for side in [node.left, *node.comparators]
                ):
                    yield str(path.relative_to(ROOT)), ast.unparse(node)


def test_who_may_act_is_decided_in_the_policy_alone():
    found = set(_comparisons())
    assert found - NOT_DECISIONS == set()

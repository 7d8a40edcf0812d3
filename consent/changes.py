"""What changed between two versions of the consent document.

Students see which sections changed since the version they accepted, above the new
text; the admin sees a line-by-line comparison before publishing.
"""

import difflib
from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _


@dataclass(frozen=True)
class SectionChange:
    heading: str
    kind: str  # "changed", "new" or "removed"

    @property
    def label(self):
        return {"changed": _("diubah"), "new": _("baru"), "removed": _("dihapus")}[self.kind]


def sections(body: str) -> dict[str, str]:
    """The Markdown body cut at its level-2 headings: {heading: text}; "" before the first."""
    result: dict[str, list[str]] = {"": []}
    heading = ""
    for line in body.splitlines():
        if line.startswith("## "):
            heading = line[3:].strip()
            result.setdefault(heading, [])
            continue
        result[heading].append(line.rstrip())
    return {name: "\n".join(lines).strip() for name, lines in result.items()}


def changed_sections(old_body: str, new_body: str) -> list[SectionChange]:
    """The sections of `new_body` that differ from `old_body`, in the new order, then the
    sections that were removed."""
    opening = _("Pembuka")
    old, new = sections(old_body), sections(new_body)
    changes = []
    for heading, text in new.items():
        name = heading or str(opening)
        if heading not in old:
            if text:
                changes.append(SectionChange(name, "new"))
        elif old[heading] != text:
            changes.append(SectionChange(name, "changed"))
    for heading, text in old.items():
        if heading not in new and text:
            changes.append(SectionChange(heading or str(opening), "removed"))
    return changes


@dataclass(frozen=True)
class DiffLine:
    kind: str  # "same", "added" or "removed"
    text: str

    @property
    def sign(self):
        return {"same": " ", "added": "+", "removed": "\u2212"}[self.kind]


def line_diff(old: str, new: str, context: int = 2) -> list[DiffLine | None]:
    """The lines that differ, with `context` unchanged lines around them; None for a gap."""
    old_lines, new_lines = old.splitlines(), new.splitlines()
    result: list[DiffLine | None] = []
    matcher = difflib.SequenceMatcher(a=old_lines, b=new_lines, autojunk=False)
    for group in matcher.get_grouped_opcodes(context):
        if result:
            result.append(None)
        for tag, i1, i2, j1, j2 in group:
            if tag == "equal":
                result.extend(DiffLine("same", line) for line in old_lines[i1:i2])
                continue
            result.extend(DiffLine("removed", line) for line in old_lines[i1:i2])
            result.extend(DiffLine("added", line) for line in new_lines[j1:j2])
    return result

"""``setup.cfg``: ``[options] install_requires``/``tests_require`` and ``[options.extras_require]``, line by line.

Values are read as setuptools reads these "list-semi" options: a value spread over several lines (the
"dangling list") holds one requirement per line; a value on the key's line alone holds ``;``-separated
requirements. Comment lines (``#``, ``;``) and blank lines are skipped. Each key's value is one list for the
package-name policy; a requirement is rewritten in its span, a duplicate (D3) loses its line when it stands on
one, else its text (and one ``;`` separator). Nothing else in the file is touched.
"""
from __future__ import annotations

import re
from dataclasses import dataclass

from plx_migrate.filekinds._deps import Item, lists_helper, mentions_polyaxon, plan, target
from plx_migrate.filekinds._result import FileResult, Recorder
from plx_migrate.filekinds._text import split_lines

__all__ = ["KIND", "PATTERNS", "migrate"]

KIND = "setup_cfg"
PATTERNS = ("setup.cfg",)

_SECTION = re.compile(r"\s*\[([^\]]+)\]\s*$")
_KEY = re.compile(r"([^=:\s][^=:]*?)\s*[=:][ \t]*(.*?)\s*$")


@dataclass(frozen=True)
class _Value:
    start: int
    end: int
    line: int
    own_line: bool


def _lists(text: str) -> list[list[_Value]]:
    """The values of the requirement options, one list per key, each line's requirement span."""
    lists: list[list[_Value]] = []
    section = ""
    current: list[_Value] | None = None
    offset = 0
    for number, raw in enumerate(split_lines(text), 1):
        content = raw.rstrip("\r\n")
        line_start, offset = offset, offset + len(raw)
        stripped = content.strip()
        section_match = _SECTION.match(content)
        if section_match:
            section, current = section_match.group(1).strip().lower(), None
        elif not stripped or stripped[0] in "#;":
            continue
        elif content[0] in " \t":
            if current is not None:
                start = line_start + len(content) - len(content.lstrip())
                current.append(_Value(start, start + len(stripped), number, True))
        else:
            key_match = _KEY.match(content)
            current = None
            if key_match is None:
                continue
            key = key_match.group(1).strip().lower().replace("-", "_")
            if (section == "options" and key in ("install_requires", "tests_require")) or (
                    section == "options.extras_require"):
                current = []
                lists.append(current)
                if key_match.group(2):
                    start = line_start + key_match.start(2)
                    current.append(_Value(start, line_start + key_match.end(2), number, False))
    return [_split_semicolons(text, values) for values in lists]


def _split_semicolons(text: str, values: list[_Value]) -> list[_Value]:
    if len(values) != 1 or values[0].own_line:
        return values
    value, parts = values[0], []
    position = value.start
    for part in text[value.start:value.end].split(";"):
        lead = len(part) - len(part.lstrip())
        if part.strip():
            parts.append(_Value(position + lead, position + lead + len(part.strip()), value.line, False))
        position += len(part) + 1
    return parts


def migrate(text: str, stage: str, *, path: str = "setup.cfg") -> FileResult:
    """Rewrite the requirement options of one ``setup.cfg``'s ``text`` for ``stage`` (see the module docstring)."""
    target(stage)
    if not mentions_polyaxon(text):
        return FileResult(text=text)
    record = Recorder(text)
    helper_listed = lists_helper(text)
    for values in _lists(text):
        items = [Item(text[value.start:value.end]) for value in values]
        for action in plan(items, stage, helper_listed=helper_listed):
            value = values[action.index]
            if action.kind == "manual":
                record.report(value.start, action.reason, action.rule)
            elif action.kind == "replace":
                record.edit(value.start, value.end, action.new, action.rule)
            elif value.own_line:
                record.edit(*record.index.removal(value.line, value.line), "", action.rule)
            else:
                same_line = [v for v in values if v.line == value.line]
                position = same_line.index(value)
                if position + 1 < len(same_line):
                    record.edit(value.start, same_line[position + 1].start, "", action.rule)
                elif position > 0:
                    record.edit(same_line[position - 1].end, value.end, "", action.rule)
                else:
                    record.edit(value.start, value.end, "", action.rule)
    return record.result()

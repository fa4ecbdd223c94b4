"""pip requirements files (``requirements*.txt``, ``requirements*.in``, constraints): v0 pins replaced in place.

Read the way pip reads them (``pip/_internal/req/req_file.py``): a line ending with ``\\`` continues on the next
one (a comment line ends the continuation), ``#`` at the start or after a blank begins a comment, a line starting
with ``-`` holds options (``-r``, ``-c``, ``--index-url``; ``-e X`` is an editable requirement), and on a
requirement line the words from the first one starting with ``-`` on are per-requirement options
(``--hash=...``). Each requirement goes through the package-name policy (``_deps``) with the whole file as one
list: only the name, extras and version of a v0 requirement are rewritten, its marker, options, comment and line
ending stay; a duplicate (D3) loses its whole line. Lines this tool does not own are never touched: other pins,
commented-out pins (D10), ``-r`` includes, options, a file that does not mention polyaxon at all.
"""
from __future__ import annotations

import re
from dataclasses import dataclass

from plx_migrate.filekinds._deps import Item, mentions_polyaxon, plan, target
from plx_migrate.filekinds._result import FileResult, Recorder
from plx_migrate.filekinds._text import split_lines

__all__ = ["KIND", "PATTERNS", "LogicalLine", "RequirementSpan", "logical_lines", "migrate", "parse_line"]

KIND = "requirements"
PATTERNS = ("*requirements*.txt", "*requirements*.in", "*constraints*.txt")

_COMMENT = re.compile(r"(^|\s+)#.*$")
_EDITABLE = re.compile(r"\s*(?:-e|--editable)(?:\s*=\s*|\s+|(?=[^\s-]))(\S.*?)\s*$")


@dataclass(frozen=True)
class RequirementSpan:
    """Where the requirement of a line is: ``text[start:end]``; ``editable`` for ``-e``, ``hashed`` for ``--hash``."""

    start: int
    end: int
    editable: bool = False
    hashed: bool = False


def parse_line(line: str) -> RequirementSpan | None:
    """The requirement in one logical requirements-file ``line`` (no line ending), or ``None`` when it has none."""
    comment = _COMMENT.search(line)
    content = line[:comment.start()] if comment else line
    if not content.strip():
        return None
    if content.lstrip().startswith("-"):
        match = _EDITABLE.match(content)
        return RequirementSpan(match.start(1), match.end(1), editable=True) if match else None
    start = len(content) - len(content.lstrip())
    end, options = start, ""
    position = start
    for token in content[start:].split(" "):
        if token.startswith("-"):
            options = content[position:]
            break
        position += len(token) + 1
        if token:
            end = position - 1
    return RequirementSpan(start, end, hashed="--hash" in options)


@dataclass(frozen=True)
class LogicalLine:
    """Physical lines joined as pip joins them: ``text`` and, per physical line, ``(offset in file, content)``.

    ``first``/``last`` are the 1-based physical lines it spans.
    """

    text: str
    segments: tuple[tuple[int, str], ...]
    first: int
    last: int

    def span(self, start: int, end: int) -> tuple[int, int] | None:
        """The file span of ``text[start:end]``, ``None`` when it crosses a continuation."""
        position = 0
        for offset, content in self.segments:
            if position <= start and end <= position + len(content):
                return offset + start - position, offset + end - position
            position += len(content)
        return None

    def offset(self, start: int) -> int:
        """The file offset of ``text[start]`` (clamped to the line)."""
        position = 0
        for offset, content in self.segments:
            if start < position + len(content):
                return offset + start - position
            position += len(content)
        return self.segments[-1][0]


def logical_lines(text: str) -> list[LogicalLine]:
    """Split a requirements file into :class:`LogicalLine` s (continuations joined, offsets kept)."""
    result: list[LogicalLine] = []
    pending: list[tuple[int, str]] = []
    first = 0
    offset = 0
    for number, raw in enumerate(split_lines(text), 1):
        content = raw.rstrip("\r\n")
        comment_line = bool(_COMMENT.match(content))
        if content.endswith("\\") and not comment_line:
            if not pending:
                first = number
            pending.append((offset, content.rstrip("\\")))
        else:
            segments = (*pending, (offset, content))
            result.append(LogicalLine("".join(c for _, c in segments), segments, first if pending else number, number))
            pending = []
        offset += len(raw)
    if pending:
        result.append(LogicalLine("".join(c for _, c in pending), tuple(pending), first, first + len(pending) - 1))
    return result


def migrate(text: str, stage: str, *, path: str = "<string>") -> FileResult:
    """Rewrite the v0 requirements of one requirements file's ``text`` for ``stage`` (see the module docstring)."""
    target(stage)
    if not mentions_polyaxon(text):
        return FileResult(text=text)
    record = Recorder(text)
    items: list[Item] = []
    where: list[tuple[LogicalLine, RequirementSpan]] = []
    for line in logical_lines(text):
        found = parse_line(line.text)
        if found is not None:
            items.append(Item(line.text[found.start:found.end], editable=found.editable, hashed=found.hashed))
            where.append((line, found))
    for action in plan(items, stage):
        line, found = where[action.index]
        if action.kind == "manual":
            record.report(line.offset(found.start), action.reason, action.rule)
        elif action.kind == "replace":
            span = line.span(found.start, found.end)
            if span is None:
                record.report(line.offset(found.start), f"replace this requirement by hand with {action.new} (it is"
                              " split over a line continuation)", "unparsed-requirement")
            else:
                record.edit(span[0], span[1], action.new, action.rule)
        else:
            start, end = record.index.removal(line.first, line.last)
            record.edit(start, end, "", action.rule)
    return record.result()

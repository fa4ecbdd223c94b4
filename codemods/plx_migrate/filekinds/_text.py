"""Offsets, lines and surgical edits on decoded text, with its newlines left exactly as they are.

Every file kind edits the text it was given in place: an :class:`Edit` replaces one span of the original
text, :func:`apply_edits` applies a set of non-overlapping edits at once, and :class:`LineIndex` turns an
offset into the 1-based line and 0-based column that ``Change``/``ManualSite`` records carry. Lines end at
``\\n``, ``\\r\\n`` or ``\\r`` only (never at form feeds or other Unicode line breaks, which
:meth:`str.splitlines` would split on).
"""
from __future__ import annotations

import bisect
import io
import re
from collections.abc import Iterable
from dataclasses import dataclass

__all__ = ["Edit", "LineIndex", "apply_edits", "newline_of", "split_lines"]

_NEWLINE = re.compile(r"\r\n|\r|\n")


def split_lines(text: str) -> list[str]:
    """Split ``text`` into lines that keep their own ending (``\\n``, ``\\r\\n`` or ``\\r``)."""
    return io.StringIO(text, newline="").readlines()


def newline_of(text: str) -> str:
    """The first line ending used in ``text``, ``"\\n"`` when it has none."""
    match = _NEWLINE.search(text)
    return match.group() if match else "\n"


@dataclass(frozen=True)
class Edit:
    """Replace ``text[start:end]`` with ``new`` (``new == ""`` deletes, ``start == end`` inserts)."""

    start: int
    end: int
    new: str


def apply_edits(text: str, edits: Iterable[Edit]) -> str:
    """Return ``text`` with every edit applied; raises ``ValueError`` when two edits overlap."""
    out: list[str] = []
    position = 0
    for edit in sorted(edits, key=lambda e: (e.start, e.end)):
        if edit.start < position or edit.end < edit.start:
            raise ValueError(f"overlapping edits at offset {edit.start}")
        out.append(text[position:edit.start])
        out.append(edit.new)
        position = edit.end
    out.append(text[position:])
    return "".join(out)


class LineIndex:
    """Maps offsets of one text to 1-based lines and 0-based columns, and lines back to their text."""

    def __init__(self, text: str) -> None:
        self.text = text
        self.starts = [0] + [m.end() for m in _NEWLINE.finditer(text)]

    def line(self, offset: int) -> int:
        """The 1-based line holding ``offset``."""
        return bisect.bisect_right(self.starts, offset)

    def position(self, offset: int) -> tuple[int, int]:
        """``(line, column)`` of ``offset``: 1-based line, 0-based column."""
        line = self.line(offset)
        return line, offset - self.starts[line - 1]

    def line_start(self, line: int) -> int:
        """Offset of the first character of the 1-based ``line``."""
        return self.starts[line - 1]

    def line_end(self, line: int, *, keep_newline: bool = False) -> int:
        """Offset just past the 1-based ``line``'s content (past its line ending with ``keep_newline``)."""
        end = self.starts[line] if line < len(self.starts) else len(self.text)
        if keep_newline:
            return end
        return self.line_start(line) + len(self.text[self.line_start(line):end].rstrip("\r\n"))

    def removal(self, first: int, last: int) -> tuple[int, int]:
        """The span deleting lines ``first`` to ``last`` (1-based) whole; when ``last`` is the final line and has
        no line ending, the ending before ``first`` goes instead, so the file still ends without one (F2)."""
        start, end = self.line_start(first), self.line_end(last, keep_newline=True)
        if end == self.line_end(last) and first > 1:
            start = self.line_end(first - 1)
        return start, end

    def line_text(self, line: int) -> str:
        """The 1-based ``line`` without its line ending."""
        return self.text[self.line_start(line):self.line_end(line)]

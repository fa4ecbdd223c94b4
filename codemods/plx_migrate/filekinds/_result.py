"""The result every file kind returns, and the recorder that builds it from surgical edits.

The contract matches the codemods' ``run_stage``: a kind's ``migrate(text, stage, *, path)`` returns a
:class:`FileResult` with the new text, ``changed`` taken from the kind's own record of its edits (never from
comparing texts), the changes and manual-attention sites (the codemods' ``Change``/``ManualSite`` records, whose
``codemod`` field holds the rule id), or an ``error`` when the file cannot be read as its kind (the text is then
returned unchanged). Nothing here touches the file system.
"""
from __future__ import annotations

from dataclasses import dataclass, field

from plx_migrate._api import Change, ManualSite
from plx_migrate.filekinds._text import Edit, LineIndex, apply_edits

__all__ = ["CellDiff", "FileError", "FileResult", "Recorder"]


@dataclass(frozen=True)
class FileError:
    """Why a file was left untouched: ``reason`` is a full sentence (``"cannot parse: ..."``).

    ``line`` is 1-based, ``column`` 1-based (as the CLI prints them); either is ``None`` when unknown.
    """

    reason: str
    line: int | None = None
    column: int | None = None


@dataclass(frozen=True)
class CellDiff:
    """One rewritten notebook cell, for a per-cell ``--diff``: 1-based ``cell`` number, old and new source."""

    cell: int
    old: str
    new: str


@dataclass
class FileResult:
    """Outcome of one file kind on one text (see the module docstring).

    ``text`` equals the input when ``changed`` is false. ``cells`` is only filled by notebooks (the cells
    that changed), so that a diff can be shown per cell rather than on the JSON text.
    """

    text: str
    changed: bool = False
    changes: list[Change] = field(default_factory=list)
    manual: list[ManualSite] = field(default_factory=list)
    error: FileError | None = None
    cells: list[CellDiff] = field(default_factory=list)


@dataclass(frozen=True)
class _Pending:
    edit: Edit
    rule: str


class Recorder:
    """Collects edits and manual sites against one original text, then builds the :class:`FileResult`.

    Each change record covers the original lines an edit touches: ``old`` is those lines, ``new`` the same
    lines after the edits (``""`` when they were deleted); edits on the same lines make one record.
    """

    def __init__(self, text: str) -> None:
        self.text = text
        self.index = LineIndex(text)
        self._edits: list[_Pending] = []
        self.manual: list[ManualSite] = []

    def edit(self, start: int, end: int, new: str, rule: str) -> None:
        """Replace ``text[start:end]`` with ``new``; ``rule`` is the change's id."""
        self._edits.append(_Pending(Edit(start, end, new), rule))

    def report(self, offset: int, reason: str, rule: str, *, code: str | None = None) -> None:
        """Record a manual-attention site at ``offset`` (its line's text is the ``code`` unless given)."""
        line, column = self.index.position(offset)
        snippet = self.index.line_text(line).strip() if code is None else code
        site = ManualSite(line=line, column=column, code=snippet, reason=reason, codemod=rule)
        if site not in self.manual:
            self.manual.append(site)

    @property
    def edits(self) -> list[Edit]:
        """The edits recorded so far, in the order they were recorded."""
        return [pending.edit for pending in self._edits]

    def result(self) -> FileResult:
        """Apply the edits and return the :class:`FileResult` (``changed`` means at least one edit)."""
        manual = sorted(self.manual, key=lambda site: (site.line, site.column))
        if not self._edits:
            return FileResult(text=self.text, manual=manual)
        new_text = apply_edits(self.text, self.edits)
        return FileResult(text=new_text, changed=True, changes=self._changes(), manual=manual)

    def _changes(self) -> list[Change]:
        groups: list[tuple[int, int, list[_Pending]]] = []
        for pending in sorted(self._edits, key=lambda p: (p.edit.start, p.edit.end)):
            start = pending.edit.start
            if not pending.edit.new:  # a deletion that takes the line ending before a line belongs to that line
                while start < pending.edit.end and self.text[start] in "\r\n":
                    start += 1
            first = self.index.line(min(start, max(pending.edit.start, pending.edit.end - 1)))
            last = self.index.line(max(pending.edit.start, pending.edit.end - 1))
            if groups and first <= groups[-1][1]:
                start, end, members = groups[-1]
                groups[-1] = (start, max(end, last), [*members, pending])
            else:
                groups.append((first, last, [pending]))
        changes = []
        for first, last, members in groups:
            begin, end = self.index.line_start(first), self.index.line_end(last)
            old = self.text[begin:end]
            shifted = [Edit(max(p.edit.start, begin) - begin, min(p.edit.end, end) - begin, p.edit.new)
                       for p in members]
            new = apply_edits(old, shifted)
            rule = members[0].rule
            changes.append(Change(line=first, old=old.strip(), new=new.strip(), codemod=rule))
        return changes

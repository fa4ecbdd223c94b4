"""The file kinds as ``plx-migrate`` handlers: ``(path, stage, mode) -> FileOutcome``, like Python files.

:func:`migrate_path` reads and decodes the file as the CLI reads a Python file (encoding, BOM and newlines
kept), runs the kind's pure ``migrate``, and writes the new text atomically, only in ``write`` mode and only
when the kind recorded an edit. A notebook's ``--diff`` is shown per changed cell (``--- a/nb.ipynb [cell 3]``),
not on its JSON.
"""
from __future__ import annotations

import difflib
import functools
from pathlib import PurePath

from plx_migrate._outcome import FileOutcome, Handler, Mode, printable, read_or_fail, unified_diff, write_or_fail
from plx_migrate.filekinds._registry import get_kinds, patterns
from plx_migrate.filekinds._result import CellDiff
from plx_migrate.filekinds._text import split_lines

__all__ = ["cell_diff", "handlers", "migrate_path"]


def cell_diff(cells: list[CellDiff], path: str) -> str:
    """A unified diff per changed notebook cell, headed ``--- a/<path> [cell N]`` / ``+++ b/<path> [cell N]``."""
    name = printable(PurePath(path).as_posix().lstrip("/"))
    out: list[str] = []
    for cell in cells:
        old, new = (text if text.endswith(("\n", "\r")) or not text else text + "\n" for text in (cell.old, cell.new))
        header = f"[cell {cell.cell}]"
        out.extend(difflib.unified_diff(split_lines(old), split_lines(new), f"a/{name} {header}", f"b/{name} {header}"))
    return "".join(out)


def migrate_path(kind: str, path: str, stage: str, mode: Mode) -> FileOutcome:
    """Migrate the file at ``path`` as file kind ``kind`` (see the module docstring); never raises for bad input."""
    source = read_or_fail(path)
    if isinstance(source, FileOutcome):
        return source
    migrate = next(k.migrate for k in get_kinds() if k.id == kind)
    result = migrate(source.text, stage, path=path)
    manual = tuple(result.manual)
    if result.error is not None:
        error = result.error
        return FileOutcome(path, "failed", reason=error.reason, line=error.line, column=error.column, manual=manual)
    if not result.changed:
        return FileOutcome(path, "unchanged", manual=manual)
    failed = write_or_fail(path, result.text, source, mode)
    if failed is not None:
        return failed
    diff = ""
    if mode == "diff":
        diff = cell_diff(result.cells, path) if result.cells else unified_diff(source.text, result.text, path)
    return FileOutcome(path, "changed", changes=tuple(result.changes), manual=manual, diff=diff)


def handlers() -> dict[str, Handler]:
    """Glob -> ``plx-migrate`` handler for every file kind, in the order the globs must be tried."""
    return {pattern: functools.partial(migrate_path, kind.id) for pattern, kind in patterns()}

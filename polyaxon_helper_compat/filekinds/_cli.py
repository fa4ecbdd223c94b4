"""The file kinds as ``plx-migrate`` handlers: ``(path, stage, mode) -> FileOutcome``, like Python files.

:func:`migrate_path` reads and decodes the file as the CLI reads a Python file (encoding, BOM and newlines
kept), runs the kind's pure ``migrate``, and writes the new text atomically, only in ``write`` mode and only
when the kind recorded an edit. A notebook's ``--diff`` is shown per changed cell (``--- a/nb.ipynb [cell 3]``),
not on its JSON. The CLI module is imported when a file is migrated, never at import (it imports this package).
"""
from __future__ import annotations

import difflib
import functools
from pathlib import PurePath
from typing import TYPE_CHECKING

from polyaxon_helper_compat.filekinds._registry import get_kinds, patterns
from polyaxon_helper_compat.filekinds._result import CellDiff
from polyaxon_helper_compat.filekinds._text import split_lines

if TYPE_CHECKING:
    from polyaxon_helper_compat.cli import FileOutcome, Handler, Mode

__all__ = ["cell_diff", "handlers", "migrate_path"]


def cell_diff(cells: list[CellDiff], path: str) -> str:
    """A unified diff per changed notebook cell, headed ``--- a/<path> [cell N]`` / ``+++ b/<path> [cell N]``."""
    from polyaxon_helper_compat.cli import printable

    name = printable(PurePath(path).as_posix().lstrip("/"))
    out: list[str] = []
    for cell in cells:
        old, new = (text if text.endswith(("\n", "\r")) or not text else text + "\n" for text in (cell.old, cell.new))
        header = f"[cell {cell.cell}]"
        out.extend(difflib.unified_diff(split_lines(old), split_lines(new), f"a/{name} {header}", f"b/{name} {header}"))
    return "".join(out)


def migrate_path(kind: str, path: str, stage: str, mode: Mode) -> FileOutcome:
    """Migrate the file at ``path`` as file kind ``kind`` (see the module docstring); never raises for bad input."""
    from polyaxon_helper_compat._files import (
        FileChangedError,
        ReadOnlyFileError,
        SourceDecodeError,
        SourceEncodeError,
        encode_source,
        read_source,
        write_atomic,
    )
    from polyaxon_helper_compat.cli import FileOutcome, unified_diff

    try:
        source = read_source(path)
    except OSError as exc:
        return FileOutcome(path, "failed", reason=f"cannot read: {exc.strerror or exc}")
    except SourceDecodeError as exc:
        return FileOutcome(path, "failed", reason=f"cannot decode: {exc.reason}", line=exc.line)
    migrate = next(k.migrate for k in get_kinds() if k.id == kind)
    result = migrate(source.text, stage, path=path)
    manual = tuple(result.manual)
    if result.error is not None:
        error = result.error
        return FileOutcome(path, "failed", reason=error.reason, line=error.line, column=error.column, manual=manual)
    if not result.changed:
        return FileOutcome(path, "unchanged", manual=manual)
    try:
        data = encode_source(result.text, source.encoding)
    except SourceEncodeError as exc:
        return FileOutcome(path, "failed", reason=f"not rewritten, cannot encode the new text: {exc.reason}",
                           line=exc.line)
    if mode == "write":
        try:
            write_atomic(path, data, expected=source.stamp)
        except ReadOnlyFileError:
            return FileOutcome(path, "failed", reason="read-only file")
        except FileChangedError:
            return FileOutcome(path, "failed", reason="not rewritten, the file changed on disk while being migrated")
        except OSError as exc:
            return FileOutcome(path, "failed", reason=f"cannot write: {exc.strerror or exc}")
    diff = ""
    if mode == "diff":
        diff = cell_diff(result.cells, path) if result.cells else unified_diff(source.text, result.text, path)
    return FileOutcome(path, "changed", changes=tuple(result.changes), manual=manual, diff=diff)


def handlers() -> dict[str, Handler]:
    """Glob -> ``plx-migrate`` handler for every file kind, in the order the globs must be tried."""
    return {pattern: functools.partial(migrate_path, kind.id) for pattern, kind in patterns()}

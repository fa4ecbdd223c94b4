"""What migrating one file gives (:class:`FileOutcome`), and the steps every kind of file shares.

A handler migrates one file: ``(path, stage, mode) -> FileOutcome`` (:data:`Handler`). Python files
(:func:`plx_migrate._migrate.migrate_python_file`) and the other kinds (:mod:`plx_migrate.filekinds`) read the file with
:func:`read_or_fail`, check a Python rewrite with :func:`stray_line`, write with :func:`write_or_fail` and show a
:func:`unified_diff`; every expected problem becomes a ``failed`` outcome naming it, never an exception. Paths are
shown through :func:`printable`.
"""
from __future__ import annotations

import difflib
import io
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import PurePath
from typing import Callable, Literal

from plx_migrate._files import (
    FileChangedError,
    ReadOnlyFileError,
    SourceDecodeError,
    SourceEncodeError,
    SourceText,
    encode_source,
    read_source,
    write_atomic,
)
from plx_migrate._records import Change, ManualSite

__all__ = [
    "FileOutcome", "Handler", "Mode", "Status", "printable", "read_or_fail", "stray_line", "unified_diff",
    "write_or_fail",
]

#: ``write`` rewrites files in place, ``diff`` computes a unified diff, ``check`` only reports.
Mode = Literal["write", "diff", "check"]
#: ``skipped`` is a file left alone on purpose (not an error); ``failed`` is an error (exit code 2).
Status = Literal["changed", "unchanged", "skipped", "failed"]


@dataclass(frozen=True)
class FileOutcome:
    """What happened to one file; plain data, so it can cross a process boundary.

    ``path`` is the display path (relative to the working directory when the file is under it).
    ``status`` is ``changed`` (rewritten, or would be with ``--diff``/``--check``), ``unchanged``,
    ``skipped`` (left alone on purpose, ``reason`` says why) or ``failed`` (an error; ``reason`` says which,
    ``line`` and ``column`` are its 1-based position when known). ``changes`` and ``manual`` come from the
    codemods; ``diff`` is the unified diff in ``diff`` mode, else empty.
    """

    path: str
    status: Status
    reason: str | None = None
    line: int | None = None
    column: int | None = None
    changes: tuple[Change, ...] = ()
    manual: tuple[ManualSite, ...] = ()
    diff: str = ""


#: A handler migrates one file of its kind: ``(path, stage, mode) -> FileOutcome``.
Handler = Callable[[str, str, Mode], FileOutcome]


def printable(text: str) -> str:
    """Return ``text`` (a path) fit for any output: bytes that are not UTF-8 become ``\\xNN`` escapes.

    File names that are not valid UTF-8 reach Python as lone surrogates (PEP 383), which no stream can
    encode; everything else is returned unchanged.
    """
    try:
        return text.encode("utf-8", "surrogateescape").decode("utf-8", "backslashreplace")
    except UnicodeEncodeError:  # a surrogate that did not come from a file name
        return text.encode("utf-8", "backslashreplace").decode("utf-8")


def _lines(text: str) -> list[str]:
    """Split ``text`` into lines with their endings, at ``\\n``, ``\\r\\n`` and ``\\r`` alike (as Python does)."""
    return io.StringIO(text, newline="").readlines()


def stray_line(old: str, new: str, changes: Sequence[Change]) -> int | None:
    """Return the first line of ``old`` that ``new`` alters although no change in ``changes`` covers it.

    ``changes`` are the codemods' records of the statements they rewrote (1-based ``line`` in ``old``, and
    ``old`` text, which may span several lines). Lines may be *added* anywhere (new imports, the
    ``experiment = Experiment()`` line), but every original line that is removed or altered must belong to a
    rewritten statement. libcst does not always reproduce untouched code exactly (LibCST#1457: it drops the
    space in ``except X :``); this is what keeps such a file from being silently reformatted. Returns the
    1-based line number, or ``None`` when only rewritten statements changed.
    """
    covered: set[int] = set()
    for change in changes:
        covered.update(range(change.line, change.line + change.old.count("\n") + 1))
    old_lines, new_lines = _lines(old), _lines(new)
    # The lines both texts start and end with are unchanged: only the middle needs the (quadratic) matcher.
    head = 0
    while head < min(len(old_lines), len(new_lines)) and old_lines[head] == new_lines[head]:
        head += 1
    tail = 0
    while tail < min(len(old_lines), len(new_lines)) - head and old_lines[-1 - tail] == new_lines[-1 - tail]:
        tail += 1
    matcher = difflib.SequenceMatcher(
        None, old_lines[head:len(old_lines) - tail], new_lines[head:len(new_lines) - tail], autojunk=False)
    for tag, first, last, _, _ in matcher.get_opcodes():
        if tag in ("replace", "delete"):
            for number in range(head + first + 1, head + last + 1):
                if number not in covered:
                    return number
    return None


def unified_diff(old: str, new: str, path: str) -> str:
    """Return a git-style unified diff (``--- a/<path>``, ``+++ b/<path>``) from ``old`` to ``new``.

    Lines keep their own line endings (a CRLF file gives CRLF lines); a last line without a newline is
    followed by ``\\ No newline at end of file``. ``path`` goes through :func:`printable`. Returns ``""``
    when the texts are equal.
    """
    name = printable(PurePath(path).as_posix().lstrip("/"))
    out: list[str] = []
    for line in difflib.unified_diff(_lines(old), _lines(new), f"a/{name}", f"b/{name}"):
        out.append(line)
        if not line.endswith(("\n", "\r")):
            out.append("\n\\ No newline at end of file\n")
    return "".join(out)


def read_or_fail(path: str) -> SourceText | FileOutcome:
    """Read and decode ``path`` (see ``_files.read_source``), or return the ``failed`` outcome saying why."""
    try:
        return read_source(path)
    except OSError as exc:
        return FileOutcome(path, "failed", reason=f"cannot read: {exc.strerror or exc}")
    except SourceDecodeError as exc:
        return FileOutcome(path, "failed", reason=f"cannot decode: {exc.reason}", line=exc.line)


def write_or_fail(path: str, text: str, source: SourceText, mode: Mode) -> FileOutcome | None:
    """Encode ``text`` like ``source`` and, in ``write`` mode, write it atomically over ``path``.

    Returns ``None`` on success (or when nothing is to be written), else the ``failed`` outcome: the new text
    cannot be encoded, the file is read-only, it changed on disk since it was read, or the write failed.
    """
    try:
        data = encode_source(text, source.encoding)
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
    return None

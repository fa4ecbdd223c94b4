"""Migrating one file, whatever its kind: the per-file step ``plx-migrate``'s worker processes run, and the walk.

* :func:`iter_files` walks the given paths lazily, in a fixed order (:mod:`plx_migrate._walk`: skipping VCS,
  virtualenv and build folders, what ``.gitignore`` files ignore and ``--exclude`` matches, never following a
  symbolic link found inside a folder) and yields the files some handler knows;
* :func:`migrate_file` is the pure per-file step, ``(path, stage, mode) -> FileOutcome``, that the worker processes
  run (:mod:`plx_migrate._cli_pool`, results back in walk order, a crashing worker costs only its file): it
  dispatches on :data:`HANDLERS` (Python files here, :func:`migrate_python_file`; the other kinds in
  :mod:`plx_migrate.filekinds`) and turns every problem into a ``failed`` outcome, so one bad file never stops a run.
"""
from __future__ import annotations

import fnmatch
import functools
import os
import re
import warnings
from collections.abc import Iterator, Sequence

from pathspec import GitIgnoreSpec

from plx_migrate._api import run_stage
from plx_migrate._outcome import FileOutcome, Handler, Mode, read_or_fail, stray_line, unified_diff, write_or_fail
from plx_migrate._walk import WalkIssue, walk
from plx_migrate.filekinds import handlers as file_kind_handlers

__all__ = [
    "CRASH_REASON", "HANDLERS", "crashed", "display_path", "handler_for", "internal_error", "iter_files",
    "migrate_file", "migrate_python_file",
]

_ERROR_LOCATION = re.compile(r"(\d+)(?::(\d+))?: (.*)", re.DOTALL)


def display_path(path: str) -> str:
    """Return ``path`` relative to the working directory when it is under it, else absolute."""
    absolute = os.path.abspath(path)
    try:
        relative = os.path.relpath(absolute)
    except ValueError:  # another drive on Windows
        return absolute
    if relative == os.pardir or relative.startswith(os.pardir + os.sep):
        return absolute
    return relative


def iter_files(paths: Sequence[str], *, exclude: GitIgnoreSpec | None = None) -> Iterator[str | FileOutcome]:
    """Yield what to migrate under ``paths`` (files and folders), lazily, in a deterministic order.

    Yields a display path (see :func:`display_path`) for each file to give to :func:`migrate_file`, or a
    ready :class:`FileOutcome` for an entry decided without reading it (a symbolic link found inside a
    folder, a path that is not a regular file, a folder that cannot be listed). ``exclude`` holds the
    ``--exclude`` patterns. What is walked, skipped and ignored is described in
    :mod:`plx_migrate._walk`; paths are expected to exist (the CLI checks), a missing one is
    yielded and fails on read.
    """
    folders: dict[str, str] = {}  # folder -> its display path: computed once per folder, not once per file

    def display(path: str) -> str:
        folder, name = os.path.split(path)
        if not name or not folder:
            return display_path(path)
        if folder not in folders:
            if len(folders) > 1024:
                folders.clear()
            folders[folder] = display_path(folder)
        shown = folders[folder]
        return name if shown == os.curdir else os.path.join(shown, name)

    for item in walk(paths, wanted=lambda name: handler_for(name) is not None, exclude=exclude):
        if isinstance(item, WalkIssue):
            yield FileOutcome(display(item.path), item.status, reason=item.reason)
        else:
            yield display(item)


def _split_error(error: str) -> tuple[int | None, int | None, str]:
    """Split the codemods' ``"<line>[:<column>]: <reason>"`` parse error into ``(line, column, reason)``.

    Line and column are 1-based; ``None`` when the text does not give them.
    """
    match = _ERROR_LOCATION.match(error)
    if match is None:
        return None, None, error
    line, column, reason = match.groups()
    return int(line), None if column is None else int(column), reason


def _compile_error(code: str, path: str) -> tuple[int | None, int | None, str] | None:
    """Return ``(line, column, message)`` (1-based) when ``code`` does not compile, ``None`` when it does."""
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # SyntaxWarning and friends are the user's business, not ours
            compile(code, path, "exec", dont_inherit=True)
    except SyntaxError as exc:
        return exc.lineno, exc.offset, exc.msg
    except ValueError as exc:  # null bytes on older Pythons
        return None, None, str(exc)
    return None


def migrate_python_file(path: str, stage: str, mode: Mode) -> FileOutcome:
    """Migrate one Python file: read and decode, run the stage, check the result, then act.

    ``path`` is a file path, ``stage`` a key of ``STAGES``, ``mode`` one of ``write``/``diff``/``check``.
    The file is written (atomically, same encoding, BOM, newlines, mode) only in ``write`` mode, only when
    the codemods report a real edit (``StageResult.changed``), only when no line outside the rewritten
    statements changes (see :func:`stray_line`), the new code compiles and encodes, the file has write
    permission and did not change on disk meanwhile. Every expected problem is returned as a ``failed``
    outcome with the file left byte-identical; nothing is raised for bad input.
    """
    source = read_or_fail(path)
    if isinstance(source, FileOutcome):
        return source

    result = run_stage(source.text, stage, path=path)
    if result.error is not None:
        line, column, reason = _split_error(result.error)
        return FileOutcome(path, "failed", reason=f"cannot parse: {reason}", line=line, column=column)
    manual = tuple(result.manual)
    if not result.changed or result.code == source.text:
        return FileOutcome(path, "unchanged", manual=manual)

    stray = stray_line(source.text, result.code, result.changes)
    if stray is not None:
        reason = (
            "not rewritten, libcst would also change this line, which no codemod rewrote "
            "(it cannot reproduce it exactly, e.g. `except X :`; reformat the line and run again)"
        )
        return FileOutcome(path, "failed", reason=reason, line=stray, manual=manual)
    problem = _compile_error(result.code, path)
    if problem is not None:
        original = _compile_error(source.text, path)
        if original is not None:  # libcst accepted what Python refuses (e.g. a NUL byte): not Python at all
            line, column, message = original
            reason = f"cannot parse: {message}"
        else:
            line, column, message = problem
            reason = f"not rewritten, the new code does not compile: {message}"
        return FileOutcome(path, "failed", reason=reason, line=line, column=column if line is not None else None)
    failed = write_or_fail(path, result.code, source, mode)
    if failed is not None:
        return failed
    diff = unified_diff(source.text, result.code, path) if mode == "diff" else ""
    return FileOutcome(path, "changed", changes=tuple(result.changes), manual=manual, diff=diff)


#: File kind -> handler, keyed by a glob on the file name. The walker and :func:`migrate_file` both use it,
#: so adding a kind (notebooks, requirements files, ...) is one entry here.
HANDLERS: dict[str, Handler] = {
    **file_kind_handlers(),  # notebooks, dependency and build files (plx_migrate.filekinds); setup.py first
    "*.py": migrate_python_file,
}


@functools.lru_cache(maxsize=8)
def _handler_pattern(patterns: tuple[str, ...]) -> re.Pattern[str]:
    """One regular expression for the globs ``patterns``; group ``h<i>`` matches for the first matching glob."""
    return re.compile("|".join(f"(?P<h{i}>{fnmatch.translate(pattern)})" for i, pattern in enumerate(patterns)))


def handler_for(path: str) -> Handler | None:
    """Return the handler for the file name of ``path``, or ``None`` when no handler knows that kind.

    The globs of :data:`HANDLERS` are tried in order (case-sensitively); the first one that matches wins.
    """
    handlers = list(HANDLERS.values())
    match = _handler_pattern(tuple(HANDLERS)).match(os.path.basename(path))
    return None if match is None or match.lastgroup is None else handlers[int(match.lastgroup[1:])]


def migrate_file(path: str, stage: str, mode: Mode) -> FileOutcome:
    """Migrate one file with the handler for its kind and return its :class:`FileOutcome`.

    ``path`` is a display path (see :func:`iter_files`), ``stage`` a key of ``STAGES``, ``mode`` one of
    ``write``/``diff``/``check``. Never raises for a bad file: an unknown kind is ``skipped``, and an
    unexpected exception inside a handler (a codemod bug) becomes a ``failed`` outcome naming it.
    """
    handler = handler_for(path)
    if handler is None:
        return FileOutcome(path, "skipped", reason="no migration for this kind of file")
    try:
        return handler(path, stage, mode)
    except RecursionError:  # libcst walks its trees recursively (e.g. a string of thousands of `+`)
        return FileOutcome(path, "failed", reason="cannot migrate: the code is nested too deeply for libcst")
    except Exception as exc:  # one bad file never stops the run
        return internal_error(path, exc)


def internal_error(path: str, exc: BaseException) -> FileOutcome:
    """Return the ``failed`` outcome of ``path`` for an unexpected exception ``exc`` (a bug, ours or libcst's)."""
    detail = f"{type(exc).__name__}: {exc}" if str(exc) else type(exc).__name__
    return FileOutcome(path, "failed", reason=f"internal error: {detail}")


#: Why a file failed when the worker process migrating it died, twice (see :mod:`._cli_pool`).
CRASH_REASON = (
    "the worker process crashed while migrating this file, twice (e.g. code nested too deeply for "
    "libcst's native parser); left as it is"
)


def crashed(path: str) -> FileOutcome:
    """Return the ``failed`` outcome of ``path`` when its worker process died while migrating it."""
    return FileOutcome(path, "failed", reason=CRASH_REASON)

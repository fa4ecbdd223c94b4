"""``plx-migrate``: run a migration stage of the codemods over files and folders.

The only module that joins the runtime package and the codemods (it is imported by the console script,
never by the runtime). Layers, from the bottom:

* :func:`iter_files` walks the given paths (sorted, skipping VCS, virtualenv and build folders, never
  following symbolic links found inside a folder) and yields the files some handler knows;
* :func:`migrate_file` is the pure per-file step, ``(path, stage, mode) -> FileOutcome``, that a process
  pool can call: it dispatches on :data:`HANDLERS` (one handler per file kind; only Python for now) and
  turns every problem into a ``failed`` outcome, so one bad file never stops a run;
* :func:`outcome_messages`, :func:`summary_line`, :func:`exit_code` and :func:`build_report` turn outcomes
  into output;
* :func:`main`, the click command, only parses options and prints.

Exit codes: 0 nothing to do or done; 1 with ``--check`` when something would change, or when sites need
manual attention; 2 on a usage error or when any file failed (could not be read, decoded, parsed or
written, or its rewritten code would not compile).
"""
from __future__ import annotations

import dataclasses
import difflib
import fnmatch
import io
import json
import os
import re
import warnings
from collections import Counter
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from importlib.metadata import PackageNotFoundError, version
from pathlib import PurePath
from typing import Any, Callable, Literal

import click

from codemods._api import STAGES, Change, ManualSite, run_stage
from polyaxon_helper_compat._files import (
    SourceDecodeError,
    SourceEncodeError,
    encode_source,
    read_source,
    write_atomic,
)

__all__ = [
    "HANDLERS",
    "FileOutcome",
    "build_report",
    "display_path",
    "exit_code",
    "handler_for",
    "iter_files",
    "main",
    "migrate_file",
    "migrate_python_file",
    "outcome_messages",
    "summary_line",
    "unified_diff",
]

DISTRIBUTION = "polyaxon-helper-compat"

#: ``write`` rewrites files in place, ``diff`` computes a unified diff, ``check`` only reports.
Mode = Literal["write", "diff", "check"]
#: ``skipped`` is a file left alone on purpose (not an error); ``failed`` is an error (exit code 2).
Status = Literal["changed", "unchanged", "skipped", "failed"]

#: Folder names never entered while walking (a folder given on the command line is always entered).
SKIP_DIRS = frozenset(
    {".git", ".hg", ".svn", ".venv", "venv", "node_modules", "build", "dist", "__pycache__", ".tox", ".nox", ".eggs"}
)
SKIP_DIR_GLOBS = ("*.egg-info",)

_ERROR_LOCATION = re.compile(r"(\d+)(?::(\d+))?: (.*)", re.DOTALL)


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


# --------------------------------------------------------------------------------------------- walking


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


def _is_skipped_dir(entry: os.DirEntry[str]) -> bool:
    return (
        entry.name in SKIP_DIRS
        or any(fnmatch.fnmatchcase(entry.name, pattern) for pattern in SKIP_DIR_GLOBS)
        or os.path.isfile(os.path.join(entry.path, "pyvenv.cfg"))
    )


def _walk(root: str) -> Iterator[str | FileOutcome]:
    """Yield the handled files under the folder ``root``: each folder's files by name, then its subfolders.

    Symbolic links inside the tree are never followed (so no loops and nothing outside ``root``); a
    symlinked file of a handled kind is reported as skipped. A folder that cannot be listed is a failure.
    """
    stack = [root]
    while stack:
        directory = stack.pop()
        try:
            with os.scandir(directory) as scan:
                entries = sorted(scan, key=lambda entry: entry.name)
        except OSError as exc:
            yield FileOutcome(display_path(directory), "failed", reason=f"cannot read folder: {exc.strerror or exc}")
            continue
        subdirs: list[str] = []
        for entry in entries:
            if entry.is_symlink():
                if handler_for(entry.name) is not None:
                    yield FileOutcome(display_path(entry.path), "skipped", reason="symbolic link, not followed")
            elif entry.is_dir(follow_symlinks=False):
                if not _is_skipped_dir(entry):
                    subdirs.append(entry.path)
            elif entry.is_file(follow_symlinks=False) and handler_for(entry.name) is not None:
                yield entry.path
        stack.extend(reversed(subdirs))


def iter_files(paths: Iterable[str]) -> Iterator[str | FileOutcome]:
    """Yield what to migrate under ``paths`` (files and folders), in a deterministic order.

    Yields a display path (see :func:`display_path`) for each file to give to :func:`migrate_file`, or a
    ready :class:`FileOutcome` for an entry decided without reading it (a symlinked file inside a folder,
    an explicit path that is not a regular file, a folder that cannot be listed). A path named explicitly
    is used whatever its name; a file reached twice (e.g. given alone and inside a given folder) is
    yielded once. Paths are expected to exist (the CLI checks); a missing one is yielded and fails on read.
    """
    seen: set[str] = set()
    for path in paths:
        items: Iterable[str | FileOutcome]
        if os.path.isdir(path):
            items = _walk(path)
        elif os.path.exists(path) and not os.path.isfile(path):
            items = [FileOutcome(display_path(path), "skipped", reason="not a regular file")]
        else:
            items = [path]
        for item in items:
            if isinstance(item, str):
                real = os.path.realpath(item)
                if real in seen:
                    continue
                seen.add(real)
                item = display_path(item)
            yield item


# ------------------------------------------------------------------------------------------ migrating


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


def unified_diff(old: str, new: str, path: str) -> str:
    """Return a git-style unified diff (``--- a/<path>``, ``+++ b/<path>``) from ``old`` to ``new``.

    Lines keep their own line endings (a CRLF file gives CRLF lines); a last line without a newline is
    followed by ``\\ No newline at end of file``. Returns ``""`` when the texts are equal.
    """
    name = PurePath(path).as_posix().lstrip("/")
    old_lines = io.StringIO(old, newline="").readlines()
    new_lines = io.StringIO(new, newline="").readlines()
    out: list[str] = []
    for line in difflib.unified_diff(old_lines, new_lines, f"a/{name}", f"b/{name}"):
        out.append(line)
        if not line.endswith(("\n", "\r")):
            out.append("\n\\ No newline at end of file\n")
    return "".join(out)


def migrate_python_file(path: str, stage: str, mode: Mode) -> FileOutcome:
    """Migrate one Python file: read and decode, run the stage, check the result compiles, then act.

    ``path`` is a file path, ``stage`` a key of ``STAGES``, ``mode`` one of ``write``/``diff``/``check``.
    The file is written (atomically, same encoding, BOM and newlines) only in ``write`` mode, only when the
    codemods changed it, and only when the new code compiles and encodes. Every expected problem is
    returned as a ``failed`` outcome with the file left byte-identical; nothing is raised for bad input.
    """
    try:
        source = read_source(path)
    except OSError as exc:
        return FileOutcome(path, "failed", reason=f"cannot read: {exc.strerror or exc}")
    except SourceDecodeError as exc:
        return FileOutcome(path, "failed", reason=f"cannot decode: {exc.reason}", line=exc.line)

    result = run_stage(source.text, stage, path=path)
    if result.error is not None:
        line, column, reason = _split_error(result.error)
        return FileOutcome(path, "failed", reason=f"cannot parse: {reason}", line=line, column=column)
    manual = tuple(result.manual)
    if not result.changed or result.code == source.text:
        return FileOutcome(path, "unchanged", manual=manual)

    problem = _compile_error(result.code, path)
    if problem is not None:
        line, column, message = problem
        reason = f"not rewritten, the new code does not compile: {message}"
        return FileOutcome(path, "failed", reason=reason, line=line, column=column if line is not None else None)
    try:
        data = encode_source(result.code, source.encoding)
    except SourceEncodeError as exc:
        return FileOutcome(path, "failed", reason=f"not rewritten, cannot encode the new code: {exc.reason}", line=exc.line)
    if mode == "write":
        try:
            write_atomic(path, data)
        except OSError as exc:
            return FileOutcome(path, "failed", reason=f"cannot write: {exc.strerror or exc}")
    diff = unified_diff(source.text, result.code, path) if mode == "diff" else ""
    return FileOutcome(path, "changed", changes=tuple(result.changes), manual=manual, diff=diff)


#: File kind -> handler, keyed by a glob on the file name. The walker and :func:`migrate_file` both use it,
#: so adding a kind (notebooks, requirements files, ...) is one entry here.
HANDLERS: dict[str, Handler] = {
    "*.py": migrate_python_file,
}


def handler_for(path: str) -> Handler | None:
    """Return the handler for the file name of ``path``, or ``None`` when no handler knows that kind."""
    name = os.path.basename(path)
    for pattern, handler in HANDLERS.items():
        if fnmatch.fnmatchcase(name, pattern):
            return handler
    return None


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
    except Exception as exc:  # one bad file never stops the run
        detail = f"{type(exc).__name__}: {exc}" if str(exc) else type(exc).__name__
        return FileOutcome(path, "failed", reason=f"internal error: {detail}")


# ---------------------------------------------------------------------------------------------- output


def _one_line(code: str) -> str:
    lines = code.strip().splitlines() or [""]
    return lines[0] + (" ..." if len(lines) > 1 else "")


def outcome_messages(outcome: FileOutcome, mode: Mode, verbosity: int) -> list[str]:
    """Return the stderr lines for one outcome.

    ``verbosity`` is -1 (``-q``), 0 or 1 (``-v``). Failures (``<path>[:<line>[:<col>]]: <reason>``) and
    manual-attention sites (``<path>:<line>:<col>: <reason>: <code>``, 1-based column) are always shown;
    ``rewrote <path>``/``would rewrite <path>`` from verbosity 0; unchanged and skipped files only with 1.
    """
    messages: list[str] = []
    if outcome.status == "failed":
        where = ":".join(str(part) for part in (outcome.path, outcome.line, outcome.column) if part is not None)
        messages.append(f"{where}: {outcome.reason}")
    elif outcome.status == "changed" and verbosity >= 0:
        messages.append(f"rewrote {outcome.path}" if mode == "write" else f"would rewrite {outcome.path}")
    elif outcome.status == "unchanged" and verbosity > 0:
        messages.append(f"{outcome.path}: unchanged")
    elif outcome.status == "skipped" and verbosity > 0:
        messages.append(f"{outcome.path}: skipped: {outcome.reason}")
    for site in outcome.manual:
        messages.append(f"{outcome.path}:{site.line}:{site.column + 1}: {site.reason}: {_one_line(site.code)}")
    return messages


def _counts(outcomes: Sequence[FileOutcome]) -> dict[str, int]:
    by_status = Counter(outcome.status for outcome in outcomes)
    return {
        "scanned": len(outcomes),
        "changed": by_status["changed"],
        "unchanged": by_status["unchanged"],
        "skipped": by_status["skipped"],
        "failed": by_status["failed"],
        "manual": sum(len(outcome.manual) for outcome in outcomes),
    }


def summary_line(outcomes: Sequence[FileOutcome], mode: Mode) -> str:
    """Return ``N files scanned, N changed, N unchanged, N skipped, N failed, N manual sites``.

    Outside ``write`` mode "changed" reads "would change".
    """
    counts = _counts(outcomes)
    changed = "changed" if mode == "write" else "would change"
    return (
        f"{counts['scanned']} files scanned, {counts['changed']} {changed}, {counts['unchanged']} unchanged, "
        f"{counts['skipped']} skipped, {counts['failed']} failed, {counts['manual']} manual sites"
    )


def exit_code(outcomes: Sequence[FileOutcome], *, check: bool) -> int:
    """Return 2 when a file failed; else 1 when ``check`` and a file would change, or a manual site remains; else 0."""
    if any(outcome.status == "failed" for outcome in outcomes):
        return 2
    if any(outcome.manual for outcome in outcomes):
        return 1
    if check and any(outcome.status == "changed" for outcome in outcomes):
        return 1
    return 0


def _tool_version() -> str:
    try:
        return version(DISTRIBUTION)
    except PackageNotFoundError:
        return "unknown"


def build_report(outcomes: Sequence[FileOutcome], *, options: dict[str, Any], code: int) -> dict[str, Any]:
    """Return the ``--report`` document (JSON-ready dict).

    Shape: ``{"tool", "version", "options", "exit_code", "summary": {scanned, changed, unchanged, skipped,
    failed, manual}, "files": [{"path", "outcome", "reason", "line", "column", "changes": [{line, old, new, codemod}],
    "manual": [{line, column, code, reason, codemod}]}]}``; ``outcome`` is changed/unchanged/skipped/failed
    ("changed" means "would change" unless ``options["mode"] == "write"``); ``column`` is 1-based, as on stderr.
    """
    files = [
        {
            "path": outcome.path,
            "outcome": outcome.status,
            "reason": outcome.reason,
            "line": outcome.line,
            "column": outcome.column,
            "changes": [dataclasses.asdict(change) for change in outcome.changes],
            "manual": [dict(dataclasses.asdict(site), column=site.column + 1) for site in outcome.manual],
        }
        for outcome in outcomes
    ]
    return {
        "tool": "plx-migrate",
        "version": _tool_version(),
        "options": options,
        "exit_code": code,
        "summary": _counts(outcomes),
        "files": files,
    }


# ------------------------------------------------------------------------------------------------- CLI


@click.command(context_settings={"help_option_names": ["-h", "--help"]})
@click.argument("paths", metavar="PATH...", nargs=-1, required=True, type=click.Path(exists=True, path_type=str))
@click.option(
    "--to",
    "stage",
    type=click.Choice(sorted(STAGES)),
    default="experiment",
    show_default=True,
    help="Migration stage to apply.",
)
@click.option("--diff", is_flag=True, help="Print a unified diff on stdout and write nothing.")
@click.option("--check", is_flag=True, help="Write nothing; exit 1 when a file would change.")
@click.option(
    "--report",
    "report_path",
    type=click.Path(dir_okay=False, path_type=str),
    help="Write every outcome, change and manual-attention site as JSON to this file.",
)
@click.option("-q", "--quiet", is_flag=True, help="Print only errors and manual-attention sites.")
@click.option("-v", "--verbose", is_flag=True, help="Print every file's outcome.")
@click.version_option(package_name=DISTRIBUTION, prog_name="plx-migrate")
@click.pass_context
def main(
    ctx: click.Context,
    paths: tuple[str, ...],
    stage: str,
    diff: bool,
    check: bool,
    report_path: str | None,
    quiet: bool,
    verbose: bool,
) -> None:
    """Migrate polyaxon_helper / Polyaxon v0 code under PATH... (files and folders)."""
    if quiet and verbose:
        raise click.UsageError("-q/--quiet and -v/--verbose cannot be used together.")
    verbosity = -1 if quiet else 1 if verbose else 0
    mode: Mode = "diff" if diff else "check" if check else "write"

    outcomes: list[FileOutcome] = []
    for item in iter_files(paths):
        outcome = item if isinstance(item, FileOutcome) else migrate_file(item, stage, mode)
        outcomes.append(outcome)
        if outcome.diff:
            click.echo(outcome.diff, nl=False, color=True)  # color=True: print the source's bytes as they are
        for message in outcome_messages(outcome, mode, verbosity):
            click.echo(message, err=True)

    code = exit_code(outcomes, check=check)
    if report_path is not None:
        options = {"to": stage, "mode": mode, "check": check, "paths": list(paths)}
        report = build_report(outcomes, options=options, code=code)
        try:
            with open(report_path, "w", encoding="utf-8") as f:
                json.dump(report, f, indent=2, ensure_ascii=False)
                f.write("\n")
        except OSError as exc:
            click.echo(f"{report_path}: cannot write the report: {exc.strerror or exc}", err=True)
            code = 2
    if verbosity >= 0:
        click.echo(summary_line(outcomes, mode), err=True)
    ctx.exit(code)

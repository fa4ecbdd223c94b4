"""``plx-migrate``: run a migration stage of the codemods over files and folders.

The toolkit's command line (imported by the console script and by ``python -m plx_migrate``, never by the
runtime). Layers, from the bottom:

* :func:`iter_files` walks the given paths lazily, in a fixed order (:mod:`._walk`: skipping VCS, virtualenv
  and build folders, what ``.gitignore`` files ignore and ``--exclude`` matches, never following a symbolic
  link found inside a folder) and yields the files some handler knows;
* :func:`migrate_file` is the pure per-file step, ``(path, stage, mode) -> FileOutcome``, that the worker
  processes run (:mod:`._cli_pool`, results back in walk order, a crashing worker costs only its file): it
  dispatches on :data:`HANDLERS` (one handler per file kind; only Python for now) and turns every problem
  into a ``failed`` outcome, so one bad file never stops a run;
* :func:`outcome_messages`, :func:`summary_line`, :func:`exit_code` and :func:`build_report` turn outcomes
  into output;
* :func:`main`, the click command, only parses options and prints.

Exit codes: 0 nothing to do or done; 1 with ``--check`` when something would change, or when sites need
manual attention; 2 on a usage error or when any file failed (could not be read, decoded, parsed or
written, or its rewritten code would not compile).
"""
from __future__ import annotations

import contextlib
import dataclasses
import fnmatch
import functools
import json
import os
import re
import sys
import warnings
from collections import Counter
from collections.abc import Iterator, Sequence
from concurrent.futures import Executor
from importlib.metadata import PackageNotFoundError, version
from typing import IO, Any

import click
from pathspec import GitIgnoreSpec

from plx_migrate._api import STAGES, run_stage
from plx_migrate._cli_pool import map_in_order, process_executor, stop_fork_server
from plx_migrate._outcome import (
    FileOutcome,
    Handler,
    Mode,
    printable,
    read_or_fail,
    stray_line,
    unified_diff,
    write_or_fail,
)
from plx_migrate._registry import codemod_modules
from plx_migrate._walk import WalkIssue, compile_patterns, walk
from plx_migrate.filekinds import handlers as file_kind_handlers

__all__ = [
    "CRASH_REASON",
    "HANDLERS",
    "FileOutcome",
    "build_report",
    "crashed",
    "display_path",
    "exit_code",
    "handler_for",
    "internal_error",
    "iter_files",
    "main",
    "migrate_file",
    "migrate_python_file",
    "outcome_messages",
    "printable",
    "stray_line",
    "summary_line",
    "unified_diff",
    "write_report",
]

DISTRIBUTION = "polyaxon-helper-compat"

_ERROR_LOCATION = re.compile(r"(\d+)(?::(\d+))?: (.*)", re.DOTALL)


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


# ---------------------------------------------------------------------------------------------- output


def _one_line(code: str) -> str:
    lines = code.strip().splitlines() or [""]
    return lines[0] + (" ..." if len(lines) > 1 else "")


def outcome_messages(outcome: FileOutcome, mode: Mode, verbosity: int) -> list[str]:
    """Return the stderr lines for one outcome.

    ``verbosity`` is -1 (``-q``), 0 or 1 (``-v``). Failures (``<path>[:<line>[:<col>]]: <reason>``) and
    manual-attention sites (``<path>:<line>:<col>: <reason>: <code>``, 1-based column) are always shown;
    ``rewrote <path>``/``would rewrite <path>`` from verbosity 0; unchanged and skipped files only with 1.
    Paths go through :func:`printable`.
    """
    path = printable(outcome.path)
    messages: list[str] = []
    if outcome.status == "failed":
        where = ":".join(str(part) for part in (path, outcome.line, outcome.column) if part is not None)
        messages.append(f"{where}: {outcome.reason}")
    elif outcome.status == "changed" and verbosity >= 0:
        messages.append(f"rewrote {path}" if mode == "write" else f"would rewrite {path}")
    elif outcome.status == "unchanged" and verbosity > 0:
        messages.append(f"{path}: unchanged")
    elif outcome.status == "skipped" and verbosity > 0:
        messages.append(f"{path}: skipped: {outcome.reason}")
    for site in outcome.manual:
        messages.append(f"{path}:{site.line}:{site.column + 1}: {site.reason}: {_one_line(site.code)}")
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


def exit_code(outcomes: Sequence[FileOutcome], *, check: bool, exit_zero_even_if_changed: bool = False) -> int:
    """Return the exit code for ``outcomes``.

    2 when a file failed; else 1 when a manual-attention site remains, or when ``check`` and a file would
    change (unless ``exit_zero_even_if_changed``); else 0. Rewriting files in place is success (0): a
    pre-commit hook that modifies files fails anyway.
    """
    if any(outcome.status == "failed" for outcome in outcomes):
        return 2
    if any(outcome.manual for outcome in outcomes):
        return 1
    if check and not exit_zero_even_if_changed and any(outcome.status == "changed" for outcome in outcomes):
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
    ("changed" means "would change" unless ``options["mode"] == "write"``); ``column`` is 1-based, as on stderr;
    paths go through :func:`printable`. The document depends only on the input and ``options``, so the same
    run gives the same bytes whatever ``--jobs``.
    """
    files = [
        {
            "path": printable(outcome.path),
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


def write_report(path: str, report: dict[str, Any]) -> None:
    """Write ``report`` as indented UTF-8 JSON to ``path``; raises :class:`OSError` when it cannot be written."""
    with open(path, "w", encoding="utf-8", errors="backslashreplace") as f:
        json.dump(report, f, indent=2, ensure_ascii=False)
        f.write("\n")


# ------------------------------------------------------------------------------------------------- CLI


#: Files read ahead per worker (``map_in_order``'s ``window``). Results come back in walk order, so a slow file
#: (one that uses the old APIs costs about 100 times one that is only read) holds back the others' results; with
#: 64 per worker the other workers ran out of read-ahead files and waited: 18-20 s against 11.6-12.3 s with 1024 on
#: benchmarks/migrate_bench.py's sparse tree (10,000 files, 1% to migrate, -j 2). At most that many outcomes (and,
#: with --diff, their diffs) wait in memory per worker.
READ_AHEAD = 1024


def _new_executor() -> Executor:
    """The executor of one worker lane (:func:`._cli_pool.process_executor`; tests run files in-process). Its fork
    server preloads what every worker needs: the per-file step and the codemods (libcst with them)."""
    return process_executor(preload=[__name__, *codemod_modules()])


def _rewritten(outcome: FileOutcome) -> bool:
    """Whether migrating the file had a lasting effect (it was written): see ``ends_batch`` in ``_cli_pool``."""
    return outcome.status == "changed"


def _nothing_written(outcome: FileOutcome) -> bool:
    """``--diff``/``--check`` never write: any outcome may be computed again."""
    return False


def _wants_progress(stream: IO[str], verbosity: int) -> bool:
    """Whether to draw a progress bar on ``stream`` (stderr): only on a terminal, and not with ``-q``."""
    return verbosity >= 0 and stream.isatty()


def _list_codemods(ctx: click.Context, param: click.Parameter, value: bool) -> None:
    """``--list-codemods``: print ``<id>  <DESCRIPTION>`` for each registered codemod, sorted, and exit 0."""
    if not value or ctx.resilient_parsing:
        return
    from plx_migrate import get_registry

    registry = get_registry()
    width = max((len(codemod_id) for codemod_id in registry), default=0)
    for codemod_id, command in sorted(registry.items()):
        click.echo(f"{codemod_id:<{width}}  {getattr(command, 'DESCRIPTION', '')}".rstrip())
    ctx.exit(0)


def _check_patterns(ctx: click.Context, param: click.Parameter, value: tuple[str, ...]) -> tuple[str, ...]:
    """Reject an ``--exclude`` pattern that is not valid gitignore syntax (a usage error, exit 2)."""
    for pattern in value:
        try:
            GitIgnoreSpec.from_lines([pattern])
        except ValueError as exc:
            raise click.BadParameter(f"{pattern!r} is not a valid gitignore pattern ({exc})") from exc
    return value


_CLEAR_LINE = "\r\x1b[K"


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
    "--exit-zero-even-if-changed",
    is_flag=True,
    help="With --check, exit 0 even when files would change (failures and manual sites still count).",
)
@click.option(
    "--exclude",
    "excludes",
    metavar="PATTERN",
    multiple=True,
    callback=_check_patterns,
    help="Skip what this gitignore-style pattern matches, relative to each folder given (repeatable). "
    "Files given by name are always migrated.",
)
@click.option(
    "--report",
    "report_path",
    type=click.Path(dir_okay=False, path_type=str),
    help="Write every outcome, change and manual-attention site as JSON to this file.",
)
@click.option(
    "-j",
    "--jobs",
    type=click.IntRange(min=1),
    default=None,
    help="Worker processes.  [default: the number of CPUs]",
)
@click.option("-q", "--quiet", is_flag=True, help="Print only errors and manual-attention sites.")
@click.option("-v", "--verbose", is_flag=True, help="Print every file's outcome.")
@click.option(
    "--list-codemods",
    is_flag=True,
    expose_value=False,
    is_eager=True,
    callback=_list_codemods,
    help="List the codemods (id and description) and exit.",
)
@click.version_option(package_name=DISTRIBUTION, prog_name="plx-migrate")
@click.pass_context
def main(
    ctx: click.Context,
    paths: tuple[str, ...],
    stage: str,
    diff: bool,
    check: bool,
    exit_zero_even_if_changed: bool,
    excludes: tuple[str, ...],
    report_path: str | None,
    jobs: int | None,
    quiet: bool,
    verbose: bool,
) -> None:
    """Migrate polyaxon_helper / Polyaxon v0 code under PATH... (files and folders).

    Folders are walked skipping VCS, virtualenv and build folders, what .gitignore files ignore and what
    --exclude matches; symbolic links inside them are never followed. Exit codes: 0 done or nothing to do;
    1 with --check when a file would change, or when sites need manual attention; 2 on a usage error or
    when a file could not be read, parsed or written.
    """
    if quiet and verbose:
        raise click.UsageError("-q/--quiet and -v/--verbose cannot be used together.")
    verbosity = -1 if quiet else 1 if verbose else 0
    mode: Mode = "diff" if diff else "check" if check else "write"
    exclude = compile_patterns(excludes) if excludes else None
    stderr = sys.stderr
    progress = _wants_progress(stderr, verbosity)

    results = map_in_order(
        functools.partial(migrate_file, stage=stage, mode=mode),
        iter_files(paths, exclude=exclude),
        jobs=jobs or os.cpu_count() or 1,
        window=READ_AHEAD * (jobs or os.cpu_count() or 1),
        on_crash=crashed,
        on_error=internal_error,
        ends_batch=_rewritten if mode == "write" else _nothing_written,
        executor_factory=_new_executor,
    )
    outcomes: list[FileOutcome] = []

    def show(outcome: FileOutcome) -> None:
        messages = outcome_messages(outcome, mode, verbosity)
        if progress and (messages or outcome.diff):
            click.echo(_CLEAR_LINE, err=True, nl=False)  # the bar's line, before anything else is printed
        if outcome.diff:
            click.echo(outcome.diff, nl=False, color=True)  # color=True: print the source's bytes as they are
        for message in messages:
            click.echo(message, err=True)
        # Kept for the summary and the report; without a report, the changes' texts are not needed.
        kept = dataclasses.replace(outcome, diff="", changes=outcome.changes if report_path else ())
        outcomes.append(kept if outcome.diff or (outcome.changes and not report_path) else outcome)

    with contextlib.closing(results):
        if progress:
            with click.progressbar(
                results,
                label="plx-migrate",
                file=stderr,
                show_pos=True,
                item_show_func=lambda outcome: printable(outcome.path) if outcome is not None else None,
            ) as bar:
                for outcome in bar:
                    show(outcome)
        else:
            for outcome in results:
                show(outcome)
    stop_fork_server()  # the workers have stopped: their resource usage is then reported as this process's

    code = exit_code(outcomes, check=check, exit_zero_even_if_changed=exit_zero_even_if_changed)
    if report_path is not None:
        options = {
            "to": stage,
            "codemods": list(STAGES[stage]),
            "mode": mode,
            "check": check,
            "exit_zero_even_if_changed": exit_zero_even_if_changed,
            "exclude": list(excludes),
            "paths": [printable(path) for path in paths],
        }
        try:
            write_report(report_path, build_report(outcomes, options=options, code=code))
        except OSError as exc:
            click.echo(f"{printable(report_path)}: cannot write the report: {exc.strerror or exc}", err=True)
            code = 2
    if verbosity >= 0:
        click.echo(summary_line(outcomes, mode), err=True)
    ctx.exit(code)

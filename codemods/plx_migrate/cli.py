"""``plx-migrate``: run a migration stage of the codemods over files and folders.

The toolkit's command line (the console script, ``python -m plx_migrate`` and ``python -m polyaxon_helper_compat``;
never imported by the runtime). :func:`main`, the click command, parses options, runs the per-file step
(:func:`plx_migrate._migrate.migrate_file`) over the walked files (:func:`plx_migrate._migrate.iter_files`) in worker
processes (:mod:`plx_migrate._cli_pool`, results in walk order), draws the progress bar and prints what
:mod:`plx_migrate._report` makes of the outcomes.

Exit codes: 0 nothing to do or done; 1 with ``--check`` when something would change, or when sites need
manual attention; 2 on a usage error or when any file failed (could not be read, decoded, parsed or
written, or its rewritten code would not compile).
"""
from __future__ import annotations

import contextlib
import dataclasses
import functools
import os
import sys
from concurrent.futures import Executor
from typing import IO

import click
from pathspec import GitIgnoreSpec

from plx_migrate._api import STAGES
from plx_migrate._cli_pool import map_in_order, process_executor, stop_fork_server
from plx_migrate._migrate import crashed, internal_error, iter_files, migrate_file
from plx_migrate._outcome import FileOutcome, Mode, printable
from plx_migrate._registry import codemod_modules, get_registry
from plx_migrate._report import DISTRIBUTION, build_report, exit_code, outcome_messages, summary_line, write_report
from plx_migrate._walk import compile_patterns

__all__ = ["main"]


#: Files read ahead per worker (``map_in_order``'s ``window``). Results come back in walk order, so a slow file
#: (one that uses the old APIs costs about 100 times one that is only read) holds back the others' results; with
#: 64 per worker the other workers ran out of read-ahead files and waited: 18-20 s against 11.6-12.3 s with 1024 on
#: benchmarks/migrate_bench.py's sparse tree (10,000 files, 1% to migrate, -j 2). At most that many outcomes (and,
#: with --diff, their diffs) wait in memory per worker.
READ_AHEAD = 1024


def _new_executor() -> Executor:
    """The executor of one worker lane (:func:`._cli_pool.process_executor`; tests run files in-process). Its fork
    server preloads what every worker needs: the per-file step and the codemods (libcst with them)."""
    return process_executor(preload=[migrate_file.__module__, *codemod_modules()])


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

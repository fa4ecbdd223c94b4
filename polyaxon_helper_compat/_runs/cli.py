"""``plx-runs``: list, show and compare the runs recorded locally, and push them into Polyaxon v2.

    plx-runs list [--store DIR] [--json]
    plx-runs show RUN [--store DIR] [--json]
    plx-runs compare RUN RUN... [--store DIR] [--json]
    plx-runs push (RUN... | --all) --project OWNER/NAME [--store DIR]

``RUN`` is a run id (``20261203-200708-10a759``), a unique prefix of one, or the path of a run folder. The store
is ``--store``, else ``POLYAXON_COMPAT_RUNS_DIR``, else ``./.polyaxon-compat/runs`` (where the local backend
records). Results go to stdout, messages to stderr. Exit codes, as ``plx-migrate``'s: 0 done; 1 something needs
attention (lines of a run that cannot be read, a run that failed to push or is still running, polyaxon missing,
the host unreachable or refusing the token); 2 usage error or a run whose ``run.json`` cannot be read.
"""
from __future__ import annotations

import json
import logging
import os
import sys
from typing import IO, Any, Sequence

import click

from polyaxon_helper_compat._runs import view
from polyaxon_helper_compat._runs.store import LocalRun, RunLookupError, find_runs, resolve_run, resolve_store

__all__ = ["main"]

_STORE_HELP = ("Folder of local runs (default: POLYAXON_COMPAT_RUNS_DIR, else ./.polyaxon-compat/runs); a "
               ".polyaxon-compat folder works too.")


class UnreadableRun(click.ClickException):
    """A run whose ``run.json`` cannot be read: exit code 2."""

    exit_code = 2


def _echo_json(data: Any) -> None:
    click.echo(json.dumps(data, indent=2, sort_keys=False, default=str))


def _ascii_only(stream: IO[str]) -> bool:
    encoding = getattr(stream, "encoding", None) or "ascii"
    try:
        "▁█".encode(encoding)
        return False
    except (LookupError, UnicodeEncodeError):
        return True


def _store(store: str | None) -> str:
    path = resolve_store(store)
    if store is not None and not os.path.isdir(path):
        raise click.BadParameter("%s is not a folder" % store, param_hint="'--store'")
    return path


def _report(runs: Sequence[LocalRun]) -> int:
    """Print what could not be read on stderr; return the exit code it calls for (0, 1 or 2)."""
    code = 0
    for run in runs:
        if run.unreadable:
            click.echo("%s: cannot read the run: %s" % (run.path, run.unreadable), err=True)
            code = 2
        problems = [str(p) for p in run.problems + run.metrics().problems] + [e for e in [run.read_pushed()[1]] if e]
        for problem in problems:
            click.echo(problem, err=True)
            code = max(code, 1)
    return code


def _resolve(specs: Sequence[str], store: str) -> list[LocalRun]:
    runs: list[LocalRun] = []
    for spec in specs:
        try:
            run = resolve_run(spec, store)
        except RunLookupError as exc:
            raise click.BadParameter(str(exc), param_hint="'RUN'") from exc
        if run.path not in [r.path for r in runs]:
            runs.append(run)
    return runs


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="polyaxon-helper-compat", message="%(prog)s %(version)s")
def main() -> None:
    """List, show and compare the runs scripts recorded locally (outside any Polyaxon cluster), and push them
    into a Polyaxon v2 deployment to look at them in its UI."""


@main.command("list", short_help="List the local runs, newest first.")
@click.option("--store", type=click.Path(file_okay=False), help=_STORE_HELP)
@click.option("--json", "as_json", is_flag=True, help="Print a JSON list instead of a table.")
def list_command(store: str | None, as_json: bool) -> None:
    """List the local runs, newest first: id, start, duration, status, script, metric rows and the last value
    of up to 3 metrics. STATUS 'gone': recorded as running but its process ended without a final status
    (killed or crashed); 'running?': recorded on another host."""
    folder = _store(store)
    runs = find_runs(folder)
    if as_json:
        _echo_json([view.run_summary(r) for r in runs])
    elif runs:
        for line in view.list_lines(runs):
            click.echo(line)
    else:
        click.echo("no runs in %s (scripts record runs there when they run outside any Polyaxon cluster)"
                   % folder, err=True)
    sys.exit(_report(runs))


@main.command("show", short_help="Show one run: statuses, params, metrics, artifacts.")
@click.argument("run")
@click.option("--store", type=click.Path(file_okay=False), help=_STORE_HELP)
@click.option("--json", "as_json", is_flag=True, help="Print a JSON document instead of text.")
def show_command(run: str, store: str | None, as_json: bool) -> None:
    """Show one run: name, tags, status history, params, data refs, code ref, each metric (count, first, last,
    min, max and a sparkline), the files under outputs/ and where it was pushed."""
    (found,) = _resolve([run], _store(store))
    if found.unreadable and not as_json:
        raise UnreadableRun("%s: cannot read the run: %s" % (found.path, found.unreadable))
    if as_json:
        _echo_json(view.run_document(found))
    else:
        for line in view.show_lines(found, ascii_only=_ascii_only(sys.stdout)):
            click.echo(line)
    sys.exit(_report([found]))


@main.command("compare", short_help="Compare runs: params that differ, last metrics.")
@click.argument("runs", nargs=-1, required=True)
@click.option("--store", type=click.Path(file_okay=False), help=_STORE_HELP)
@click.option("--json", "as_json", is_flag=True, help="Print a JSON document instead of a table.")
def compare_command(runs: tuple[str, ...], store: str | None, as_json: bool) -> None:
    """Compare runs side by side: status, script, rows, duration, the params that differ and the last value of
    each metric."""
    found = _resolve(runs, _store(store))
    if len(found) < 2:
        raise click.UsageError("compare needs at least two different runs")
    if as_json:
        _echo_json(view.compare_document(found))
    else:
        for line in view.compare_lines(found):
            click.echo(line)
    sys.exit(_report(found))


def _project(ctx: click.Context, param: click.Parameter, value: str | None) -> str | None:
    if value is None:
        return None
    owner, sep, name = (value if "/" in value else value.replace(".", "/", 1)).partition("/")
    if not sep or not owner or not name or "/" in name:
        raise click.BadParameter("%r is not OWNER/NAME (e.g. default/mnist)" % value)
    return "%s/%s" % (owner, name)


@main.command("push", short_help="Push runs into a Polyaxon v2 deployment.")
@click.argument("runs", nargs=-1)
@click.option("--all", "push_all", is_flag=True, help="Push every run of the store.")
@click.option("--project", callback=_project, envvar="POLYAXON_COMPAT_PROJECT", show_envvar=True,
              help="The Polyaxon v2 project, OWNER/NAME.")
@click.option("--store", type=click.Path(file_okay=False), help=_STORE_HELP)
@click.option("-v", "--verbose", is_flag=True, help="Also show polyaxon's own log messages.")
def push_command(runs: tuple[str, ...], push_all: bool, project: str | None, store: str | None,
                 verbose: bool) -> None:
    """Create one Polyaxon v2 run per local run on the deployment polyaxon's client configuration names
    (POLYAXON_HOST and POLYAXON_AUTH_TOKEN, or `polyaxon config set --host` and `polyaxon login`), with
    polyaxon's own client: name, description, tags, params as inputs, every metric row at its step with its
    original time, statuses, data refs, code ref, environment, and the files of outputs/ as artifacts. Pushing
    again creates nothing new: an unchanged run is skipped, a changed one (it was still running) is updated.
    Needs polyaxon's client: pip install 'polyaxon-helper-compat[polyaxon-v2]'."""
    if push_all == bool(runs):
        raise click.UsageError("name the runs to push, or --all (not both)")
    if project is None:
        raise click.UsageError("--project OWNER/NAME is required (or POLYAXON_COMPAT_PROJECT)")
    folder = _store(store)
    selected = find_runs(folder) if push_all else _resolve(runs, folder)
    if not selected:
        click.echo("no runs in %s: nothing to push" % folder, err=True)
        return
    unreadable = [r for r in selected if r.unreadable]
    code = _report(unreadable)
    selected = [r for r in selected if not r.unreadable]
    from polyaxon_helper_compat._runs.push import PushError, Pusher, load_polyaxon

    if not verbose:
        for name in ("polyaxon", "traceml", "clipped"):
            logging.getLogger(name).setLevel(logging.CRITICAL)
    try:
        load_polyaxon()
        pusher = Pusher(project)
        click.echo("pushing %d run%s to %s, project %s" % (len(selected), "" if len(selected) == 1 else "s",
                                                          pusher.host, project), err=True)
        pusher.check()
    except PushError as exc:
        raise click.ClickException(str(exc)) from exc
    plans = [pusher.plan(r) for r in selected]
    stderr = sys.stderr
    outcomes = []
    if stderr.isatty():
        with click.progressbar(length=sum(p.units for p in plans), label="plx-runs push", file=stderr,
                               show_pos=True) as bar:
            for plan in plans:
                outcomes.append(pusher.push(plan, advance=lambda step: bar.update(1)))
    else:
        outcomes = [pusher.push(plan) for plan in plans]
    counts = {"created": 0, "updated": 0, "unchanged": 0, "failed": 0}
    ui = "%s/ui/%s/runs" % (pusher.host, project)
    for outcome in outcomes:
        counts[outcome.action] = counts.get(outcome.action, 0) + 1
        run = outcome.run
        if outcome.error:
            click.echo("%s: push failed: %s" % (run.id, outcome.error), err=True)
            code = max(code, 1)
        else:
            detail = "" if outcome.action == "unchanged" else "  (%d metric rows, %d events, %d file%s)" % (
                outcome.rows, outcome.events, outcome.files, "" if outcome.files == 1 else "s")
            click.echo("%s  %s  %s/%s%s" % (run.id, outcome.action, ui, outcome.uuid, detail))
        for note in outcome.notes:
            click.echo("%s: note: %s" % (run.id, note), err=True)
        for item in outcome.attention:
            click.echo("%s: needs attention: %s" % (run.id, item), err=True)
            code = max(code, 1)
        for problem in run.problems + run.metrics().problems:
            click.echo("%s (not pushed)" % problem, err=True)
            code = max(code, 1)
    click.echo("%s %s: %s" % (pusher.host, project, ", ".join("%d %s" % (n, k) for k, n in counts.items())),
               err=True)
    sys.exit(code)


if __name__ == "__main__":  # pragma: no cover
    main()

"""Read the local run store (the folders :class:`~polyaxon_helper_compat.backends.local.LocalBackend` writes).

A run folder ``<store>/<run id>/`` holds ``run.json``, ``params.json``, ``metrics.jsonl`` (one
``{"created_at", "values"}`` row per line), ``outputs/`` and, once pushed, ``pushed.json`` (written by
``plx-runs push`` only; see :mod:`polyaxon_helper_compat._runs.push`). Everything is read tolerantly, the way
a store written by killed, crashed or still running scripts needs:

- a last ``metrics.jsonl`` line without its newline that does not parse is a row cut by a kill (or still being
  written): it is left out and counted in :attr:`MetricsScan.cut_last_line`, not reported as a problem;
- any other line that cannot be read (bad JSON, not an object, no ``values`` object) is skipped and reported as
  a :class:`Problem` naming the file, the line and the reason;
- fields this module does not know are kept as they are (``LocalRun.info``);
- a run whose last status is not final (``running``...) is checked against its process (``run_env`` ``pid`` and
  ``hostname``, the process start time on Linux): :meth:`LocalRun.liveness`.

An unreadable ``run.json`` makes the run :attr:`LocalRun.unreadable` (with the reason) instead of raising, so a
listing shows the other runs.
"""
from __future__ import annotations

import datetime
import json
import math
import os
import socket
from dataclasses import dataclass, field
from typing import Any, Iterator

__all__ = [
    "FINAL_STATUSES",
    "LocalRun",
    "MetricStats",
    "MetricsScan",
    "Problem",
    "RowReader",
    "RunLookupError",
    "find_runs",
    "parse_time",
    "resolve_run",
    "resolve_store",
    "scan_metrics",
]

#: Statuses after which a run does not change any more (v0 and v2 names).
FINAL_STATUSES = frozenset({"succeeded", "failed", "stopped", "skipped", "upstream_failed", "done"})
_INF = float("inf")
#: A process that started this much later than its run was created is another process with a reused pid.
_PID_REUSE_SLACK = 5.0


@dataclass(frozen=True)
class Problem:
    """Something in a run folder that could not be read: ``str()`` is ``"<file>:<line>: <reason>"``."""

    path: str
    line: int | None
    reason: str

    def __str__(self) -> str:
        return "%s:%s: %s" % (self.path, self.line, self.reason) if self.line else "%s: %s" % (self.path, self.reason)


class RunLookupError(LookupError):
    """A ``RUN`` argument that names no run, or several (the message says which and lists candidates)."""


def parse_time(value: Any) -> datetime.datetime | None:
    """Parse a store timestamp (``"2026-11-30 10:06:50.945057+00:00"``, ISO 8601, ``Z`` suffix) to an aware
    datetime (naive values are taken as UTC); ``None`` for anything else. Never raises."""
    if not isinstance(value, str) or not value:
        return None
    text = value.strip()
    if text.endswith("Z"):
        text = text[:-1] + "+00:00"
    try:
        parsed = datetime.datetime.fromisoformat(text)
    except ValueError:
        return None
    return parsed if parsed.tzinfo is not None else parsed.replace(tzinfo=datetime.timezone.utc)


class RowReader:
    """Iterate over the readable rows of a ``metrics.jsonl``: ``(line number, created_at, values)``.

    Args:
        path: the file (missing: no rows).
        end: read only the first ``end`` bytes (the size the file had when a scan began: a running script keeps
            appending).

    Unreadable lines are skipped and appended to :attr:`problems` (:class:`Problem`). A last line without its
    newline that does not parse is a row cut by a kill, or one being written: it is skipped and
    :attr:`cut_last_line` is set, without a problem. :attr:`consumed` is the number of bytes read.
    """

    def __init__(self, path: str, end: int | None = None) -> None:
        self.path, self.end = path, end
        self.problems: list[Problem] = []
        self.cut_last_line = False
        self.consumed = 0

    def __iter__(self) -> Iterator[tuple[int, str | None, dict[str, Any]]]:
        try:
            f = open(self.path, "rb")
        except FileNotFoundError:
            return
        with f:
            for lineno, raw in enumerate(f, 1):
                if self.end is not None:
                    if self.consumed >= self.end:
                        break
                    raw = raw[:self.end - self.consumed]
                self.consumed += len(raw)
                if not raw.strip():
                    continue
                try:
                    row = json.loads(raw)  # bytes: UTF-8 (or UTF-16/32, as json detects it)
                except (UnicodeDecodeError, ValueError) as exc:
                    if not raw.endswith(b"\n"):
                        self.cut_last_line = True
                        return
                    self.problems.append(Problem(self.path, lineno, "not a JSON row (%s)" % _short(exc)))
                    continue
                if not isinstance(row, dict) or not isinstance(row.get("values"), dict):
                    self.problems.append(Problem(self.path, lineno,
                                                 "a row must be an object with a \"values\" object"))
                    continue
                created = row.get("created_at")
                yield lineno, created if isinstance(created, str) else None, row["values"]


def _short(exc: Exception) -> str:
    text = str(exc)
    return text if len(text) <= 80 else text[:77] + "..."


def _number(value: Any) -> float | None:
    """A metric value as a float (bools and numeric strings too, as v2 converts them); ``None`` otherwise."""
    if isinstance(value, (int, float)):
        number = float(value)
    elif isinstance(value, str):
        try:
            number = float(value)
        except ValueError:
            return None
    else:
        return None
    return number if math.isfinite(number) else None


@dataclass
class MetricStats:
    """One metric of a run: ``count`` numeric values, their ``first``/``last``/``min``/``max``, and ``skipped``
    values that are not numbers (``null`` for NaN/infinity in the store, or anything else). ``values`` holds every
    numeric value in row order when the scan was asked to keep them."""

    name: str
    count: int = 0
    first: float | None = None
    last: float | None = None
    min: float | None = None
    max: float | None = None
    skipped: int = 0
    values: list[float] = field(default_factory=list)

    def add(self, value: Any, keep: bool) -> None:
        """Account for one raw value from a row (``keep``: also append it to :attr:`values`)."""
        number = value if type(value) is float else _number(value)  # the common case first: a JSON float
        if number is None or number != number or number in (_INF, -_INF):
            self.skipped += 1
            return
        if self.count == 0:
            self.first = self.min = self.max = number
        elif number < self.min:  # type: ignore[operator]
            self.min = number
        elif number > self.max:  # type: ignore[operator]
            self.max = number
        self.last = number
        self.count += 1
        if keep:
            self.values.append(number)


@dataclass
class MetricsScan:
    """What one pass over ``metrics.jsonl`` found: ``rows`` readable rows, per-metric stats in order of first
    appearance, the first and last row times, the problems, whether the last line was cut, and ``size`` (the
    bytes read, so that a later reader can stop at the same row)."""

    rows: int = 0
    metrics: dict[str, MetricStats] = field(default_factory=dict)
    first_at: datetime.datetime | None = None
    last_at: datetime.datetime | None = None
    problems: list[Problem] = field(default_factory=list)
    cut_last_line: bool = False
    size: int = 0


def scan_metrics(path: str, keep_values: bool = False) -> MetricsScan:
    """Read ``metrics.jsonl`` at ``path`` once (see :class:`RowReader`) and summarise it (:class:`MetricsScan`).

    The file may grow while it is read (a running script): the scan stops at the size it had when it started.
    """
    scan = MetricsScan()
    try:
        scan.size = os.path.getsize(path)
    except OSError:
        return scan
    reader = RowReader(path, end=scan.size)
    last_created = None
    for _lineno, created, values in reader:
        scan.rows += 1
        if created is not None:
            if scan.first_at is None:
                scan.first_at = parse_time(created)
            last_created = created
        for name, value in values.items():
            stats = scan.metrics.get(name)
            if stats is None:
                stats = scan.metrics[name] = MetricStats(name)
            stats.add(value, keep_values)
    scan.last_at = parse_time(last_created)
    scan.problems, scan.cut_last_line = reader.problems, reader.cut_last_line
    return scan


def _read_json(path: str, problems: list[Problem], what: str) -> Any:
    try:
        with open(path, encoding="utf-8") as f:
            return json.load(f)
    except FileNotFoundError:
        return None
    except (OSError, UnicodeDecodeError, ValueError) as exc:
        problems.append(Problem(path, getattr(exc, "lineno", None), "cannot read %s: %s" % (what, _short(exc))))
        return None


def _process_start(pid: int) -> float | None:
    """Epoch seconds when process ``pid`` started (Linux ``/proc``), or ``None`` where that cannot be read."""
    try:
        with open("/proc/%d/stat" % pid, "rb") as f:
            fields = f.read().rsplit(b")", 1)[1].split()
        ticks = int(fields[19])  # field 22 of stat(5); fields[0] is field 3
        with open("/proc/stat", "rb") as f:
            boot = next(int(line.split()[1]) for line in f if line.startswith(b"btime "))
        return boot + ticks / os.sysconf("SC_CLK_TCK")
    except (OSError, ValueError, IndexError, StopIteration):
        return None


class LocalRun:
    """One run folder. ``info`` is ``run.json`` as read (``{}`` when unreadable), ``params`` ``params.json``.

    Args:
        path: the run folder.

    Reading never raises: :attr:`unreadable` is the reason ``run.json`` could not be read (``None`` when it
    was), and :attr:`problems` lists what else could not be read (:class:`Problem`).
    """

    def __init__(self, path: str) -> None:
        self.path = os.path.abspath(path)
        self.id = os.path.basename(self.path.rstrip(os.sep))
        self.problems: list[Problem] = []
        self.unreadable: str | None = None
        run_json = os.path.join(self.path, "run.json")
        if not os.path.isfile(run_json):
            self.unreadable = "%s: missing" % run_json
            info: Any = None
        else:
            before = len(self.problems)
            info = _read_json(run_json, self.problems, "run.json")
            if len(self.problems) > before:
                self.unreadable = str(self.problems.pop())
            elif not isinstance(info, dict):
                self.unreadable = "%s: not a JSON object" % run_json
        self.info: dict[str, Any] = info if isinstance(info, dict) else {}
        params = _read_json(os.path.join(self.path, "params.json"), self.problems, "params.json")
        self.params: dict[str, Any] = params if isinstance(params, dict) else {}
        self._scan: MetricsScan | None = None
        self._scan_kept = False

    # -- run.json fields ----------------------------------------------------------------------------------
    def _text(self, key: str) -> str | None:
        value = self.info.get(key)
        return value if isinstance(value, str) and value else None

    @property
    def name(self) -> str | None:
        """``run.json`` ``name`` (``None`` when unset)."""
        return self._text("name")

    @property
    def description(self) -> str | None:
        """``run.json`` ``description`` (``None`` when unset)."""
        return self._text("description")

    @property
    def status(self) -> str:
        """The recorded status (``"unknown"`` when ``run.json`` has none)."""
        return self._text("status") or "unknown"

    @property
    def tags(self) -> list[str]:
        """``run.json`` ``tags`` as strings."""
        tags = self.info.get("tags")
        return [str(t) for t in tags] if isinstance(tags, list) else []

    @property
    def statuses(self) -> list[dict[str, Any]]:
        """The status history: ``[{"status", "created_at", "message"?, "traceback"?}, ...]`` (well-formed only)."""
        entries = self.info.get("statuses")
        if not isinstance(entries, list):
            return []
        return [e for e in entries if isinstance(e, dict) and isinstance(e.get("status"), str)]

    @property
    def data_refs(self) -> dict[str, Any]:
        """``run.json`` ``data_refs``: ``{name: hash}`` as ``log_data_ref`` recorded them."""
        refs = self.info.get("data_refs")
        return refs if isinstance(refs, dict) else {}

    @property
    def code_ref(self) -> dict[str, Any] | None:
        """``run.json`` ``code_ref`` (``commit``, ``head``, ``branch``, ``git_url``, ``is_dirty``) or ``None``."""
        ref = self.info.get("code_ref")
        return ref if isinstance(ref, dict) else None

    @property
    def run_env(self) -> dict[str, Any]:
        """``run.json`` ``run_env`` (pid, hostname, python version, ``sys.argv``, packages...) or ``{}``."""
        env = self.info.get("run_env")
        return env if isinstance(env, dict) else {}

    @property
    def created_at(self) -> datetime.datetime | None:
        """When the run started (``run.json`` ``created_at``), aware."""
        return parse_time(self.info.get("created_at"))

    @property
    def sort_key(self) -> tuple[float, str]:
        """Newest first ordering key: ``(-created_at epoch, id)``."""
        created = self.created_at
        return (-(created.timestamp() if created else 0.0), self.id)

    @property
    def script(self) -> str | None:
        """The command line of the script: ``sys.argv`` with the script's base name (``"train.py --lr 0.1"``),
        ``"notebook"`` in a notebook, ``None`` when unknown."""
        env = self.run_env
        if env.get("is_notebook"):
            return "notebook"
        argv = env.get("sys.argv")
        if not isinstance(argv, list) or not argv:
            return None
        return " ".join([os.path.basename(str(argv[0])) or str(argv[0])] + [str(a) for a in argv[1:]])

    # -- derived ------------------------------------------------------------------------------------------
    def metrics(self, keep_values: bool = False) -> MetricsScan:
        """Scan ``metrics.jsonl`` (cached; a scan keeping the values also serves one that does not)."""
        if self._scan is None or (keep_values and not self._scan_kept):
            self._scan = scan_metrics(os.path.join(self.path, "metrics.jsonl"), keep_values)
            self._scan_kept = keep_values
        return self._scan

    @property
    def final(self) -> bool:
        """Whether the recorded status is final (:data:`FINAL_STATUSES`)."""
        return self.status in FINAL_STATUSES

    def liveness(self) -> str | None:
        """For a run whose status is not final: ``"alive"`` (its process runs on this host), ``"gone"`` (it
        does not: killed or crashed before recording a final status) or ``"unknown"`` (recorded on another host,
        or without a pid). ``None`` for a run with a final status."""
        if self.final:
            return None
        env = self.run_env
        pid, host = env.get("pid"), env.get("hostname")
        if not isinstance(pid, int) or isinstance(pid, bool) or pid <= 0 or host != socket.gethostname():
            return "unknown"
        try:
            os.kill(pid, 0)
        except ProcessLookupError:
            return "gone"
        except PermissionError:  # someone else's process, alive
            pass
        except OSError:
            return "unknown"
        started, created = _process_start(pid), self.created_at
        if started is not None and created is not None and started > created.timestamp() + _PID_REUSE_SLACK:
            return "gone"  # the pid now belongs to a process started after the run
        return "alive"

    def last_activity(self) -> datetime.datetime | None:
        """The latest time the store shows the run doing something (last metric row or status), or its start."""
        times = [parse_time(s.get("created_at")) for s in self.statuses]
        times.append(self.metrics().last_at)
        times.append(self.created_at)
        known = [t for t in times if t is not None]
        return max(known) if known else None

    def ended_at(self) -> datetime.datetime | None:
        """When the run ended: its final status's time; for a run whose process is gone or unknown, its last
        activity; ``None`` while it is alive."""
        if self.final:
            for entry in reversed(self.statuses):
                if entry["status"] in FINAL_STATUSES:
                    return parse_time(entry.get("created_at")) or self.last_activity()
            return self.last_activity()
        return None if self.liveness() == "alive" else self.last_activity()

    def outputs(self) -> list[tuple[str, int]]:
        """The files under ``outputs/`` as ``(relative path with "/", size in bytes)``, sorted; symbolic links to
        files count as their target, links to folders are not followed."""
        root = os.path.join(self.path, "outputs")
        found: list[tuple[str, int]] = []
        for folder, dirs, files in os.walk(root):
            dirs.sort()
            for name in files:
                full = os.path.join(folder, name)
                try:
                    size = os.path.getsize(full)
                except OSError:
                    continue  # a dangling link
                found.append((os.path.relpath(full, root).replace(os.sep, "/"), size))
        return sorted(found)

    def read_pushed(self) -> tuple[dict[str, Any], str | None]:
        """``pushed.json``'s ``destinations`` (``{"<host> <owner>/<project>": {"uuid", "state", ...}}``, ``{}``
        when the run was never pushed) and, when the file exists but cannot be read, why (else ``None``)."""
        path = os.path.join(self.path, "pushed.json")
        problems: list[Problem] = []
        data = _read_json(path, problems, "pushed.json")
        if problems:
            return {}, str(problems[0])
        if data is None:
            return {}, None
        destinations = data.get("destinations") if isinstance(data, dict) else None
        if not isinstance(destinations, dict):
            return {}, "%s: not what plx-runs push writes (no \"destinations\" object)" % path
        return destinations, None

    def pushed(self) -> dict[str, Any]:
        """``pushed.json``'s ``destinations`` (see :meth:`read_pushed`; ``{}`` when it cannot be read)."""
        return self.read_pushed()[0]


def resolve_store(store: str | None) -> str:
    """Return the runs folder to read: ``store`` (a runs folder, or a ``.polyaxon-compat`` folder holding
    ``runs/``), else ``POLYAXON_COMPAT_RUNS_DIR``, else ``./.polyaxon-compat/runs`` (the local backend's)."""
    if store is None:
        from polyaxon_helper_compat.backends.local import default_runs_dir

        return os.path.abspath(default_runs_dir())
    nested = os.path.join(store, "runs")
    if os.path.isdir(nested) and not os.path.isfile(os.path.join(store, "run.json")):
        has_runs = any(os.path.isfile(os.path.join(store, n, "run.json")) for n in _listdir(store))
        if not has_runs:
            return os.path.abspath(nested)
    return os.path.abspath(store)


def _listdir(path: str) -> list[str]:
    try:
        return sorted(os.listdir(path))
    except OSError:
        return []


def _is_run_folder(path: str) -> bool:
    return os.path.isdir(path) and any(
        os.path.exists(os.path.join(path, n)) for n in ("run.json", "metrics.jsonl", "params.json"))


def find_runs(store: str) -> list[LocalRun]:
    """Every run folder directly under ``store`` (a folder with ``run.json``, ``metrics.jsonl`` or
    ``params.json``), newest first. A missing store gives ``[]``."""
    runs = [LocalRun(os.path.join(store, n)) for n in _listdir(store) if _is_run_folder(os.path.join(store, n))]
    return sorted(runs, key=lambda r: r.sort_key)


def resolve_run(spec: str, store: str) -> LocalRun:
    """Find the run ``spec`` names: a run folder's path, a run id in ``store``, or a unique prefix of one.

    Raises :class:`RunLookupError` when nothing or several runs match (the message lists up to 5 candidates).
    """
    if not spec.strip():
        raise RunLookupError("an empty RUN names no run")
    if os.sep in spec or spec.startswith(".") or (os.altsep and os.altsep in spec):
        if _is_run_folder(spec):
            return LocalRun(spec)
        raise RunLookupError("%s: not a run folder (no run.json, metrics.jsonl or params.json)" % spec)
    exact = os.path.join(store, spec)
    if _is_run_folder(exact):
        return LocalRun(exact)
    matches = [n for n in _listdir(store) if n.startswith(spec) and _is_run_folder(os.path.join(store, n))]
    if len(matches) == 1:
        return LocalRun(os.path.join(store, matches[0]))
    if not matches:
        if _is_run_folder(spec):
            return LocalRun(spec)
        raise RunLookupError("no run %r in %s" % (spec, store))
    raise RunLookupError("%r matches %d runs in %s: %s%s" % (spec, len(matches), store, ", ".join(matches[:5]),
                                                              ", ..." if len(matches) > 5 else ""))

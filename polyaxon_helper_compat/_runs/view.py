"""What ``plx-runs list``, ``show`` and ``compare`` print: text tables and JSON documents built from
:class:`~polyaxon_helper_compat._runs.store.LocalRun` objects.

Times are shown in local time (``2026-12-03 21:07:08``) and written to JSON as ISO 8601 with their offset;
numbers are shown with 4 significant digits (``0.1429``) and written to JSON as they are stored. A run whose
status is not final is shown by what its process does: ``running`` (alive), ``gone`` (its process ended without
recording a final status: killed or crashed) or ``running?`` (recorded on another host: cannot tell).
"""
from __future__ import annotations

import datetime
import json
import math
from typing import Any, Sequence

from polyaxon_helper_compat._runs.store import LocalRun, MetricStats, parse_time

__all__ = [
    "compare_document",
    "compare_lines",
    "format_duration",
    "format_number",
    "format_size",
    "list_lines",
    "run_document",
    "run_summary",
    "show_lines",
    "sparkline",
    "status_label",
    "table",
]

_BARS = "▁▂▃▄▅▆▇█"
_ASCII_BARS = "_.-:=+*#"
#: metrics shown in the LAST column of ``list``
_LAST_SHOWN = 3


def format_number(value: Any) -> str:
    """A metric or param value for a table: floats with 4 significant digits (``0.1429``, ``1.235e+05``),
    integral floats as integers (``7``), anything else with ``str`` (``None`` as ``-``)."""
    if value is None:
        return "-"
    if isinstance(value, bool):
        return str(value)
    if isinstance(value, float):
        if math.isfinite(value) and value.is_integer() and abs(value) < 1e15:
            return str(int(value))
        return "%.4g" % value
    return str(value)


def format_duration(seconds: float | None) -> str:
    """``41ms``, ``1.5s``, ``59.9s``, ``3m07s``, ``2h05m``, ``3d04h``; ``-`` for ``None``."""
    if seconds is None:
        return "-"
    if seconds < 1:
        return "%dms" % max(int(seconds * 1000), 0)
    if seconds < 60:
        return "%.1fs" % seconds
    whole = int(seconds)
    if whole < 3600:
        return "%dm%02ds" % divmod(whole, 60)
    if whole < 86400:
        return "%dh%02dm" % (whole // 3600, whole % 3600 // 60)
    return "%dd%02dh" % (whole // 86400, whole % 86400 // 3600)


def format_size(size: int) -> str:
    """Bytes as ``512 B``, ``1.5 KB``, ``12.0 MB``, ``1.2 GB`` (powers of 1024)."""
    value = float(size)
    for unit in ("B", "KB", "MB", "GB"):
        if value < 1024 or unit == "GB":
            return "%d B" % size if unit == "B" else "%.1f %s" % (value, unit)
        value /= 1024
    return "%d B" % size  # pragma: no cover - the loop always returns


def _local(when: datetime.datetime | None, millis: bool = False) -> str:
    if when is None:
        return "-"
    text = when.astimezone().strftime("%Y-%m-%d %H:%M:%S.%f" if millis else "%Y-%m-%d %H:%M:%S")
    return text[:-3] if millis else text


def _iso(when: datetime.datetime | None) -> str | None:
    return when.isoformat() if when is not None else None


def sparkline(values: Sequence[float], width: int = 40, ascii_only: bool = False) -> str:
    """One line of at most ``width`` bars for ``values`` (in order), lowest bar for the minimum and highest for
    the maximum; more values than ``width`` are averaged in ``width`` equal buckets. ``""`` for no values, a
    flat middle line for a constant series. ``ascii_only`` uses ``_.-:=+*#``."""
    bars = _ASCII_BARS if ascii_only else _BARS
    if not values:
        return ""
    if len(values) > width:
        buckets = []
        for i in range(width):
            chunk = values[i * len(values) // width:(i + 1) * len(values) // width]
            buckets.append(sum(chunk) / len(chunk))
        values = buckets
    low, high = min(values), max(values)
    if high == low:
        return bars[len(bars) // 2 - 1] * len(values)
    top = len(bars) - 1
    return "".join(bars[int(round((v - low) / (high - low) * top))] for v in values)


def table(headers: Sequence[str], rows: Sequence[Sequence[str]], right: Sequence[str] = ()) -> list[str]:
    """Lines of a plain text table: columns padded to their widest cell, two spaces apart, the columns named in
    ``right`` right-aligned, no trailing spaces."""
    widths = [max([len(h)] + [len(r[i]) for r in rows]) for i, h in enumerate(headers)]
    lines = []
    for cells in [list(headers)] + [list(r) for r in rows]:
        parts = [c.rjust(w) if h in right else c.ljust(w) for c, w, h in zip(cells, widths, headers)]
        lines.append("  ".join(parts).rstrip())
    return lines


def status_label(run: LocalRun) -> str:
    """The status column: the recorded status when it is final or the process runs; ``gone`` when the process
    ended without a final status; the status with ``?`` when that cannot be told (another host)."""
    if run.unreadable:
        return "unreadable"
    live = run.liveness()
    if live is None or live == "alive":
        return run.status
    return "gone" if live == "gone" else run.status + "?"


def _duration(run: LocalRun) -> float | None:
    start = run.created_at
    if start is None:
        return None
    end = run.ended_at() or datetime.datetime.now(datetime.timezone.utc)
    return (end - start).total_seconds()


def _shown_metrics(run: LocalRun) -> list[MetricStats]:
    return [m for name, m in run.metrics().metrics.items() if name != "step" and m.count]


def _pushed_list(run: LocalRun) -> list[dict[str, Any]]:
    return [{"host": d.get("host"), "project": d.get("project"), "uuid": d.get("uuid"),
             "complete": d.get("state") == "complete", "pushed_at": d.get("pushed_at")}
            for d in run.pushed().values() if isinstance(d, dict)]


def run_summary(run: LocalRun) -> dict[str, Any]:
    """The ``list --json`` document of one run: ``id``, ``path``, ``name``, ``created_at``, ``ended_at`` (ISO
    8601 or ``null``), ``duration`` (seconds), ``status`` (recorded), ``process`` (``alive``/``gone``/``unknown``,
    ``null`` when final), ``script``, ``rows`` (readable metric rows), ``last`` (``{metric: last value}``),
    ``tags``, ``pushed`` (``[{host, project, uuid, complete, pushed_at}]``) and ``unreadable`` (the reason or
    ``null``)."""
    scan = run.metrics()
    return {
        "id": run.id,
        "path": run.path,
        "name": run.name,
        "created_at": _iso(run.created_at),
        "ended_at": _iso(run.ended_at()),
        "duration": _duration(run),
        "status": run.status,
        "process": run.liveness(),
        "script": run.script,
        "rows": scan.rows,
        "last": {m.name: m.last for m in scan.metrics.values() if m.count},
        "tags": run.tags,
        "pushed": _pushed_list(run),
        "unreadable": run.unreadable,
    }


def list_lines(runs: Sequence[LocalRun]) -> list[str]:
    """The ``list`` table: ID, STARTED, DURATION, STATUS, SCRIPT, ROWS and the LAST value of up to 3 metrics
    (``step`` left out: it is the x-axis), in the order given."""
    rows = []
    for run in runs:
        metrics = _shown_metrics(run)
        last = " ".join("%s=%s" % (m.name, format_number(m.last)) for m in metrics[:_LAST_SHOWN])
        if len(metrics) > _LAST_SHOWN:
            last += " (+%d)" % (len(metrics) - _LAST_SHOWN)
        script = run.script or "-"
        rows.append([run.id, _local(run.created_at), format_duration(_duration(run)), status_label(run),
                     script if len(script) <= 40 else script[:37] + "...", str(run.metrics().rows), last])
    return table(["ID", "STARTED", "DURATION", "STATUS", "SCRIPT", "ROWS", "LAST"], rows, right=("ROWS",))


def _metric_document(stats: MetricStats) -> dict[str, Any]:
    return {"count": stats.count, "first": stats.first, "last": stats.last, "min": stats.min, "max": stats.max,
            "skipped": stats.skipped}


def run_document(run: LocalRun) -> dict[str, Any]:
    """The ``show --json`` document: :func:`run_summary` plus ``description``, ``statuses`` (as recorded),
    ``params``, ``data_refs``, ``code_ref``, ``run_env``, ``metrics`` (``{name: {count, first, last, min, max,
    skipped}}``), ``first_row_at``/``last_row_at``, ``artifacts`` (``[{path, size}]`` under ``outputs/``),
    ``cut_last_line`` and ``problems`` (``"file:line: reason"``)."""
    scan = run.metrics()
    doc = run_summary(run)
    doc.update({
        "description": run.description,
        "statuses": run.statuses,
        "params": run.params,
        "data_refs": run.data_refs,
        "code_ref": run.code_ref,
        "run_env": run.run_env,
        "metrics": {name: _metric_document(m) for name, m in scan.metrics.items()},
        "first_row_at": _iso(scan.first_at),
        "last_row_at": _iso(scan.last_at),
        "artifacts": [{"path": p, "size": s} for p, s in run.outputs()],
        "cut_last_line": scan.cut_last_line,
        "problems": [str(p) for p in run.problems + scan.problems],
    })
    return doc


def _kv_lines(values: dict[str, Any], indent: str = "  ") -> list[str]:
    if not values:
        return [indent + "-"]
    width = max(len(str(k)) for k in values)
    return ["%s%s  %s" % (indent, str(k).ljust(width), _value(v)) for k, v in values.items()]


def _value(value: Any) -> str:
    if isinstance(value, (dict, list)):
        return json.dumps(value, sort_keys=True, default=str)
    return format_number(value) if isinstance(value, float) else str(value)


def show_lines(run: LocalRun, ascii_only: bool = False, max_artifacts: int = 50) -> list[str]:
    """The ``show`` text: name, description, script, tags, status history, params, data refs, code ref, each
    metric with count/first/last/min/max and a sparkline, artifacts (up to ``max_artifacts`` listed), and
    where the run was pushed."""
    scan = run.metrics(keep_values=True)
    env = run.run_env
    lines = ["run %s" % run.id, "  path         %s" % run.path]
    lines.append("  name         %s" % (run.name or "-"))
    if run.description:
        lines.append("  description  %s" % run.description)
    where = ", ".join(x for x in (
        "python %s" % env["python_version"] if env.get("python_version") else "",
        "on %s" % env["hostname"] if env.get("hostname") else "",
        "pid %s" % env["pid"] if env.get("pid") else "") if x)
    lines.append("  script       %s%s" % (run.script or "-", "  (%s)" % where if where else ""))
    lines.append("  tags         %s" % (", ".join(run.tags) or "-"))
    lines.append("  started      %s" % _local(run.created_at))
    lines.append("  duration     %s" % format_duration(_duration(run)))
    lines.append("  status       %s" % status_label(run))
    for entry in run.statuses:
        message = " ".join(str(entry.get("message") or "").split())
        if len(message) > 100:
            message = message[:97] + "..."
        lines.append(("    %s  %-9s %s" % (_local(parse_time(entry.get("created_at")), millis=True), entry["status"],
                                          message)).rstrip())
    live = run.liveness()
    if live == "gone":
        lines.append("    its process (pid %s on %s) is gone without a final status: killed or crashed"
                     % (env.get("pid"), env.get("hostname")))
    elif live == "unknown":
        lines.append("    recorded on %s: cannot tell whether its process still runs" % (env.get("hostname") or "?"))
    lines.append("params")
    lines.extend(_kv_lines(run.params))
    lines.append("data refs")
    lines.extend(_kv_lines(run.data_refs))
    code = run.code_ref
    if code and code.get("commit"):
        lines.append("code ref     %s on %s%s%s" % (code.get("commit"), code.get("branch") or "?",
                                                  " (dirty)" if code.get("is_dirty") else "",
                                                  "  " + code["git_url"] if code.get("git_url") else ""))
    else:
        lines.append("code ref     -")
    span = "" if scan.first_at is None else ", %s -> %s" % (_local(scan.first_at), _local(scan.last_at))
    lines.append("metrics      %d rows%s%s" % (scan.rows, span, ", last line cut" if scan.cut_last_line else ""))
    if scan.metrics:
        rows = [[m.name, str(m.count), format_number(m.first), format_number(m.last), format_number(m.min),
                 format_number(m.max), sparkline(m.values, ascii_only=ascii_only)
                 + ("  (%d not numbers)" % m.skipped if m.skipped else "")]
                for m in scan.metrics.values()]
        lines.extend("  " + line for line in table(
            ["NAME", "COUNT", "FIRST", "LAST", "MIN", "MAX", ""], rows,
            right=("COUNT", "FIRST", "LAST", "MIN", "MAX")))
    artifacts = run.outputs()
    lines.append("artifacts    %d file%s, %s (outputs/)" % (len(artifacts), "" if len(artifacts) == 1 else "s",
                                                         format_size(sum(s for _, s in artifacts))))
    shown = artifacts[:max_artifacts]
    if shown:
        lines.extend("  " + line for line in table(["PATH", "SIZE"], [[p, format_size(s)] for p, s in shown],
                                                     right=("SIZE",))[1:])
    if len(artifacts) > len(shown):
        lines.append("  ... and %d more" % (len(artifacts) - len(shown)))
    pushed = _pushed_list(run)
    for entry in pushed:
        lines.append("pushed       %s %s  run %s%s" % (entry["host"], entry["project"], entry["uuid"],
                                                     "" if entry["complete"] else " (incomplete: push again)"))
    return lines


def compare_document(runs: Sequence[LocalRun]) -> dict[str, Any]:
    """The ``compare --json`` document: ``runs`` (ids), ``status``, ``rows`` and ``duration`` (``{id: value}``),
    ``params`` ``{"differ": {name: {id: value}}, "same": {name: value}}`` (a run without the param is left out
    of its ``differ`` entry), and ``metrics`` ``{name: {id: last value}}``."""
    ids = [r.id for r in runs]
    names: list[str] = []
    for run in runs:
        names.extend(n for n in run.params if n not in names)
    differ: dict[str, dict[str, Any]] = {}
    same: dict[str, Any] = {}
    for name in names:
        present = {r.id: r.params[name] for r in runs if name in r.params}
        values = list(present.values())
        if len(present) == len(runs) and all(v == values[0] and type(v) is type(values[0]) for v in values):
            same[name] = values[0]
        else:
            differ[name] = present
    metric_names: list[str] = []
    for run in runs:
        metric_names.extend(n for n, m in run.metrics().metrics.items() if m.count and n not in metric_names)
    metrics = {n: {r.id: r.metrics().metrics[n].last for r in runs
                   if n in r.metrics().metrics and r.metrics().metrics[n].count} for n in metric_names}
    return {
        "runs": ids,
        "status": {r.id: status_label(r) for r in runs},
        "rows": {r.id: r.metrics().rows for r in runs},
        "duration": {r.id: _duration(r) for r in runs},
        "params": {"differ": differ, "same": same},
        "metrics": metrics,
    }


def compare_lines(runs: Sequence[LocalRun]) -> list[str]:
    """The ``compare`` text: one column per run; status, script, rows and duration, the params that differ
    (``-`` where a run lacks one; the names of the params that are the same are listed after), and the last
    value of every metric."""
    doc = compare_document(runs)
    ids = doc["runs"]
    rows = [["status"] + [doc["status"][i] for i in ids],
            ["script"] + [(r.script or "-")[:30] for r in runs],
            ["rows"] + [str(doc["rows"][i]) for i in ids],
            ["duration"] + [format_duration(doc["duration"][i]) for i in ids]]
    rows.append(["params that differ"] + [""] * len(ids))
    if not doc["params"]["differ"]:
        rows.append(["  (none)"] + [""] * len(ids))
    for name, values in doc["params"]["differ"].items():
        rows.append(["  " + name] + [_value(values[i]) if i in values else "-" for i in ids])
    rows.append(["last metric values"] + [""] * len(ids))
    if not doc["metrics"]:
        rows.append(["  (none)"] + [""] * len(ids))
    for name, values in doc["metrics"].items():
        rows.append(["  " + name] + [format_number(values.get(i)) for i in ids])
    lines = table([""] + ids, rows, right=tuple(ids))
    same = doc["params"]["same"]
    if same:
        lines.append("same params: %s" % ", ".join("%s=%s" % (k, _value(v)) for k, v in same.items()))
    return lines

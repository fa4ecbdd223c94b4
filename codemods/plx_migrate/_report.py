"""What a ``plx-migrate`` run prints and writes: per-file messages, the summary line, the exit code, the JSON report.

Pure functions of the outcomes (:class:`~plx_migrate._outcome.FileOutcome`) and the options, so that a run gives the
same output whatever ``--jobs``. Exit codes: 0 nothing to do or done; 1 with ``--check`` when something would
change, or when sites need manual attention; 2 when any file failed.
"""
from __future__ import annotations

import dataclasses
import json
from collections import Counter
from collections.abc import Sequence
from importlib.metadata import PackageNotFoundError, version
from typing import Any

from plx_migrate._outcome import FileOutcome, Mode, printable

__all__ = ["DISTRIBUTION", "build_report", "exit_code", "outcome_messages", "summary_line", "write_report"]

#: The distribution whose version ``--version`` and the report give.
DISTRIBUTION = "polyaxon-helper-compat"


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

"""The local run store: what a script records when it runs outside any Polyaxon cluster.

Each run gets a folder ``<runs dir>/<run id>/`` (runs dir: ``POLYAXON_COMPAT_RUNS_DIR``, default
``./.polyaxon-compat/runs``; run id ``YYYYmmdd-HHMMSS-<6 hex>``) holding:

- ``metrics.jsonl``: one JSON object per ``send_metrics``/``log_metrics`` call, in call order,
  ``{"created_at": "...+00:00", "values": {...}}`` (the v0 wire row; NaN and infinity are written as ``null``
  so that strict JSON readers can read the file, with one warning per metric name);
- ``params.json``: the params logged with ``log_params`` (merged unless ``reset=True``);
- ``run.json``: ``id``, ``name``, ``description``, ``tags``, ``status``, ``statuses`` (list of
  ``{"status", "message", "created_at"}``), ``data_refs``, ``run_env``, ``code_ref`` and any other
  field a v0 ``PATCH`` carried;
- ``outputs/``: the run's outputs path (``get_outputs_path()``); artifacts are copied there.

Metric rows are appended by a background thread every second and at exit (``put`` costs the caller a
deque append); ``run.json``/``params.json`` are rewritten atomically (temp file + ``os.replace``) on change.
"""
from __future__ import annotations

import atexit
import datetime
import json
import os
import secrets
import shutil
import sys
import threading
from typing import Any

from polyaxon_helper_compat.backends.base import Backend, after_fork_in_child, finite_values, format_created_at
from polyaxon_helper_compat._worker import BatchWorker

__all__ = ["LocalBackend", "default_runs_dir"]

#: Patch keys that polyaxon-client sends with ``merge: True`` semantics for dicts and lists.
_MERGED = ("params", "data_refs", "tags")


def default_runs_dir() -> str:
    """Return the folder new local runs go in (``POLYAXON_COMPAT_RUNS_DIR`` or ``./.polyaxon-compat/runs``)."""
    return os.environ.get("POLYAXON_COMPAT_RUNS_DIR") or os.path.join(".polyaxon-compat", "runs")


def _now() -> str:
    return str(datetime.datetime.now(datetime.timezone.utc))


def _write_json(path: str, data: Any) -> None:
    tmp = "%s.tmp-%d" % (path, os.getpid())
    with open(tmp, "w", encoding="utf-8") as f:
        json.dump(data, f, indent=2, sort_keys=True, default=str)
        f.write("\n")
    os.replace(tmp, path)


class LocalBackend(Backend):
    """Record one run in a folder on disk (see the module docstring for the layout).

    Args:
        runs_dir: parent folder of the run folder (created); defaults to :func:`default_runs_dir`.
        run_id: folder name; a fresh ``YYYYmmdd-HHMMSS-xxxxxx`` id by default.
        announce: print one line on stderr saying where the run is recorded.

    Raises ``OSError`` when the run folder cannot be created.
    """

    name = "local"

    def __init__(self, runs_dir: str | None = None, run_id: str | None = None, announce: bool = True) -> None:
        stamp = datetime.datetime.now().strftime("%Y%m%d-%H%M%S")
        self.run_id = run_id or "%s-%s" % (stamp, secrets.token_hex(3))
        self.path = os.path.abspath(os.path.join(runs_dir or default_runs_dir(), self.run_id))
        self._outputs = os.path.join(self.path, "outputs")
        os.makedirs(self._outputs, exist_ok=True)
        self._lock = threading.Lock()
        self._params: dict[str, Any] = {}
        self.run: dict[str, Any] = {"id": self.run_id, "created_at": _now(), "status": "created",
                                    "statuses": [], "tags": [], "name": None, "description": None,
                                    "data_refs": {}}
        self._metrics_path = os.path.join(self.path, "metrics.jsonl")
        open(self._metrics_path, "a").close()
        self._save()
        self._closed = False
        self._nan_warned: set[str] = set()
        self._worker = BatchWorker("polyaxon-compat-local", self._append_rows, interval=1.0, max_batch=1000)
        if announce:
            print("polyaxon-helper-compat: recording this run locally in %s" % self.path, file=sys.stderr)
        atexit.register(self.close)
        after_fork_in_child(self)

    def _after_fork(self) -> None:
        """In a forked child: an empty queue of its own (the parent writes what it had queued); rows the
        child logs are appended to the same run's ``metrics.jsonl``."""
        self._worker.reset_after_fork()
        self._lock = threading.Lock()
        self._closed = False
        mp_util = sys.modules.get("multiprocessing.util")
        if mp_util is not None:  # multiprocessing children leave through os._exit: no atexit
            mp_util.Finalize(self, LocalBackend.close, args=(self,), exitpriority=10)

    def _save(self) -> None:
        with self._lock:
            _write_json(os.path.join(self.path, "run.json"), self.run)
            _write_json(os.path.join(self.path, "params.json"), self._params)

    def _append_rows(self, rows: list[tuple[float, dict[str, Any]]]) -> None:
        """Append ``(created_at, values)`` rows as JSON lines (NaN/infinity written as null, warned once)."""
        lines = []
        for created_at, values in rows:
            row = {"created_at": format_created_at(created_at), "values": finite_values(values, self._nan_warned)}
            lines.append(json.dumps(row, sort_keys=True, default=str) + "\n")
        with open(self._metrics_path, "a", encoding="utf-8") as f:
            f.write("".join(lines))

    def update(self, patch: dict[str, Any]) -> None:
        patch = dict(patch)
        merge = patch.pop("merge", False)
        for key, value in patch.items():
            if key == "params":
                self._params = {**self._params, **value} if merge else dict(value)
            elif key in _MERGED and merge:
                old = self.run.get(key)
                if isinstance(old, dict):
                    self.run[key] = {**old, **value}
                elif isinstance(old, list):
                    self.run[key] = old + [v for v in value if v not in old]
                else:
                    self.run[key] = value
            else:
                self.run[key] = value
        self._save()

    def log_metrics(self, values: dict[str, Any], created_at: float) -> None:
        self._worker.put((created_at, values))

    def log_status(self, status: str, message: str | None = None, traceback: str | None = None) -> None:
        entry: dict[str, Any] = {"status": status, "created_at": _now()}
        if message:
            entry["message"] = message
        if traceback:
            entry["traceback"] = traceback
        self.run["status"] = status
        self.run["statuses"].append(entry)
        self._save()

    def log_code_ref(self, code_ref: dict[str, Any] | None) -> None:
        self.update({"code_ref": code_ref})

    def log_artifact(self, path: str) -> None:
        target = os.path.join(self._outputs, os.path.basename(path.rstrip(os.sep)))
        if os.path.isdir(path):
            shutil.copytree(path, target, dirs_exist_ok=True)
        elif os.path.abspath(path) != os.path.abspath(target):
            shutil.copy2(path, target)

    def outputs_path(self) -> str:
        return self._outputs

    def flush(self, timeout: float = 10.0) -> bool:
        return self._worker.flush(timeout)

    def close(self, timeout: float = 10.0) -> None:
        if self._closed:
            return
        self._closed = True
        left = self._worker.close(timeout)
        if left:  # the thread is stuck (e.g. a full disk): write what is left from here
            self._append_rows(left)

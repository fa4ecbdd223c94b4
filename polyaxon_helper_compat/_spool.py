"""Spool files: what could not be delivered to a Polyaxon API, kept on disk to be replayed later.

A spool file is JSON lines; each line is one request::

    {"id": "<uuid4 hex>", "method": "POST", "url": "http://.../metrics/", "format": "json" | "form",
     "headers": {non-secret headers}, "auth": "Token" | "Internaltoken" | null, "body": <JSON body>,
     "rows": <metric rows in the body>, "reason": "why it was spooled"}

Tokens are never written: ``auth`` keeps only the scheme; ``plx-replay`` takes the token from the
environment or ``--token``. Replaying records each delivered ``id`` in ``<file>.done`` as soon as the
server acknowledges it, so an interrupted replay can be run again without sending anything twice.
"""
from __future__ import annotations

import json
import os
import sys
import threading
import uuid
from typing import Any, Iterable

__all__ = ["SpoolWriter", "default_spool_dir", "read_spool"]

#: Header names never written to disk (case-insensitive).
SECRET_HEADERS = {"authorization", "cookie", "x-api-key"}


def default_spool_dir() -> str:
    """Return ``POLYAXON_COMPAT_SPOOL_DIR`` or ``./.polyaxon-compat/spool``."""
    return os.environ.get("POLYAXON_COMPAT_SPOOL_DIR") or os.path.join(".polyaxon-compat", "spool")


def public_headers(headers: dict[str, str]) -> tuple[dict[str, str], str | None]:
    """Split ``headers`` into (headers safe to write, the authorization scheme or ``None``)."""
    auth = None
    kept = {}
    for name, value in headers.items():
        if name.lower() == "authorization":
            auth = value.split(" ", 1)[0] if value else None
        elif name.lower() not in SECRET_HEADERS:
            kept[name] = value
    return kept, auth


class SpoolWriter:
    """Append requests to one spool file (created on first write); thread-safe, fork-aware.

    Args:
        name: file name stem, e.g. ``"alice_mnist_experiments_7"``; the pid is appended.
        folder: spool folder (default :func:`default_spool_dir`); falls back to the temp folder when it
            cannot be created.
    """

    def __init__(self, name: str, folder: str | None = None) -> None:
        self._name = name
        self._folder = folder
        self._path: str | None = None
        self._lock = threading.Lock()
        self.rows = 0
        self.requests = 0

    @property
    def path(self) -> str | None:
        """The spool file's absolute path once something was written, else ``None``."""
        return self._path

    def _file(self) -> str:
        if self._path is None or not self._path.endswith("-%d.jsonl" % os.getpid()):
            folder = self._folder or default_spool_dir()
            try:
                os.makedirs(folder, exist_ok=True)
            except OSError:
                import tempfile

                folder = tempfile.gettempdir()
            self._path = os.path.abspath(os.path.join(folder, "%s-%d.jsonl" % (self._name, os.getpid())))
        return self._path

    def write(self, entries: Iterable[dict[str, Any]], reason: str) -> tuple[int, int]:
        """Append ``entries`` (dicts with method, url, format, headers, auth, body, rows) with ``reason``.

        Returns ``(requests written, metric rows written)``. Raises ``OSError`` when the file cannot be
        written (the caller reports the data on stderr instead).
        """
        lines = []
        rows = 0
        for entry in entries:
            doc = dict(entry)
            doc.setdefault("id", uuid.uuid4().hex)
            doc["reason"] = reason
            rows += int(doc.get("rows") or 0)
            lines.append(json.dumps(doc, sort_keys=True, allow_nan=True) + "\n")
        if not lines:
            return 0, 0
        with self._lock:
            with open(self._file(), "a", encoding="utf-8") as f:
                f.write("".join(lines))
            self.rows += rows
            self.requests += len(lines)
        return len(lines), rows


def read_spool(path: str) -> list[dict[str, Any]]:
    """Return the entries of spool file ``path`` not yet marked delivered in ``<path>.done``.

    Raises ``OSError`` when the file cannot be read and ``ValueError`` naming the line of a corrupt entry.
    """
    done = set()
    if os.path.exists(path + ".done"):
        with open(path + ".done", encoding="utf-8") as f:
            done = {line.strip() for line in f if line.strip()}
    entries = []
    with open(path, encoding="utf-8") as f:
        for number, line in enumerate(f, 1):
            if not line.strip():
                continue
            try:
                entry = json.loads(line)
            except ValueError as exc:
                if number > 1 and not line.endswith("\n"):  # a write cut short by a crash: the last line
                    print("%s:%d: skipping a truncated last line" % (path, number), file=sys.stderr)
                    continue
                raise ValueError("%s:%d: not a spool entry: %s" % (path, number, exc)) from exc
            if entry.get("id") not in done:
                entries.append(entry)
    return entries

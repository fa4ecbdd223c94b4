"""The interface every tracking backend implements.

The operations mirror what polyaxon-client 0.5/0.6 sends for an experiment: ``update`` is the
``PATCH .../experiments/{id}/`` of name, description, tags, params, data refs and run env (with
``merge: True`` unless reset); ``log_metrics`` one metric row; ``log_status`` a status; ``log_code_ref``
the git code reference (``POST .../coderef/``); artifacts are files copied into the outputs. Backends never
raise into user code for transport problems: they report and keep what they could not deliver (see each
backend).
"""
from __future__ import annotations

import datetime
import math
import os
import sys
import weakref
from typing import Any

__all__ = ["Backend", "after_fork_in_child", "finite_values", "format_created_at"]


def format_created_at(timestamp: float) -> str:
    """``1764496933.427581`` -> ``"2026-11-30 10:02:13.427581+00:00"``: polyaxon-client 0.5.0's
    ``str(utc.localize(datetime.utcnow()))`` format (the fraction is left out when it is zero, as there)."""
    return str(datetime.datetime.fromtimestamp(timestamp, datetime.timezone.utc))


def finite_values(values: dict[str, Any], warned: set[str]) -> dict[str, Any]:
    """Replace NaN/infinite floats by ``None`` (JSON has no such numbers), warning on stderr once per metric
    name (``warned`` collects the names already reported). Returns ``values`` itself when nothing changes."""
    out = values
    for key, value in values.items():
        if isinstance(value, float) and not math.isfinite(value):
            if out is values:
                out = dict(values)
            out[key] = None
            if key not in warned:
                warned.add(key)
                print("polyaxon-helper-compat: metric %r is %r, which JSON cannot carry: recorded as null"
                      % (key, value), file=sys.stderr)
    return out


def after_fork_in_child(backend: Any) -> None:
    """Call ``backend._after_fork()`` in every child process forked after this call, for as long as the
    backend is alive (a weak reference: a closed, forgotten backend is not kept alive by this)."""
    ref = weakref.ref(backend)

    def handler() -> None:
        obj = ref()
        if obj is not None:
            obj._after_fork()

    os.register_at_fork(after_in_child=handler)


class Backend:
    """Base class: one method per operation, plus ``flush``/``close``; usable as a context manager.

    Subclasses override what they support; the defaults do nothing (the no-op behaviour).
    """

    #: Backend name as used by ``POLYAXON_COMPAT_BACKEND``.
    name = "base"

    def update(self, patch: dict[str, Any]) -> None:
        """Apply a run update ``patch`` (a JSON-able dict as polyaxon-client's ``_update`` builds it)."""

    def log_metrics(self, values: dict[str, Any], created_at: float) -> None:
        """Record one metric row: ``values`` (name -> number, already validated) logged at ``created_at``
        (seconds since the epoch, ``time.time()``; backends format it with :func:`format_created_at` off the
        caller's thread, since formatting costs more than the rest of the call)."""

    def log_status(self, status: str, message: str | None = None, traceback: str | None = None) -> None:
        """Record a status change (``"running"``, ``"succeeded"``, ``"failed"``, ``"stopped"``)."""

    def log_artifact(self, path: str) -> None:
        """Keep a copy of file ``path`` with the run's outputs."""

    def log_code_ref(self, code_ref: dict[str, Any] | None) -> None:
        """Record the code reference ``{"commit", "head", "branch", "git_url", "is_dirty"}`` (``None`` outside
        a git work tree), as polyaxon-client 0.6.1 ``log_code_ref``."""

    def outputs_path(self) -> str | None:
        """Return the run's outputs folder, or ``None`` when the backend has none."""
        return None

    def flush(self, timeout: float = 10.0) -> bool:
        """Deliver everything queued within ``timeout`` seconds; ``True`` when nothing is left."""
        return True

    def close(self, timeout: float = 10.0) -> None:
        """Flush within ``timeout`` seconds and release resources; what is left is reported, not dropped."""

    def __enter__(self) -> Backend:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

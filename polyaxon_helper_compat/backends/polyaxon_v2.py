"""The ``polyaxon-v2`` backend: the legacy surface delegated to ``polyaxon.tracking`` (Polyaxon v1/v2).

Chosen (see :mod:`polyaxon_helper_compat._settings`) in a v2 run (``POLYAXON_IS_MANAGED`` with
``POLYAXON_RUN_INSTANCE``) or when forced with ``POLYAXON_COMPAT_BACKEND=polyaxon-v2`` (then
``POLYAXON_HOST`` + ``POLYAXON_COMPAT_PROJECT=owner/project`` for a server, or ``POLYAXON_IS_OFFLINE=true``
for v2's offline store), and only when the ``polyaxon`` distribution (>= 1.0) is installed. ``polyaxon`` is
imported here, when the backend is created, never by ``import polyaxon_helper``.

One ``tracking.init()`` per process, at creation (or the run the script already started with ``tracking.init()``,
reused: code half migrated to v2 logs into one run). Mapping (v0 -> v2, shared research §1):

- metric rows -> ``tracking.log_metrics(step=, **metrics)``. A v0 ``step`` key is v2's x-axis (passed as
  ``step=``, so no ``step`` metric is stored); a ``step`` v2 refuses (``10.5``) and a ``timestamp`` key are
  logged as metrics of that name (``log_metric``), so nothing is lost; ``None`` values, which v2 refuses, are
  skipped with one stderr line per name; if v2 still refuses the row, each metric is logged on its own so one
  bad value never drops the others. Names v2 renames (``val/loss`` -> ``val__loss``) are reported once.
- ``params`` -> ``log_inputs``; ``tags`` -> ``log_tags``; ``name``/``description`` -> ``set_name``/
  ``set_description``; ``data_refs`` ``{name: hash}`` -> ``log_data_ref(name=, hash=)``; statuses ->
  ``log_succeeded``/``log_failed``/``log_stopped``/``log_status(status, message=)`` (a traceback is folded
  into the message); files and folders -> ``log_artifact`` (``kind="dir"`` for a folder; never v2
  ``log_outputs``); ``run_env`` and the code ref -> nothing (``init`` tracks both itself).
- ``outputs_path()`` -> ``tracking.get_outputs_path()``; :meth:`inputs` -> the run's inputs.

Transport and API errors never reach the training loop: they are reported on stderr once per operation.
Under ``POLYAXON_NO_OP`` (with the backend forced) v2's own no-op run is used and ``close`` tolerates its
missing exit handler.
"""
from __future__ import annotations

import math
import os
import sys
from typing import Any, Mapping

from polyaxon_helper_compat import _settings
from polyaxon_helper_compat.backends.base import Backend

__all__ = ["PolyaxonV2Backend", "V2Unavailable", "bad_booleans", "metric_step", "split_reserved"]

#: polyaxon's ClientConfig booleans: an empty or unknown value makes ``import polyaxon.tracking`` raise a
#: pydantic ValidationError, after purging the user's client config file (research headline 7).
BOOLEANS = ("POLYAXON_NO_OP", "POLYAXON_IS_MANAGED", "POLYAXON_IS_OFFLINE", "POLYAXON_K8S_IN_CLUSTER",
            "POLYAXON_DEBUG", "POLYAXON_VERIFY_SSL", "POLYAXON_ASSERT_HOSTNAME", "POLYAXON_NO_API",
            "POLYAXON_DISABLE_ERRORS_REPORTING")
#: what pydantic's bool parsing accepts (any case; checked with polyaxon 2.18 / pydantic 2).
_ACCEPTED = {"1", "true", "t", "yes", "y", "on", "0", "false", "f", "no", "n", "off"}


class V2Unavailable(RuntimeError):
    """The v2 backend cannot be used here (polyaxon missing or too old, bad configuration, init failed)."""


def bad_booleans(environ: dict[str, str] | os._Environ[str] | None = None) -> list[str]:
    """Return ``NAME=value`` for each polyaxon boolean variable set to a value polyaxon's import refuses."""
    env = os.environ if environ is None else environ
    return ["%s=%r" % (name, env[name]) for name in BOOLEANS if name in env and env[name].lower() not in _ACCEPTED]


def _say(message: str) -> None:
    print("polyaxon-helper-compat: %s" % message, file=sys.stderr)


def metric_step(value: Any) -> int | None:
    """Return ``value`` as a v2 step (an int), or ``None`` when v2 would refuse it (``10.5``, NaN, None).

    v2 validates the step with pydantic as an int: ints, bools and integral floats pass (``5.0`` -> 5).
    """
    if isinstance(value, bool) or isinstance(value, int):
        return int(value)
    if isinstance(value, float) and math.isfinite(value) and value.is_integer():
        return int(value)
    return None


def split_reserved(values: Mapping[str, Any]) -> tuple[int | None, dict[str, Any], dict[str, Any]]:
    """Split one v0 metric row into ``(step, metrics, reserved)`` for v2 ``log_metrics(step=, **metrics)``.

    v0 stored ``step`` and ``timestamp`` as ordinary metrics; v2 reserves both keywords (``step`` is the
    x-axis, ``timestamp`` the event time). A ``step`` usable as a v2 step becomes ``step`` (not stored as a
    metric, the v2 meaning); anything else under those two names is returned in ``reserved`` to be logged
    one by one as a metric of that name. ``None`` values (v0 accepted them, v2 raises) are dropped into
    ``reserved`` too with the value ``None``, so the caller can report them.
    """
    metrics = dict(values)
    reserved: dict[str, Any] = {}
    step = None
    if "step" in metrics:
        step = metric_step(metrics["step"])
        raw = metrics.pop("step")
        if step is None:
            reserved["step"] = raw
    if "timestamp" in metrics:
        reserved["timestamp"] = metrics.pop("timestamp")
    for name in [n for n, v in metrics.items() if v is None]:
        reserved[name] = metrics.pop(name)
    return step, metrics, reserved


class PolyaxonV2Backend(Backend):
    """Delegate to ``polyaxon.tracking`` (see the module docstring).

    Args:
        owner, project: the v2 project of a run created from outside a cluster (default: from
            ``POLYAXON_COMPAT_PROJECT`` ``"owner/project"``); ignored in a managed run.
        track_code, track_env: passed to ``tracking.init``.

    Raises :class:`V2Unavailable` (with the reason) when polyaxon >= 1.0 is not installed, a polyaxon boolean
    variable has a value its import would refuse, the import fails or ``tracking.init`` fails.
    """

    name = "polyaxon-v2"

    def __init__(self, owner: str | None = None, project: str | None = None, track_code: bool = True,
                 track_env: bool = True) -> None:
        if _settings.polyaxon_version() is None:
            raise V2Unavailable("polyaxon >= %s is not installed" % _settings.POLYAXON_MIN_VERSION)
        bad = bad_booleans()
        if bad:  # importing polyaxon would purge the client config and raise
            raise V2Unavailable("%s is not a boolean polyaxon accepts (use true or false)" % ", ".join(bad))
        if owner is None and project is None and os.environ.get("POLYAXON_COMPAT_PROJECT"):
            owner, _, project = os.environ["POLYAXON_COMPAT_PROJECT"].replace(".", "/").partition("/")
        try:
            from polyaxon import tracking
        except Exception as exc:
            raise V2Unavailable("import polyaxon.tracking failed: %s" % exc) from exc
        self._tracking: Any = tracking  # typed as Any: polyaxon's own annotations are partial
        self._reported: set[str] = set()
        import importlib.util

        if importlib.util.find_spec("pandas") is None:  # traceml's end-of-run summary imports it
            _say("pandas is not installed: Polyaxon v2 cannot write the run's summary at exit "
                 "(pip install 'polyaxon-helper-compat[v2]')")
        existing = getattr(tracking, "TRACKING_RUN", None)
        #: whether this backend started the run (a run the script started with tracking.init() is reused and
        #: left to the script: a code base half migrated by ``to-polyaxon-v2`` logs into one run)
        self._owned = existing is None
        try:
            self.run: Any = existing if existing is not None else tracking.init(
                owner=owner or None, project=project or None, track_code=track_code, track_env=track_env)
        except Exception as exc:
            raise V2Unavailable("tracking.init() failed: %s" % exc) from exc
        self._closed = False

    # -- helpers ------------------------------------------------------------------------------------
    def _once(self, key: str, message: str) -> None:
        if key not in self._reported:
            self._reported.add(key)
            _say(message)

    def _call(self, what: str, *args: Any, **kwargs: Any) -> Any:
        """Call ``tracking.<what>``; an error is reported (once per operation) instead of raised."""
        func = getattr(self._tracking, what, None)
        if not callable(func):  # polyaxon.tracking answers None for names it does not know
            self._once("missing:" + what, "polyaxon.tracking.%s is not available; not recorded" % what)
            return None
        try:
            return func(*args, **kwargs)
        except Exception as exc:
            self._once("error:" + what, "Polyaxon v2 %s failed: %s: %s" % (what, type(exc).__name__, exc))
            return None

    def _check_names(self, names: Any) -> None:
        try:
            from polyaxon._utils.fqn_utils import to_fqn_name
        except ImportError:  # a polyaxon without it keeps names as given
            return
        for name in names:
            fqn = to_fqn_name(name)
            if fqn != name:
                self._once("name:" + name, "Polyaxon v2 records metric %r as %r" % (name, fqn))

    # -- Backend ------------------------------------------------------------------------------------
    def log_metrics(self, values: dict[str, Any], created_at: float) -> None:
        step, metrics, reserved = split_reserved(values)
        for name, value in reserved.items():
            if value is None:
                self._once("none:" + name, "metric %r is None, which Polyaxon v2 refuses; skipped" % name)
            else:
                self._once("reserved:" + name, "metric %r: logged as a metric named %r (v2 reserves the keyword)"
                           % (name, name))
                self._call("log_metric", name=name, value=value, step=step)
        if not metrics:
            return
        self._check_names(metrics)
        try:
            self._tracking.log_metrics(step=step, **metrics)
        except Exception:  # v2 drops the whole row for one bad value: log them one by one
            for name, value in metrics.items():
                self._call("log_metric", name=name, value=value, step=step)

    def update(self, patch: dict[str, Any]) -> None:
        patch = dict(patch)
        reset = not patch.pop("merge", False)
        for key, value in patch.items():
            if key == "params":
                self._call("log_inputs", reset=reset, **value)
            elif key == "tags":
                self._call("log_tags", value, reset=reset)
            elif key == "name":
                self._call("set_name", value)
            elif key == "description":
                self._call("set_description", value)
            elif key == "data_refs":
                for name, digest in value.items():
                    self._call("log_data_ref", name=name, hash=digest, skip_hash_calculation=True)
            elif key in ("run_env", "code_ref"):
                continue  # tracking.init() logs the environment and the code reference itself
            elif value is not None:
                self._call("log_meta", **{key: value})

    def log_status(self, status: str, message: str | None = None, traceback: str | None = None) -> None:
        if traceback:
            message = "%s\n%s" % (message, traceback) if message else traceback
        if status == "running":
            return  # v2 marks its run running itself
        final = {"succeeded": "log_succeeded", "failed": "log_failed", "stopped": "log_stopped"}.get(status)
        if final is None:
            self._call("log_status", status, message=message)
        elif message:
            self._call(final, message=message)
        else:
            self._call(final)

    def log_artifact(self, path: str) -> None:
        if os.path.isdir(path):
            self._call("log_artifact", path, kind="dir")
        else:
            self._call("log_artifact", path)

    def log_code_ref(self, code_ref: dict[str, Any] | None) -> None:
        """Nothing: ``tracking.init(track_code=True)`` already logged the code reference."""

    def outputs_path(self) -> str | None:
        path = self._call("get_outputs_path")
        return path if isinstance(path, str) else None

    def inputs(self) -> dict[str, Any] | None:
        """Return the run's inputs (v2 ``Run.get_inputs``: refreshed from the API when empty), or ``None``."""
        run = getattr(self._tracking, "TRACKING_RUN", None)
        try:
            inputs = run.get_inputs() if run is not None else None
        except Exception as exc:
            self._once("error:get_inputs", "Polyaxon v2 get_inputs failed: %s: %s" % (type(exc).__name__, exc))
            return None
        return dict(inputs) if isinstance(inputs, dict) else None

    def run_info(self) -> tuple[str, str, str] | None:
        """Return the v2 run's ``(owner, project, uuid)``, or ``None`` (a no-op run has none)."""
        try:
            info = (self.run.owner, self.run.project, self.run.run_uuid)
        except AttributeError:
            return None
        return info if all(isinstance(part, str) for part in info) else None

    def run_name(self) -> str | None:
        """Return the v2 run's name, or ``None``."""
        data = getattr(getattr(self._tracking, "TRACKING_RUN", None), "run_data", None)
        name = getattr(data, "name", None)
        return name if isinstance(name, str) else None

    def close(self, timeout: float = 10.0) -> None:
        """End the run (flush events, final status); a no-op v2 run has nothing to end."""
        if self._closed or not getattr(self, "_owned", True):
            return
        self._closed = True
        try:
            self._tracking.end()
        except AttributeError:  # POLYAXON_NO_OP: the run has no exit handler (research §3)
            pass
        except Exception as exc:
            _say("Polyaxon v2 end failed: %s: %s" % (type(exc).__name__, exc))

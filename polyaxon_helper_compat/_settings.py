"""Reading the process environment: booleans, JSON values, and which Polyaxon context we run in.

The context is read from environment variables only, never guessed from the network (DESIGN.md,
"Context"), and it is read again at every call of :func:`get_context`, as the originals read their
variables at every call: a variable set after import (by a notebook, a launcher, a test) counts. Only the
process's run fixes the context it logs with, when it starts (see :mod:`polyaxon_helper_compat._run`).
Names and parsing follow polyaxon-client 0.5.0 ``settings.py`` (booleans through
``distutils.util.strtobool``), except that an unparsable boolean does not crash the import as it did
there (rhea raised ``RheaError``): it counts as false and one warning line goes to stderr (once per value).
"""
from __future__ import annotations

import json
import os
import sys
from dataclasses import dataclass
from typing import Any, Mapping

__all__ = ["V01_MARKERS", "V01_VARIABLES", "Context", "get_bool", "get_context", "in_cluster", "polyaxon_version",
           "read_json_env", "reset_context"]

_TRUE = {"y", "yes", "t", "true", "on", "1"}
_FALSE = {"n", "no", "f", "false", "off", "0"}

#: Context kinds, in the order they are detected.
NO_OP = "no-op"
V0 = "v0"  # polyaxon-client era (v0.2+): POLYAXON_IS_MANAGED / POLYAXON_IN_CLUSTER
V01 = "v0.1"  # standalone helper era (polyaxon-helper 0.1.x): POLYAXON_API, POLYAXON_INTERNAL_SECRET_TOKEN, ...
V2 = "v2"  # a Polyaxon v1/v2 run: POLYAXON_IS_MANAGED with POLYAXON_RUN_INSTANCE (owner.project.runs.<uuid>)
OUTSIDE = "outside"

#: Every variable polyaxon-helper 0.1.9 reads (its ``__init__.py``, the whole package). Each getter returns its
#: variable when it is set, as 0.1.9 did, in every context but no-op and v2.
V01_VARIABLES = (
    "POLYAXON_CLUSTER",  # get_cluster_def, get_tf_config
    "POLYAXON_DECLARATIONS",  # get_declarations
    "POLYAXON_EXPERIMENT_INFO",  # get_experiment_info, send_metrics
    "POLYAXON_TASK_INFO",  # get_task_info, get_tf_config
    "POLYAXON_JOB_INFO",  # get_job_info
    "POLYAXON_DATA_PATHS",  # get_data_paths
    "POLYAXON_RUN_OUTPUTS_PATH",  # get_outputs_path, get_tf_config
    "POLYAXON_REFS_OUTPUTS_PATHS",  # get_outputs_refs_paths
    "POLYAXON_LOG_LEVEL",  # get_log_level
    "POLYAXON_API",  # get_api, send_metrics
    "POLYAXON_INTERNAL_SECRET_TOKEN",  # get_internal_token, send_metrics
)
#: The variables that mean a v0.1 cluster: all of :data:`V01_VARIABLES` but ``POLYAXON_LOG_LEVEL``, which is
#: also Polyaxon v2's client log level (set on laptops too); alone, it is only what ``get_log_level()`` returns.
V01_MARKERS = tuple(name for name in V01_VARIABLES if name != "POLYAXON_LOG_LEVEL")
#: The v0.1 variables that say metrics are to be sent to a v0.1 API (the ``http-v0`` backend, 0.1.9's wire).
V01_API_VARIABLES = ("POLYAXON_API", "POLYAXON_INTERNAL_SECRET_TOKEN")
#: Everything the context depends on (its cache key).
_CONTEXT_VARIABLES = ("POLYAXON_NO_OP", "POLYAXON_IS_MANAGED", "POLYAXON_IN_CLUSTER", "POLYAXON_RUN_INSTANCE",
                      "POLYAXON_COMPAT_BACKEND") + V01_MARKERS

#: Backend names accepted by POLYAXON_COMPAT_BACKEND.
POLYAXON_V2 = "polyaxon-v2"
BACKENDS = ("http-v0", "local", "no-op", POLYAXON_V2)


def get_bool(name: str, environ: Mapping[str, str] | None = None) -> bool:
    """Return the boolean value of environment variable ``name`` (unset or empty -> ``False``).

    Accepts what ``strtobool`` accepts (``true/false``, ``1/0``, ``yes/no``, ``on/off``, ``t/f``, ``y/n``,
    any case). Any other value prints one warning naming the variable on stderr and counts as ``False``.
    """
    env = os.environ if environ is None else environ
    raw = env.get(name, "").strip().lower()
    if not raw or raw in _FALSE:
        return False
    if raw in _TRUE:
        return True
    print(
        "polyaxon-helper-compat: ignoring %s=%r: not a boolean (use true/false or 1/0)" % (name, env[name]),
        file=sys.stderr,
    )
    return False


def read_json_env(name: str, what: str) -> Any:
    """Return ``json.loads`` of environment variable ``name``, ``None`` when it is unset or empty.

    When the value is not valid JSON, print the same message polyaxon-client 0.5.0 prints on stdout
    (``'Could get <what>, please make sure this is running inside a polyaxon job.'``) and return ``None``.
    """
    value = os.environ.get(name)
    if not value:
        return None
    try:
        return json.loads(value)
    except ValueError:
        print("Could get %s, please make sure this is running inside a polyaxon job." % what)
        return None


@dataclass(frozen=True)
class Context:
    """Where this process runs.

    ``kind`` is one of ``"no-op"``, ``"v0"`` (v0.2+), ``"v0.1"``, ``"v2"`` or ``"outside"``; ``backend`` is
    the backend chosen for it (``"no-op"``, ``"http-v0"``, ``"polyaxon-v2"`` or ``"local"``), possibly forced
    by ``POLYAXON_COMPAT_BACKEND``. ``is_managed`` mirrors polyaxon-client's ``settings.IS_MANAGED``.

    Precedence, first match wins: ``POLYAXON_NO_OP`` -> no-op; ``POLYAXON_IS_MANAGED`` with
    ``POLYAXON_RUN_INSTANCE`` -> v2 (backend ``polyaxon-v2`` when polyaxon >= 1.0 is installed, else
    ``local``); ``POLYAXON_IS_MANAGED`` or ``POLYAXON_IN_CLUSTER`` -> v0.2+ (even when v0.1 names are also
    set); any of :data:`V01_MARKERS` -> v0.1 (backend ``http-v0`` when ``POLYAXON_API`` or
    ``POLYAXON_INTERNAL_SECRET_TOKEN`` is set, else ``local``: there is no API to send to); otherwise outside.
    """

    kind: str
    backend: str
    is_managed: bool


#: Contexts already detected, by the values of :data:`_CONTEXT_VARIABLES` (so that the warnings of
#: :func:`_detect` and the check of the installed polyaxon happen once per environment, not per call).
_contexts: dict[tuple[str | None, ...], Context] = {}


def _detect() -> Context:
    no_op = get_bool("POLYAXON_NO_OP")
    is_managed = get_bool("POLYAXON_IS_MANAGED")
    in_cluster = get_bool("POLYAXON_IN_CLUSTER")
    if no_op:
        kind, backend = NO_OP, "no-op"
    elif is_managed and os.environ.get("POLYAXON_RUN_INSTANCE"):
        kind, backend = V2, _v2_backend_name()
    elif is_managed or in_cluster:
        kind, backend = V0, "http-v0" if is_managed else "local"
    elif any(os.environ.get(name) for name in V01_MARKERS):
        kind = V01
        backend = "http-v0" if any(os.environ.get(name) for name in V01_API_VARIABLES) else "local"
    else:
        kind, backend = OUTSIDE, "local"
    forced = os.environ.get("POLYAXON_COMPAT_BACKEND", "").strip().lower()
    if forced:
        if forced in BACKENDS:
            backend = forced
        else:
            print(
                "polyaxon-helper-compat: ignoring POLYAXON_COMPAT_BACKEND=%r (expected one of %s)"
                % (forced, ", ".join(BACKENDS)),
                file=sys.stderr,
            )
    return Context(kind=kind, backend=backend, is_managed=is_managed)


def _v2_backend_name() -> str:
    """``"polyaxon-v2"`` when polyaxon >= 1.0 is installed (checked without importing it), else ``"local"``."""
    if polyaxon_version() is not None:
        return POLYAXON_V2
    print("polyaxon-helper-compat: this is a Polyaxon v2 run, but polyaxon >= 1.0 is not installed "
          "(pip install 'polyaxon-helper-compat[v2]'); recording locally", file=sys.stderr)
    return "local"


#: The oldest polyaxon the polyaxon-v2 backend works with.
POLYAXON_MIN_VERSION = "1.0"


def polyaxon_version() -> str | None:
    """Return the installed ``polyaxon`` version if it is >= :data:`POLYAXON_MIN_VERSION`, else ``None`` (no import)."""
    try:
        from importlib.metadata import PackageNotFoundError, version

        from packaging.version import InvalidVersion, Version
    except ImportError:  # pragma: no cover - packaging is a dependency
        return None
    try:
        found = version("polyaxon")
        return found if Version(found) >= Version(POLYAXON_MIN_VERSION) else None
    except (PackageNotFoundError, InvalidVersion):
        return None


def in_cluster() -> bool:
    """Return ``True`` in a v0.2+ or v0.1 cluster context now (where ``get_outputs_path`` and
    ``get_tf_config`` read the environment instead of the local run)."""
    return get_context().kind in (V0, V01)


def get_context() -> Context:
    """Return the :class:`Context` of the environment as it is now (read at every call, a few microseconds).

    Detection (and its warnings on stderr) runs once per distinct value of the variables it depends on.
    """
    env = os.environ
    key = tuple([env.get(name) for name in _CONTEXT_VARIABLES])
    context = _contexts.get(key)
    if context is None:
        if len(_contexts) >= 64:  # a script changing these variables in a loop: keep the memory bounded
            _contexts.clear()
        context = _contexts[key] = _detect()
    return context


def reset_context() -> None:
    """Forget the contexts detected so far: their warnings are printed again, polyaxon is looked up again
    (tests change the environment and the installed packages between cases)."""
    _contexts.clear()

"""polyaxon-helper-compat: the whole ``polyaxon_helper`` surface on modern Python.

``from polyaxon_helper_compat import send_metrics`` (or, unchanged, ``from polyaxon_helper import
send_metrics``) works on Python 3.9-3.13 in every context:

- in a Polyaxon v0 cluster (``POLYAXON_IS_MANAGED``/``POLYAXON_IN_CLUSTER``) getters return exactly what
  polyaxon-helper 0.5.0 returns and metrics are sent to the v0 API as it sent them;
- in a v0.1 cluster (any variable polyaxon-helper 0.1.9 read, e.g. ``POLYAXON_API`` or ``POLYAXON_CLUSTER``)
  getters, ``get_api`` and ``get_internal_token`` return what 0.1.9 returned, and metrics go to the v0.1 API
  when ``POLYAXON_API``/``POLYAXON_INTERNAL_SECRET_TOKEN`` say where;
- outside any cluster the run is recorded in a local run store (see the README), where the original raised;
- with ``POLYAXON_NO_OP=true`` every getter returns ``None`` and nothing is sent or written.

``experiment`` is the module's default ``Experiment`` (a module attribute served by ``__getattr__``). In a
v0 cluster it is created at import, as polyaxon-helper 0.5.0 did (which sends the run environment);
elsewhere on first access. Unlike the original it is never ``None``: outside a cluster it records locally.
Getters read the environment at every call; the run (where ``send_metrics`` goes) keeps the context it
started with (see :mod:`polyaxon_helper_compat._run` for when that is).
"""
from __future__ import annotations

import logging
import os
import sys
from typing import Any

from polyaxon_helper_compat import _settings
from polyaxon_helper_compat._getters import (
    get_api,
    get_cluster_def,
    get_data_paths,
    get_experiment_info,
    get_internal_token,
    get_job_info,
    get_log_level,
    get_outputs_path,
    get_outputs_refs_paths,
    get_params,
    get_task_info,
    get_tf_config,
)

__all__ = [
    "experiment",
    "get_api",
    "get_cluster_def",
    "get_data_paths",
    "get_declarations",
    "get_experiment_info",
    "get_internal_token",
    "get_job_info",
    "get_log_level",
    "get_outputs_path",
    "get_outputs_refs_paths",
    "get_params",
    "get_task_info",
    "get_tf_config",
    "send_metrics",
]

# A library configures no logging: records go nowhere unless the application sets up handlers.
logging.getLogger(__name__).addHandler(logging.NullHandler())

_experiment: Any = None


def get_declarations() -> dict[str, Any] | None:
    """Return the experiment's declarations/params; same as :func:`get_params` (polyaxon-helper 0.5.0)."""
    return get_params()


def send_metrics(**metrics: Any) -> None:
    """Record one row of metrics, e.g. ``send_metrics(loss=0.1, accuracy=0.9)``.

    Matches polyaxon-helper 0.5.0 ``send_metrics`` (``experiment.log_metrics(**metrics)``): in a v0
    cluster the row is queued and sent in batches by a background thread; outside a cluster it is appended
    to the local run's ``metrics.jsonl``; under no-op it is ignored. Returns ``None``; raises ``TypeError``
    naming a metric whose value is not a number; never raises for delivery problems.
    """
    _default_experiment().log_metrics(**metrics)


def _default_experiment() -> Any:
    global _experiment
    if _experiment is None:
        from polyaxon_helper_compat.tracking import Experiment

        _experiment = Experiment()
    return _experiment


def __getattr__(name: str) -> Any:
    if name == "experiment":
        return _default_experiment()
    raise AttributeError("module %r has no attribute %r" % (__name__, name))


def _importing_a_submodule() -> bool:
    """``True`` while this package is imported on the way to one of its submodules (``import
    polyaxon_helper_compat.tracking``, ``from polyaxon_helper_compat.client import PolyaxonClient``): the
    experiment polyaxon-helper 0.5.0 created at import belongs to ``import polyaxon_helper`` (and its
    replacement ``import polyaxon_helper_compat``), not to polyaxon-client's modules, which sent nothing at
    import. Read from the import system's frames (``_find_and_load(name)``); when they cannot be read, ``False``.
    """
    frame = sys._getframe(1)
    while frame is not None:
        code = frame.f_code
        if code.co_name == "_find_and_load" and code.co_filename.startswith("<frozen importlib"):
            name = frame.f_locals.get("name")
            if isinstance(name, str) and name.startswith(__name__ + "."):
                return True
        frame = frame.f_back  # type: ignore[assignment]
    return False


# In a v0 experiment's pod, as polyaxon-helper 0.5.0 (which sends run_env at import). Not in a job's pod
# (POLYAXON_JOB_INFO, no experiment info), where only ``tracking.Job`` applies, and not when the import is for
# ``polyaxon_helper_compat.tracking``/``.client`` (polyaxon-client 0.6.1's modules: ``Experiment(track_env=False)``
# must send no run_env, a script that only uses ``PolyaxonClient`` nothing).
if (_settings.get_context().kind == _settings.V0 and os.environ.get("POLYAXON_EXPERIMENT_INFO")
        and not _importing_a_submodule()):
    _default_experiment()

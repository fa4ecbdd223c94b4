"""The v0 tracking API (``polyaxon_client.tracking``) on modern Python: ``Experiment``, ``Job`` and the
module functions ``get_outputs_path``, ``get_data_paths``, ``get_log_level``, ``get_outputs_refs_paths``.

Signatures and request bodies match polyaxon-client 0.5.0 ``tracking/experiment.py`` and ``base.py``.
Calls go to the process's backend (:mod:`polyaxon_helper_compat._run`): the v0 REST API in a cluster, the
local run store outside one, nothing under ``POLYAXON_NO_OP``. Unlike the original, transport errors never
reach the caller, and creating an ``Experiment`` outside a cluster records locally instead of raising.
"""
from __future__ import annotations

import datetime
import hashlib

from typing import Any, Iterable

from polyaxon_helper_compat import _getters, _run, _settings
from polyaxon_helper_compat._getters import (
    get_base_outputs_path,
    get_data_paths,
    get_log_level,
    get_outputs_path,
    get_outputs_refs_paths,
)
from polyaxon_helper_compat.backends.base import Backend
from polyaxon_helper_compat.exceptions import PolyaxonClientException

__all__ = [
    "Experiment",
    "Job",
    "get_base_outputs_path",
    "get_data_paths",
    "get_log_level",
    "get_outputs_path",
    "get_outputs_refs_paths",
]

#: ``POLYAXON_HASH_LENGTH`` default of polyaxon-client 0.5.0.
HASH_LENGTH = 12
_FINAL = ("succeeded", "failed", "stopped")


def _metric_value(name: str, value: Any) -> int | float | None:
    """Validate one metric value as polyaxon-client 0.5.0 ``create_metric`` does (numbers, ``None``, numpy
    scalars and anything with ``.item()`` such as 0-d tensors); raise ``TypeError`` naming the metric."""
    if value is None or isinstance(value, (int, float)):
        return value
    item = getattr(value, "item", None)
    if callable(item):
        try:
            result = item()
        except Exception as exc:
            raise TypeError("metric %r: cannot convert %s to a number (%s)" % (name, type(value).__name__, exc)) from exc
        if isinstance(result, (int, float)):
            return result
    raise TypeError("metric %r must be a number, got %s: %r" % (name, type(value).__name__, value))


def validate_metrics(metrics: dict[str, Any]) -> dict[str, int | float | None]:
    """Return ``metrics`` with numpy/tensor scalars converted to Python numbers.

    Raises ``TypeError`` naming the first metric whose value is not a number (the original raised
    ``PolyaxonClientException``; a wrong metric is a bug in the script, so it is not swallowed).
    """
    return {name: _metric_value(name, value) for name, value in metrics.items()}


def _validate_tags(tags: str | Iterable[str] | None) -> list[str] | None:
    """Tags as polyaxon-client 0.5.0 ``validate_tags``: a comma-separated string or a list of strings."""
    if not tags:
        return None
    if isinstance(tags, str):
        tags = [tag.strip() for tag in tags.split(",")]
    tags = list(tags)
    for tag in tags:
        if not (tag and isinstance(tag, str)):
            raise PolyaxonClientException(
                "Received an invalid tag {}. Please make sure that the tags are list of strings, "
                "or a string containing comma separated values.".format(tag))
    return tags


class _Tracker:
    """What ``Experiment`` and ``Job`` share (polyaxon-client 0.5.0 ``BaseTracker``)."""

    def __init__(self, track_env: bool = True) -> None:
        ctx = _settings.get_context()
        self.last_status: str | None = None
        self._backend: Backend = _run.get_backend()
        self.track_env = track_env
        if ctx.kind == _settings.NO_OP:
            return
        if track_env and (ctx.is_managed or ctx.backend == "local"):
            _run.send_run_env_once()

    def _update(self, patch: dict[str, Any]) -> None:
        self._backend.update(patch)

    def log_status(self, status: str, message: str | None = None, traceback: str | None = None) -> None:
        """Record ``status`` (``"running"``, ``"succeeded"``, ...) with an optional message and traceback."""
        self._backend.log_status(status, message=message, traceback=traceback)

    def end(self, status: str, message: str | None = None, traceback: str | None = None) -> None:
        """Record a final status once; later calls after a final status are ignored (as the original)."""
        if self.last_status in _FINAL:
            return
        self.log_status(status, message=message, traceback=traceback)
        self.last_status = status

    def log_succeeded(self) -> None:
        """Mark the run succeeded."""
        self.end("succeeded")

    def log_stopped(self) -> None:
        """Mark the run stopped."""
        self.end("stopped")

    def log_failed(self, message: str | None = None, traceback: str | None = None) -> None:
        """Mark the run failed, with an optional message and traceback."""
        self.end("failed", message=message, traceback=traceback)

    succeeded = log_succeeded
    stop = log_stopped
    failed = log_failed

    def log_run_env(self) -> None:
        """Send the run environment (pid, host, Python, packages, ...: see ``_env.get_run_env``)."""
        from polyaxon_helper_compat._env import get_run_env

        self._update({"run_env": get_run_env()})

    def log_tags(self, tags: str | Iterable[str], reset: bool = False) -> None:
        """Add ``tags`` (list of str or ``"a, b"``); ``reset=True`` replaces the run's tags."""
        patch: dict[str, Any] = {"tags": _validate_tags(tags)}
        if reset is False:
            patch["merge"] = True
        self._update(patch)

    def log_params(self, reset: bool = False, **params: Any) -> None:
        """Record params (merged into the run's params unless ``reset=True``)."""
        patch: dict[str, Any] = {"params": params}
        if reset is False:
            patch["merge"] = True
        self._update(patch)

    def set_name(self, name: str) -> None:
        """Rename the run."""
        self._update({"name": name})

    def set_description(self, description: str) -> None:
        """Set the run's description."""
        self._update({"description": description})

    def log_data_ref(self, data: Any, data_name: str = "data", reset: bool = False) -> None:
        """Record a data reference: ``{data_name: md5(str(data))[:12]}`` (polyaxon-client ``hash_value``)."""
        digest = hashlib.md5(str(data).encode("utf-8")).hexdigest()[:HASH_LENGTH]
        patch: dict[str, Any] = {"data_refs": {data_name: digest}}
        if reset is False:
            patch["merge"] = True
        self._update(patch)

    def log_artifact(self, file_path: str) -> None:
        """Copy the file ``file_path`` into the run's outputs."""
        self._backend.log_artifact(file_path)

    def log_artifacts(self, dir_path: str) -> None:
        """Copy the folder ``dir_path`` into the run's outputs."""
        self._backend.log_artifact(dir_path)

    def log_output(self, filename: str, **kwargs: Any) -> None:
        """Deprecated name of :meth:`log_artifact` (kept for old scripts)."""
        self.log_artifact(filename)

    def log_outputs(self, dirname: str, **kwargs: Any) -> None:
        """Deprecated name of :meth:`log_artifacts` (kept for old scripts)."""
        self.log_artifacts(dirname)

    def get_outputs_path(self) -> str | None:
        """Return the run's outputs path (see :func:`get_outputs_path`)."""
        return get_outputs_path()

    def get_log_level(self) -> str | None:
        """Return ``POLYAXON_LOG_LEVEL`` in a cluster, else ``None``."""
        return get_log_level()

    get_data_paths = staticmethod(get_data_paths)
    get_outputs_refs_paths = staticmethod(get_outputs_refs_paths)


class Experiment(_Tracker):
    """A v0 experiment, as ``polyaxon_client.tracking.Experiment`` (0.5.0/0.6.1).

    In a v0 cluster it is the running experiment (project and id from ``POLYAXON_EXPERIMENT_INFO``) and
    creating it sends the run environment once per process. Outside a cluster it is the process's local run.
    Arguments are accepted for compatibility; ``project``, ``experiment_id``, ``group_id`` and ``client``
    select another experiment only against a v0 server (not supported yet: the process's run is used).
    """

    def __init__(self, project: str | None = None, experiment_id: int | str | None = None,
                 group_id: int | str | None = None, client: Any = None, track_logs: bool = True,
                 track_code: bool = True, track_env: bool = True, outputs_store: Any = None) -> None:
        super().__init__(track_env=track_env)
        self.project = project
        self.experiment_id = experiment_id
        self.group_id = group_id
        self.client = client
        self.track_logs = track_logs
        self.track_code = track_code

    def log_metrics(self, **metrics: Any) -> None:
        """Record one row of metrics (name -> number) at the current UTC time.

        Raises ``TypeError`` naming a metric whose value is not a number. Never raises for delivery
        problems. Matches polyaxon-client 0.5.0 ``Experiment.log_metrics``.
        """
        if _settings.get_context().kind == _settings.NO_OP:
            return
        values = validate_metrics(metrics)
        self._backend.log_metrics(values, str(datetime.datetime.now(datetime.timezone.utc)))

    get_cluster_def = staticmethod(_getters.get_cluster_def)
    get_task_info = staticmethod(_getters.get_task_info)
    get_experiment_info = staticmethod(_getters.get_experiment_info)
    get_params = staticmethod(_getters.get_params)
    get_declarations = staticmethod(_getters.get_params)

    @classmethod
    def get_tf_config(cls, envvar: str | None = "TF_CONFIG") -> dict[str, Any] | None:
        """Return (and export in ``os.environ[envvar]``) the TF_CONFIG; see ``_getters.get_tf_config``."""
        return _getters.get_tf_config(envvar)


class Job(_Tracker):
    """A v0 job (``polyaxon_client.tracking.Job``): statuses, outputs and :meth:`get_job_info`."""

    def __init__(self, project: str | None = None, job_id: int | str | None = None, client: Any = None,
                 track_logs: bool = True, track_code: bool = True, track_env: bool = True,
                 outputs_store: Any = None) -> None:
        # Job traffic (jobs/{id}/ paths) comes with the runtime issue; until then a Job records statuses
        # and artifacts through the process's run and sends no run_env of its own.
        super().__init__(track_env=False)
        self.project = project
        self.job_id = job_id
        self.client = client

    get_job_info = staticmethod(_getters.get_job_info)



"""Context getters shared by the helper surface and the ``tracking`` module.

Every getter reads the environment when it is called, as the originals did (polyaxon-helper 0.1.9 and
polyaxon-client 0.5.0 call ``os.getenv`` in each getter): a variable set after import counts, and so does a
change of context (:func:`polyaxon_helper_compat._settings.get_context` is read at every call too).

In a v0.2+ cluster context each getter returns exactly what polyaxon-client 0.5.0's ``tracking/paths.py``
and ``Experiment``/``Job`` static methods return for the same environment (JSON-decoded variables,
``None`` when unset, the original's message on stdout and ``None`` for invalid JSON), and in a v0.1 cluster
(any variable polyaxon-helper 0.1.9 read) what 0.1.9 returns. Outside any cluster the 0.5.0 getters raised
``PolyaxonClientException('This experiment/job is not managed by Polyaxon.')``; we return what 0.1.9 did
there (the variable when set, which outside a cluster can only be ``POLYAXON_LOG_LEVEL`` or a v0.2+-only
name, else ``None``), except :func:`get_outputs_path`, which returns the local run's outputs folder
(created), and :func:`get_tf_config`, which returns ``None``. Under ``POLYAXON_NO_OP`` every getter returns
``None``. In a Polyaxon v2 run (or with ``POLYAXON_COMPAT_BACKEND=polyaxon-v2`` outside a cluster) they read
the v2 run instead (:mod:`polyaxon_helper_compat._v2`: ``TF_CONFIG``, ``POLYAXON_RUN_INSTANCE``, the
connections catalog, the run's inputs and outputs path), keeping the v0 shapes.
"""
from __future__ import annotations

import json
import os
from typing import Any

from polyaxon_helper_compat import _settings, _v2

__all__ = [
    "get_api",
    "get_base_outputs_path",
    "get_cluster_def",
    "get_data_paths",
    "get_experiment_info",
    "get_internal_token",
    "get_job_info",
    "get_log_level",
    "get_outputs_path",
    "get_outputs_refs_paths",
    "get_params",
    "get_task_info",
    "get_tf_config",
]


_in_cluster = _settings.in_cluster


def _no_op() -> bool:
    return _settings.get_context().kind == _settings.NO_OP


def _json_getter(name: str, what: str, v01_name: str | None = None, v01_what: str | None = None) -> Any:
    """Decode ``name`` (a v0.2+ variable) or, when it is unset, ``v01_name`` (its v0.1 predecessor), with
    the message the generation that used that variable printed for invalid JSON."""
    if _no_op():
        return None
    if v01_name and not os.environ.get(name) and os.environ.get(v01_name):
        return _settings.read_json_env(v01_name, v01_what or what)
    return _settings.read_json_env(name, what)


def get_cluster_def() -> dict[str, list[str]] | None:
    """Return the cluster definition ``{"master": [...], "worker": [...], "ps": [...]}`` (``POLYAXON_CLUSTER``).

    Matches polyaxon-client 0.5.0 ``Experiment.get_cluster_def`` and polyaxon-helper 0.1.9; ``None`` when unset.
    v2: the operator's ``TF_CONFIG["cluster"]`` with ``chief`` presented as ``master`` (``None`` without it).
    """
    if _v2.active():
        return _v2.cluster_def()
    return _json_getter("POLYAXON_CLUSTER", "cluster definition")  # type: ignore[no-any-return]


def get_task_info() -> dict[str, Any] | None:
    """Return this task's ``{"type": str, "index": int}`` (``POLYAXON_TASK_INFO``), or ``None``.

    Matches polyaxon-client 0.5.0 ``Experiment.get_task_info``. v2: ``TF_CONFIG["task"]`` (``chief`` ->
    ``master``) or a PyTorchJob's ``RANK`` (see ``_v2.task_info``).
    """
    if _v2.active():
        return _v2.task_info()
    return _json_getter("POLYAXON_TASK_INFO", "task info")  # type: ignore[no-any-return]


def get_experiment_info() -> dict[str, Any] | None:
    """Return ``POLYAXON_EXPERIMENT_INFO`` decoded (project_name, experiment_name, uuids, group), or ``None``.

    Matches polyaxon-client 0.5.0 ``Experiment.get_experiment_info``. v2: built from the run (owner,
    project, uuid, name; see ``_v2.experiment_info``).
    """
    if _v2.active():
        return _v2.get_experiment_info()
    return _json_getter("POLYAXON_EXPERIMENT_INFO", "experiment info")  # type: ignore[no-any-return]


def get_job_info() -> dict[str, Any] | None:
    """Return ``POLYAXON_JOB_INFO`` decoded (project_name, job_name, uuids, role, type, app), or ``None``.

    Matches polyaxon-client 0.5.0 ``Job.get_job_info``. v2: built from the run (see ``_v2.job_info``).
    """
    if _v2.active():
        return _v2.get_job_info()
    # "experiment info" (sic): polyaxon-client 0.5.0 prints that message for POLYAXON_JOB_INFO too.
    return _json_getter("POLYAXON_JOB_INFO", "experiment info")  # type: ignore[no-any-return]


def get_params() -> dict[str, Any] | None:
    """Return the experiment's params/declarations, or ``None``.

    Reads ``POLYAXON_PARAMS`` (polyaxon-client 0.5.0 ``Experiment.get_params``), then, when it is unset,
    ``POLYAXON_DECLARATIONS`` (polyaxon-helper 0.1.9 ``get_declarations``, message "Could get declarations").
    v2: the run's inputs (``Run.get_inputs()``).
    """
    if _v2.active():
        return _v2.get_params()
    return _json_getter("POLYAXON_PARAMS", "params",  # type: ignore[no-any-return]
                        "POLYAXON_DECLARATIONS", "declarations")


def get_data_paths() -> dict[str, str] | None:
    """Return the mounted data paths ``{"data1": "/data/1", ...}``, or ``None``.

    Reads ``POLYAXON_RUN_DATA_PATHS`` (polyaxon-client 0.5.0 ``tracking.paths.get_data_paths``), then,
    when it is unset, ``POLYAXON_DATA_PATHS`` (polyaxon-helper 0.1.9). v2: ``{name: mount path or bucket}``
    of the connections catalog (``POLYAXON_CONNECTIONS_CATALOG``).
    """
    if _v2.active():
        return _v2.data_paths()
    return _json_getter("POLYAXON_RUN_DATA_PATHS", "data paths",  # type: ignore[no-any-return]
                        "POLYAXON_DATA_PATHS", "data paths")


def get_outputs_refs_paths() -> dict[str, list[str]] | None:
    """Return the referenced outputs ``{"jobs": [...], "experiments": [...]}`` (``POLYAXON_REFS_OUTPUTS_PATHS``).

    Matches polyaxon-client 0.5.0 ``tracking.paths.get_outputs_refs_paths``; ``None`` when unset and in v2
    (which passes upstream outputs through inputs and lineage instead).
    """
    if _v2.active():
        return None
    return _json_getter("POLYAXON_REFS_OUTPUTS_PATHS", "outputs refs paths")  # type: ignore[no-any-return]


def get_log_level() -> str | None:
    """Return ``POLYAXON_LOG_LEVEL`` (a string such as ``"INFO"``), ``None`` when unset or under no-op.

    Matches polyaxon-client 0.5.0 ``tracking.paths.get_log_level`` and polyaxon-helper 0.1.9
    ``get_log_level`` (which read it in every context, as we do); v2 reads the same variable.
    """
    if _no_op():
        return None
    return os.environ.get("POLYAXON_LOG_LEVEL")


def get_base_outputs_path() -> str | None:
    """Return ``POLYAXON_BASE_OUTPUTS_PATH`` or ``None`` (polyaxon-client 0.5.0, read in every context but no-op)."""
    if _no_op():
        return None
    return os.environ.get("POLYAXON_BASE_OUTPUTS_PATH")


def get_outputs_path() -> str | None:
    """Return the run's outputs path.

    In a v0.2+ or v0.1 cluster: ``POLYAXON_RUN_OUTPUTS_PATH`` as is (``None`` when unset), as
    polyaxon-client 0.5.0 and polyaxon-helper 0.1.9.
    Outside a cluster: the local run's ``outputs/`` folder (an absolute path, created on first call).
    Under no-op: ``None``.
    """
    ctx = _settings.get_context()
    if ctx.kind in (_settings.V0, _settings.V01):
        return os.environ.get("POLYAXON_RUN_OUTPUTS_PATH")
    if ctx.kind == _settings.NO_OP:
        return None
    from polyaxon_helper_compat import _run

    return _run.get_backend().outputs_path()


def get_tf_config(envvar: str | None = "TF_CONFIG") -> dict[str, Any] | None:
    """Return ``{"cluster": ..., "task": ..., "model_dir": outputs path, "environment": "cloud"}``.

    Matches polyaxon-client 0.5.0 ``Experiment.get_tf_config``: in a cluster, when ``envvar`` is truthy the
    result is also exported as JSON in ``os.environ[envvar]``. Outside a cluster and under no-op it returns
    ``None`` and exports nothing (a ``TF_CONFIG`` without a cluster would mislead TensorFlow). v2: from the
    operator's ``TF_CONFIG`` (``None`` without one; the exported ``TF_CONFIG`` keeps ``chief``, see
    ``_v2.tf_config``).
    """
    if _v2.active():
        return _v2.get_tf_config(envvar)
    if not _in_cluster():
        return None
    tf_config = {
        "cluster": get_cluster_def(),
        "task": get_task_info(),
        "model_dir": get_outputs_path(),
        "environment": "cloud",
    }
    if envvar:
        os.environ[envvar] = json.dumps(tf_config)
    return tf_config


def get_api(version: str = "v1") -> str | None:
    """Return the v0.1 API's base URL, ``"<POLYAXON_API>/api/<version>"`` (e.g. ``"http://10.0.0.1/api/v1"``).

    Matches polyaxon-helper 0.1.9 ``get_api``: when ``POLYAXON_API`` is unset or empty it prints ``Could get
    api info, please make sure this is running inside a polyaxon job.`` on stdout and returns ``None`` (in
    every context: v0.2+ and v2 clusters do not set ``POLYAXON_API``). Under ``POLYAXON_NO_OP``: ``None``,
    nothing printed, as every getter.
    """
    if _settings.get_context().kind == _settings.NO_OP:
        return None
    api = os.environ.get("POLYAXON_API")
    if not api:
        print("Could get api info, please make sure this is running inside a polyaxon job.")
        return None
    return "{}/api/{}".format(api, version)


def get_internal_token() -> str | None:
    """Return ``POLYAXON_INTERNAL_SECRET_TOKEN`` (the v0.1 internal token, sent as ``Authorization:
    Internaltoken <token>``), or ``None`` when it is unset.

    Matches polyaxon-helper 0.1.9 ``get_internal_token`` (an empty value is returned as it is). Under
    ``POLYAXON_NO_OP``: ``None``, as every getter.
    """
    if _settings.get_context().kind == _settings.NO_OP:
        return None
    return os.environ.get("POLYAXON_INTERNAL_SECRET_TOKEN")

"""Polyaxon v2 run context, read from the environment without importing ``polyaxon``.

Polyaxon v2 sets none of the v0 variables (no ``POLYAXON_EXPERIMENT_INFO``, ``POLYAXON_CLUSTER``, ...), so
in a v2 run the legacy getters need new sources. What the environment alone can give lives here, pure and
cheap (tested without polyaxon installed); what needs the run (inputs, outputs path) is in
:mod:`polyaxon_helper_compat.backends.polyaxon_v2`.

- ``POLYAXON_RUN_INSTANCE`` ``"<owner>.<project>.runs.<uuid>"`` (set by the v2 agent in every run's main
  container) -> :func:`run_instance` -> the v0-shaped :func:`experiment_info` and :func:`job_info`.
- ``TF_CONFIG`` (set by the Kubeflow training operator in a v2 ``tfjob``: ``{"cluster": {"chief": [...],
  "worker": [...], "ps": [...]}, "task": {"type": "chief", "index": 0}, "environment": "cloud"}``, or
  ``"sparseCluster"`` instead of ``"cluster"``) -> :func:`cluster_def`, :func:`task_info`, :func:`tf_config`
  in the v0 shapes, where the chief was called ``master``: ``chief`` is presented as ``master``.
- ``RANK`` / ``MASTER_ADDR`` (a v2 ``pytorchjob``) -> :func:`task_info` ``{"type": "master", "index": 0}`` for
  rank 0, ``{"type": "worker", "index": rank - 1}`` otherwise (the operator's numbering).
- ``POLYAXON_CONNECTIONS_CATALOG`` ``{"connections": [{"name", "kind", "schema": {...}}, ...]}`` ->
  :func:`data_paths` ``{name: mount path or bucket}`` (the v0 ``get_data_paths`` shape).
"""
from __future__ import annotations

import json
import os
from typing import Any, Mapping

__all__ = [
    "active",
    "cluster_def",
    "data_paths",
    "experiment_info",
    "get_experiment_info",
    "get_job_info",
    "get_params",
    "get_tf_config",
    "job_info",
    "polyaxon_ready",
    "run_instance",
    "task_info",
    "tf_config",
]

#: TFJob replica type -> the v0 name of the same role.
_V0_ROLE = {"chief": "master"}


def run_instance(environ: Mapping[str, str] | None = None) -> tuple[str, str, str] | None:
    """Return ``(owner, project, uuid)`` from ``POLYAXON_RUN_INSTANCE`` (``"alice.mnist.runs.<uuid>"``).

    ``None`` when it is unset or not exactly four dot-separated parts with ``runs`` third (the check of
    polyaxon 2.x ``get_run_info_from_instance``).
    """
    env = os.environ if environ is None else environ
    parts = (env.get("POLYAXON_RUN_INSTANCE") or "").split(".")
    if len(parts) != 4 or parts[2] != "runs" or not all(parts):
        return None
    return parts[0], parts[1], parts[3]


def experiment_info(name: str | None = None, environ: Mapping[str, str] | None = None,
                    info: tuple[str, str, str] | None = None) -> dict[str, Any] | None:
    """Return the v0 ``POLYAXON_EXPERIMENT_INFO`` shape for the v2 run, or ``None`` outside a v2 run.

    ``{"project_name": "alice.mnist", "project_uuid": None, "experiment_group_name": None,
    "experiment_group_uuid": None, "experiment_name": "alice.mnist.<uuid>", "experiment_uuid": "<uuid>",
    "name": <the run's name or None>}``: v2 has no groups and no numeric ids, so the id part of
    ``experiment_name`` (what ``.split(".")[-1]`` gives) is the run's uuid; ``name`` is extra (v2 runs have one).
    ``info`` ``(owner, project, uuid)`` is used when ``POLYAXON_RUN_INSTANCE`` is unset (a run created from
    outside a cluster).
    """
    info = run_instance(environ) or info
    if info is None:
        return None
    owner, project, uuid = info
    return {
        "project_name": "%s.%s" % (owner, project),
        "project_uuid": None,
        "experiment_group_name": None,
        "experiment_group_uuid": None,
        "experiment_name": "%s.%s.%s" % (owner, project, uuid),
        "experiment_uuid": uuid,
        "name": name,
    }


def job_info(name: str | None = None, environ: Mapping[str, str] | None = None,
             info: tuple[str, str, str] | None = None) -> dict[str, Any] | None:
    """Return the v0 ``POLYAXON_JOB_INFO`` shape for the v2 run, or ``None`` outside a v2 run.

    ``{"project_name": "alice.mnist", "project_uuid": None, "job_name": "alice.mnist.runs.<uuid>",
    "job_uuid": "<uuid>", "name": ...}``: v2 has a single "run" entity, so ``job_name`` is the run instance
    (v0 used ``jobs``/``builds`` in that place). ``info`` as in :func:`experiment_info`.
    """
    info = run_instance(environ) or info
    if info is None:
        return None
    owner, project, uuid = info
    return {
        "project_name": "%s.%s" % (owner, project),
        "project_uuid": None,
        "job_name": "%s.%s.runs.%s" % (owner, project, uuid),
        "job_uuid": uuid,
        "name": name,
    }


def _operator_tf_config(environ: Mapping[str, str]) -> dict[str, Any] | None:
    try:
        value = json.loads(environ.get("TF_CONFIG") or "null")
    except ValueError:
        return None
    return value if isinstance(value, dict) else None


def cluster_def(environ: Mapping[str, str] | None = None) -> dict[str, list[str]] | None:
    """Return the v0 cluster definition ``{"master": [...], "worker": [...], "ps": [...]}`` from ``TF_CONFIG``.

    The operator's ``chief`` becomes ``master`` (v0's name); other replica types keep theirs. ``None`` when
    ``TF_CONFIG`` is unset, invalid JSON or has neither ``cluster`` nor ``sparseCluster``.
    """
    config = _operator_tf_config(os.environ if environ is None else environ)
    cluster = config and (config.get("cluster") or config.get("sparseCluster"))
    if not isinstance(cluster, dict):
        return None
    return {_V0_ROLE.get(role, role): hosts for role, hosts in cluster.items()}


def task_info(environ: Mapping[str, str] | None = None) -> dict[str, Any] | None:
    """Return this replica's v0 ``{"type": str, "index": int}``, or ``None``.

    From ``TF_CONFIG["task"]`` (``chief`` -> ``master``), else from a PyTorchJob's ``RANK`` (with
    ``MASTER_ADDR`` set): rank 0 is ``{"type": "master", "index": 0}``, rank r > 0 ``{"type": "worker",
    "index": r - 1}``.
    """
    env = os.environ if environ is None else environ
    config = _operator_tf_config(env)
    task = config.get("task") if config else None
    if isinstance(task, dict):
        return {**task, "type": _V0_ROLE.get(task.get("type"), task.get("type"))}  # type: ignore[arg-type]
    rank = env.get("RANK", "")
    if env.get("MASTER_ADDR") and rank.isdigit():
        return {"type": "master", "index": 0} if int(rank) == 0 else {"type": "worker", "index": int(rank) - 1}
    return None


def tf_config(outputs_path: str | None, envvar: str | None = "TF_CONFIG",
              environ: dict[str, str] | None = None) -> dict[str, Any] | None:
    """Return the v0 ``get_tf_config`` dict ``{"cluster", "task", "model_dir", "environment": "cloud"}``.

    ``cluster``/``task`` as :func:`cluster_def`/:func:`task_info` (``master``), ``model_dir`` is
    ``outputs_path``. ``None`` (and nothing exported) when the run has no ``TF_CONFIG``: v2 sets none outside
    a ``tfjob``. When ``envvar`` is truthy the value is exported as JSON in ``environ[envvar]`` as v0 did,
    except that the operator's own ``TF_CONFIG`` keeps its ``chief`` key (TensorFlow 2 expects it there):
    it only gains ``model_dir``.
    """
    env = os.environ if environ is None else environ
    operator = _operator_tf_config(env)
    if operator is None:
        return None
    result = {"cluster": cluster_def(env), "task": task_info(env), "model_dir": outputs_path, "environment": "cloud"}
    if envvar:
        exported = {**operator, "model_dir": outputs_path} if envvar == "TF_CONFIG" else result
        env[envvar] = json.dumps(exported)
    return result


def data_paths(environ: Mapping[str, str] | None = None) -> dict[str, str] | None:
    """Return ``{connection name: path}`` from ``POLYAXON_CONNECTIONS_CATALOG``, or ``None`` when unset/invalid.

    The path is the connection's store path, as vents computes it: ``schema.mountPath`` for volume claims
    and host paths, ``schema.bucket`` for buckets (``gs://...``, ``s3://...``); connections without either
    (git, secrets only) are left out.
    """
    env = os.environ if environ is None else environ
    try:
        catalog = json.loads(env.get("POLYAXON_CONNECTIONS_CATALOG") or "null")
    except ValueError:
        return None
    connections = catalog.get("connections") if isinstance(catalog, dict) else None
    if not isinstance(connections, list):
        return None
    paths: dict[str, str] = {}
    for connection in connections:
        schema = connection.get("schema") or connection.get("schema_") if isinstance(connection, dict) else None
        if not isinstance(schema, dict) or not connection.get("name"):
            continue
        path = schema.get("mountPath") or schema.get("mount_path") or schema.get("bucket")
        if path:
            paths[connection["name"]] = path
    return paths


# -- the legacy getters in a v2 run (``_getters`` delegates here; see the README compatibility table) ----------
def active() -> bool:
    """``True`` when the getters read the v2 run: a v2 context, or ``POLYAXON_COMPAT_BACKEND=polyaxon-v2``
    outside any v0 cluster (never under ``POLYAXON_NO_OP``)."""
    from polyaxon_helper_compat import _settings

    ctx = _settings.get_context()
    return ctx.kind == _settings.V2 or (ctx.kind == _settings.OUTSIDE and ctx.backend == _settings.POLYAXON_V2)


def _backend() -> Any:
    """The process's ``polyaxon-v2`` backend (created on first use), or ``None`` when it fell back to local."""
    from polyaxon_helper_compat import _run

    backend = _run.get_backend()
    return backend if getattr(backend, "name", None) == "polyaxon-v2" else None


def get_params() -> dict[str, Any] | None:
    """The v2 run's inputs (``Run.get_inputs()``), or ``None`` without polyaxon (the run was recorded locally)."""
    backend = _backend()
    return backend.inputs() if backend is not None else None


def get_experiment_info() -> dict[str, Any] | None:
    """:func:`experiment_info` for this run (its name and, outside a cluster, its owner/project/uuid from v2)."""
    backend = _backend() if polyaxon_ready() else None
    return experiment_info(backend.run_name() if backend else None, info=backend.run_info() if backend else None)


def get_job_info() -> dict[str, Any] | None:
    """:func:`job_info` for this run (see :func:`get_experiment_info`)."""
    backend = _backend() if polyaxon_ready() else None
    return job_info(backend.run_name() if backend else None, info=backend.run_info() if backend else None)


def get_tf_config(envvar: str | None = "TF_CONFIG") -> dict[str, Any] | None:
    """:func:`tf_config` with ``model_dir`` = the run's outputs path; ``None`` (nothing exported, no run
    started) when the run has no ``TF_CONFIG``."""
    if _operator_tf_config(os.environ) is None:
        return None
    from polyaxon_helper_compat import _run

    return tf_config(_run.get_backend().outputs_path(), envvar)


def polyaxon_ready() -> bool:
    """``True`` when the process's backend is (or will be) ``polyaxon-v2``."""
    from polyaxon_helper_compat import _settings

    return _settings.get_context().backend == _settings.POLYAXON_V2

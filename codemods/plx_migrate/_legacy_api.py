"""The legacy APIs the codemods migrate, and what ``polyaxon_helper_compat`` provides in their place.

Tables only, no libcst: the module of polyaxon-helper 0.5.0 and its replacement, the helper's API by kind
(``LEGACY_API``), the polyaxon-client modules and names the compat package provides (``CLIENT_MODULES``, read from
the compat package's ``__all__`` and checked against it by ``tests/codemods``), the public attributes of the compat
``Experiment``/``Job``/``Group`` (``CLASS_ATTRIBUTES``), and the environment variables only Polyaxon v0 sets. The
Polyaxon v2 name table of ``to-polyaxon-v2`` is :mod:`plx_migrate._v2map`.
"""
from __future__ import annotations

from collections.abc import Sequence

__all__ = [
    "CLASS_ATTRIBUTES", "CLIENT_MODULE", "CLIENT_MODULES", "COMPAT_MODULE", "COMPAT_NAMES", "COMPAT_SUBMODULES",
    "LEGACY_API", "LEGACY_MODULE", "MISSING", "NOT_PROVIDED", "V01_API", "V0_ENVIRONMENT", "client_missing",
    "client_target",
]

#: The module of polyaxon-helper 0.5.0, and the drop-in replacement exposing the same names.
LEGACY_MODULE = "polyaxon_helper"
COMPAT_MODULE = "polyaxon_helper_compat"

#: The polyaxon-helper 0.5.0 API by kind: ``log`` (send_metrics), ``instance`` (the module attribute experiment),
#: ``static`` (static getters of the v0 ``Experiment``), ``job`` (``Job.get_job_info``), ``function`` (functions of
#: ``polyaxon_client.tracking`` that the helper re-exported).
LEGACY_API: dict[str, str] = {
    "send_metrics": "log", "experiment": "instance", "get_job_info": "job",
    **dict.fromkeys(("get_cluster_def", "get_task_info", "get_tf_config", "get_experiment_info", "get_params",
                     "get_declarations"), "static"),
    **dict.fromkeys(("get_outputs_path", "get_outputs_refs_paths", "get_data_paths", "get_log_level"), "function"),
}
#: The polyaxon-helper 0.1.x names that 0.5.0 dropped: ``polyaxon_helper_compat`` provides them (same behaviour as
#: 0.1.9); they have no ``Experiment`` or Polyaxon v2 equivalent, so later stages keep them and say why.
V01_API: dict[str, str] = {
    "get_api": "'get_api' is a polyaxon-helper 0.1.x name (the v0.1 API's URL, from POLYAXON_API) with no "
               "Experiment or Polyaxon v2 equivalent; left unchanged (polyaxon_helper_compat provides it)",
    "get_internal_token": "'get_internal_token' is a polyaxon-helper 0.1.x name (POLYAXON_INTERNAL_SECRET_TOKEN) "
                          "with no Experiment or Polyaxon v2 equivalent; left unchanged (polyaxon_helper_compat "
                          "provides it)",
}
#: What ``import polyaxon_helper_compat`` offers in place of ``polyaxon_helper`` (0.5.0 and 0.1.x names).
COMPAT_NAMES = frozenset(LEGACY_API) | frozenset(V01_API)
NOT_PROVIDED = ("{!r} is neither a polyaxon-helper 0.5.0 nor a 0.1.x name: polyaxon_helper_compat does not provide "
                "it either (it fails as it did before); the module is rewritten, this name needs a decision")

#: polyaxon-client (0.5/0.6, which polyaxon-helper 0.5.0 pins) and what of it ``polyaxon_helper_compat`` provides:
#: client module -> (compat module, the names it provides). Read from the ``__all__`` of ``polyaxon_helper_compat``'s
#: ``tracking.py``, ``exceptions.py`` and ``client.py``, never imported; ``tests/codemods`` checks they still agree.
CLIENT_MODULE = "polyaxon_client"
_PATHS = frozenset(("get_base_outputs_path", "get_data_paths", "get_log_level", "get_outputs_path",
                    "get_outputs_refs_paths"))
CLIENT_MODULES: dict[str, tuple[str, frozenset[str]]] = {
    "polyaxon_client.tracking": ("polyaxon_helper_compat.tracking", _PATHS | {"Experiment", "Group", "Job"}),
    "polyaxon_client.tracking.paths": ("polyaxon_helper_compat.tracking", _PATHS),
    **{f"polyaxon_client.tracking.{name.lower()}": ("polyaxon_helper_compat.tracking", frozenset((name,)))
       for name in ("Experiment", "Group", "Job")},
    "polyaxon_client.exceptions": ("polyaxon_helper_compat.exceptions", frozenset((
        "ERRORS_MAPPING", "AuthenticationError", "AuthorizationError", "BadGatewayError", "BadRequestError",
        "GatewayTimeoutError", "NotFoundError", "OverLimitError", "PolyaxonClientException", "PolyaxonHTTPError",
        "PolyaxonShouldExitError", "SSLHandshakeError", "ServerError", "ServiceUnavailableError"))),
    "polyaxon_client": ("polyaxon_helper_compat.client", frozenset(("PolyaxonClient",))),
    "polyaxon_client.client": ("polyaxon_helper_compat.client", frozenset(("PolyaxonClient",))),
    "polyaxon_client.api_config": ("polyaxon_helper_compat.client", frozenset(("ApiConfig",))),
}
COMPAT_SUBMODULES = frozenset(target for target, _ in CLIENT_MODULES.values())
_TRACKER = frozenset((
    "client", "end", "failed", "get_data_paths", "get_log_level", "get_outputs_path", "get_outputs_refs_paths",
    "last_status", "log_artifact", "log_artifacts", "log_backend", "log_code_ref", "log_data_ref", "log_failed",
    "log_output", "log_outputs", "log_params", "log_run_env", "log_status", "log_stopped", "log_succeeded", "log_tags",
    "outputs_store", "project", "project_name", "set_description", "set_name", "set_outputs_store", "start", "stop",
    "succeeded", "track_code", "track_env", "track_logs", "username", "create",
))
#: Public attributes of the compat ``Experiment``/``Job``/``Group`` (class and instances): what client code may use.
CLASS_ATTRIBUTES: dict[str, frozenset[str]] = {
    "Experiment": _TRACKER | {"experiment", "experiment_id", "get_cluster_def", "get_declarations",
                              "get_experiment_info", "get_params", "get_task_info", "get_tf_config", "group_id",
                              "log_framework", "log_metrics"},
    "Job": _TRACKER | {"get_job_info", "job", "job_id", "job_type"},
    "Group": _TRACKER | {"base_outputs_path", "create_experiment", "group", "group_id"},
}


def client_target(parts: Sequence[str]) -> tuple[int, str] | None:
    """Where the client name ``parts`` (``["polyaxon_client", "tracking", "Experiment", ...]``) lives in compat.

    Returns ``(i, module)`` when ``parts[:i]`` is a module of :data:`CLIENT_MODULES` whose compat ``module``
    provides ``parts[i]``, else ``None`` (settings, contrib, ``Group``...: nothing to point at).
    """
    for i in range(1, len(parts)):
        target = CLIENT_MODULES.get(".".join(parts[:i]))
        if target is not None and parts[i] in target[1]:
            return i, target[0]
    return None


MISSING = "{} is not provided by polyaxon_helper_compat{}; left unchanged"
_HINTS = {"polyaxon_client.settings": " (E9: test the environment, e.g. POLYAXON_IS_MANAGED, explicitly)",
          "polyaxon_client.tracking.contrib": " (E8: framework callbacks need a manual migration)"}


def client_missing(name: str) -> str:
    """The manual-site reason for client name ``name`` (dotted) that compat lacks, with a hint for E8/E9."""
    hint = next((text for prefix, text in _HINTS.items() if name == prefix or name.startswith(prefix + ".")), "")
    return MISSING.format(name, hint)


#: Environment variables only Polyaxon v0 sets (polyaxon-client 0.6.1 ``settings.py``/``tracking/paths.py`` and
#: polyaxon-helper 0.1.9); none of them exists in Polyaxon v2 (shared research, headline 1).
V0_ENVIRONMENT = frozenset("POLYAXON_" + name for name in (
    "CLUSTER", "TASK_INFO", "PARAMS", "DECLARATIONS", "EXPERIMENT_INFO", "JOB_INFO", "RUN_OUTPUTS_PATH",
    "RUN_DATA_PATHS", "REFS_OUTPUTS_PATHS", "IN_CLUSTER", "API_HOST", "DATA_PATHS",
))

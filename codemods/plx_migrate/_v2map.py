"""The v0 -> Polyaxon v2 name table of ``to-polyaxon-v2`` (shared research §1b), and its manual-site reasons.

v0 ``Experiment`` method -> ``(v2 polyaxon.tracking function, how its arguments change)``. Argument rules:
``same`` (as written), ``data_ref`` (``(data, data_name='data')`` -> ``(name=, content=)``), ``dir`` (adds
``kind="dir"``), ``message`` (``(message, traceback)`` -> ``message=``), ``status`` (``(status, message,
traceback)`` -> ``(status, message=)``: v2's second positional parameter is ``reason``). Never v2 ``log_outputs``
(it logs key/value results and ``log_outputs("dir")`` wipes them: research headline 4).
"""
from __future__ import annotations

from collections.abc import Callable, Sequence

import libcst as cst

__all__ = ["COMPAT_ONLY", "FUNCTIONS", "METHODS", "REASONS", "Args", "Rewrite", "arg_rewrite", "metric_note"]

Args = Sequence[cst.Arg]
Rewrite = Callable[[Args], "list[cst.Arg]"]  # a converted call's new arguments, from its (updated) arguments

METHODS: dict[str, tuple[str, str]] = {
    "log_metrics": ("log_metrics", "same"),
    "log_params": ("log_inputs", "same"),
    "log_tags": ("log_tags", "same"),
    "set_name": ("set_name", "same"),
    "set_description": ("set_description", "same"),
    "log_data_ref": ("log_data_ref", "data_ref"),
    "log_run_env": ("log_env", "same"),
    "log_code_ref": ("log_code_ref", "same"),
    "log_status": ("log_status", "status"),
    "succeeded": ("log_succeeded", "same"),
    "log_succeeded": ("log_succeeded", "same"),
    "failed": ("log_failed", "message"),
    "log_failed": ("log_failed", "message"),
    "stop": ("log_stopped", "same"),
    "log_stopped": ("log_stopped", "same"),
    "log_artifact": ("log_artifact", "same"),
    "log_output": ("log_artifact", "same"),
    "log_artifacts": ("log_artifact", "dir"),
    "log_outputs": ("log_artifact", "dir"),
    "get_outputs_path": ("get_outputs_path", "same"),
    "get_log_level": ("get_log_level", "same"),
}

#: v0 tracking functions with a v2 module function of the same name (they need ``tracking.init()`` first).
FUNCTIONS = frozenset(("get_outputs_path", "get_log_level"))

#: Names of ``polyaxon_helper_compat.tracking`` kept as they are (no v2 equivalent), with the reason reported.
COMPAT_ONLY: dict[str, str] = {
    "get_data_paths": "get_data_paths has no v2 equivalent (its dict shape, C4/C5); kept from polyaxon_helper_compat, "
                      "which reads the v2 connections catalog",
    "get_outputs_refs_paths": "get_outputs_refs_paths has no v2 equivalent (v2 passes upstream outputs as inputs); "
                              "kept from polyaxon_helper_compat (None in v2)",
    "get_base_outputs_path": "get_base_outputs_path has no v2 equivalent; kept from polyaxon_helper_compat",
    "Job": "the v0 Job has no v2 equivalent beyond tracking.init(); kept from polyaxon_helper_compat",
    "Group": "experiment groups do not exist in v2; kept from polyaxon_helper_compat",
    "get_params": "get_params/get_declarations: v2 has no module-level equivalent (C9); kept from "
                  "polyaxon_helper_compat, which returns the v2 run's inputs",
    "get_declarations": "get_params/get_declarations: v2 has no module-level equivalent (C9); kept from "
                        "polyaxon_helper_compat, which returns the v2 run's inputs",
    "get_cluster_def": "get_cluster_def has no v2 equivalent outside a TFJob; kept from polyaxon_helper_compat, "
                       "which reads the operator's TF_CONFIG (chief as master)",
    "get_task_info": "get_task_info has no v2 equivalent outside a TFJob; kept from polyaxon_helper_compat, which "
                     "reads TF_CONFIG or RANK",
    "get_tf_config": "get_tf_config has no v2 equivalent and is often called for its side effect of exporting "
                     "TF_CONFIG (C10); kept from polyaxon_helper_compat",
    "get_experiment_info": "get_experiment_info has no v2 equivalent; kept from polyaxon_helper_compat, which "
                           "builds it from the v2 run",
}

REASONS = {
    "ctor": "Experiment({}): v2 tracking.init() takes owner and project separately and has no experiment_id, "
            "group_id or client; the Experiment is kept from polyaxon_helper_compat",
    "method": "Experiment.{}() has no v2 equivalent (create: framework/backend/content, E3); the Experiment is kept "
              "from polyaxon_helper_compat",
    "escapes": "the Experiment object is used other than by calling its methods (stored, passed on, tested: E5/E6); "
               "it is kept from polyaxon_helper_compat",
    "several": "Experiment() is created more than once in this module: one tracking.init() per run (I15); kept "
               "from polyaxon_helper_compat",
    "rebound": "{} is bound more than once in this scope (several imports: I15, or a fallback: I6); left on "
               "polyaxon_helper_compat",
    "with_kept": "{} stays on polyaxon_helper_compat, like the Experiment kept in this module (one run)",
    "unbound": "Experiment() is not bound to a plain name; kept from polyaxon_helper_compat",
    "step": "v2 log_metrics takes step as the x-axis, not as a metric (C2): check what gets recorded",
    "splat": "metrics passed as **dict: a 'step' or 'timestamp' key becomes v2's x-axis or event time (C1/C2)",
    "reset": "log_data_ref(reset=...) has no v2 equivalent; the call is kept on polyaxon_helper_compat",
    "traceback": "traceback= has no v2 equivalent (fold it into message=); the call is kept on polyaxon_helper_compat",
    "module": "import of the polyaxon_helper_compat.tracking module: rewrite its uses by hand (from polyaxon "
              "import tracking)",
    "unknown": "{} has no v2 mapping; kept from polyaxon_helper_compat",
}


def _kw(name: str, value: cst.BaseExpression) -> cst.Arg:
    return cst.Arg(value=value, keyword=cst.Name(name), equal=cst.AssignEqual(
        whitespace_before=cst.SimpleWhitespace(""), whitespace_after=cst.SimpleWhitespace("")))


def arg_rewrite(kind: str, call: cst.Call) -> tuple[Rewrite | None, str | None]:
    """For a call of a v0 method whose rule is ``kind`` (see the module docstring): ``(a function rewriting the
    call's args, or None to keep them as written; the REASONS key why it cannot be converted, or None)``."""
    if kind == "same":
        return None, None
    if any(a.star for a in call.args):
        return None, "splat"
    if kind == "dir":
        return lambda args: [*args, _kw("kind", cst.SimpleString('"dir"'))], None
    names = {"data_ref": ["data", "data_name", "reset"], "message": ["message", "traceback"],
             "status": ["status", "message", "traceback"]}[kind]
    given = {a.keyword.value if a.keyword else names[i] if i < len(names) else "?": i for i, a in enumerate(call.args)}
    if "reset" in given or "traceback" in given or "?" in given:
        return None, "reset" if "reset" in given else "traceback"
    if kind == "data_ref":
        def data_ref(args: Args) -> list[cst.Arg]:
            name = args[given["data_name"]].value if "data_name" in given else cst.SimpleString('"data"')
            return [_kw("name", name), *([_kw("content", args[given["data"]].value)] if "data" in given else [])]
        return data_ref, None
    return lambda args: [*([args[given["status"]]] if "status" in given else []),
                         *([_kw("message", args[given["message"]].value)] if "message" in given else [])], None


def metric_note(call: cst.Call) -> str | None:
    """The REASONS key to report for a converted ``log_metrics`` call: ``"step"`` for a ``step=`` keyword (C2),
    ``"splat"`` for ``**metrics`` (C1), else ``None``."""
    if any(a.keyword is not None and a.keyword.value == "step" for a in call.args):
        return "step"
    return "splat" if any(a.star == "**" for a in call.args) else None

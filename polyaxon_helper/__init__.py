"""``polyaxon_helper``, as polyaxon-helper 0.5.0 named it, served by polyaxon-helper-compat.

An unchanged ``import polyaxon_helper`` / ``from polyaxon_helper import send_metrics`` resolves here on
Python 3.9-3.13 (the original cannot be imported on Python >= 3.10). Every name is the object from
:mod:`polyaxon_helper_compat`; ``experiment`` is that package's default experiment.
"""
from __future__ import annotations

from typing import Any

import polyaxon_helper_compat
from polyaxon_helper_compat import (
    get_api,
    get_cluster_def,
    get_data_paths,
    get_declarations,
    get_experiment_info,
    get_internal_token,
    get_job_info,
    get_log_level,
    get_outputs_path,
    get_outputs_refs_paths,
    get_params,
    get_task_info,
    get_tf_config,
    send_metrics,
)

__all__ = list(polyaxon_helper_compat.__all__)  # the same surface, by construction


def __getattr__(name: str) -> Any:
    if name == "experiment":
        return polyaxon_helper_compat.experiment
    raise AttributeError("module %r has no attribute %r" % (__name__, name))

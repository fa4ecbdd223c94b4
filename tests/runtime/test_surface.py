"""The public surface: what polyaxon-helper 0.5.0 and 0.1.9 exposed, under both names, nothing more."""
from __future__ import annotations

import inspect

import pytest

import polyaxon_helper
import polyaxon_helper_compat
from polyaxon_helper_compat import tracking

HELPER_050 = ["experiment", "get_cluster_def", "get_data_paths", "get_declarations", "get_experiment_info",
              "get_job_info", "get_log_level", "get_outputs_path", "get_outputs_refs_paths", "get_params",
              "get_task_info", "get_tf_config", "send_metrics"]
#: The public functions of polyaxon-helper 0.1.9 (its __init__.py; also recorded from the original in
#: tests/recordings/v01_names__v01-incluster.json, see tests/oracle/test_v01.py).
HELPER_019 = ["get_api", "get_cluster_def", "get_data_paths", "get_declarations", "get_experiment_info",
              "get_internal_token", "get_job_info", "get_log_level", "get_outputs_path", "get_outputs_refs_paths",
              "get_task_info", "get_tf_config", "send_metrics"]


@pytest.mark.parametrize("module", [polyaxon_helper_compat, polyaxon_helper], ids=lambda m: m.__name__)
def test_all_is_the_helper_surface_sorted(module):
    assert module.__all__ == sorted(set(HELPER_050) | set(HELPER_019))


def test_public_names_are_exactly_all():
    public = {n for n, v in vars(polyaxon_helper_compat).items()
              if not n.startswith("_") and not inspect.ismodule(v) and n not in ("annotations", "Any")}
    assert public | {"experiment"} == set(polyaxon_helper_compat.__all__)


@pytest.mark.parametrize("name", [n for n in sorted(set(HELPER_050) | set(HELPER_019)) if n != "experiment"])
def test_alias_serves_the_same_objects(name):
    assert getattr(polyaxon_helper, name) is getattr(polyaxon_helper_compat, name)
    assert getattr(polyaxon_helper, name).__doc__


def test_get_tf_config_signature_matches_the_original():
    params = list(inspect.signature(polyaxon_helper.get_tf_config).parameters.values())
    assert [(p.name, p.default) for p in params] == [("envvar", "TF_CONFIG")]


def test_unknown_attribute_raises_attribute_error():
    with pytest.raises(AttributeError, match="no attribute 'send_metric'"):
        polyaxon_helper.send_metric  # noqa: B018


@pytest.mark.parametrize("name", ["get_cluster_def", "get_task_info", "get_tf_config", "get_experiment_info",
                                  "get_params", "get_declarations", "get_data_paths", "get_outputs_refs_paths"])
def test_experiment_static_getters(name):
    assert callable(getattr(tracking.Experiment, name))


def test_tracking_module_functions():
    assert sorted(tracking.__all__) == tracking.__all__
    for name in ("get_outputs_path", "get_data_paths", "get_log_level", "get_outputs_refs_paths"):
        assert getattr(tracking, name) is getattr(polyaxon_helper_compat, name)
    assert callable(tracking.Job.get_job_info)


def test_experiment_outside_a_cluster_records_locally(clean_env, monkeypatch):
    """Difference: polyaxon-helper 0.5.0's ``experiment`` was ``None`` outside a cluster (``send_metrics`` raised
    ``AttributeError``); ours is an ``Experiment`` of the process's local run."""
    from polyaxon_helper_compat import _run

    monkeypatch.setattr(polyaxon_helper_compat, "_experiment", None)  # an earlier test's default experiment
    experiment = polyaxon_helper.experiment
    assert isinstance(experiment, tracking.Experiment) and experiment is polyaxon_helper_compat.experiment
    experiment.log_metrics(loss=0.5)
    backend = _run.get_backend()
    assert backend.name == "local" and experiment._be() is backend

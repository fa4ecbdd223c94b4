"""Pure readers of the v2 run context (``polyaxon_helper_compat._v2``): no polyaxon needed."""
from __future__ import annotations

import json
import math

import pytest

from polyaxon_helper_compat import _v2
from polyaxon_helper_compat.backends import polyaxon_v2
from tests.v2.conftest import CATALOG, TF_CONFIG, UUID

INSTANCE = {"POLYAXON_RUN_INSTANCE": "alice.mnist.runs.%s" % UUID}


@pytest.mark.parametrize("value", ["", "alice.mnist.%s" % UUID, "alice.mnist.jobs.x", "a.b.runs.c.d", "a..runs.c"])
def test_run_instance_invalid(value):
    assert _v2.run_instance({"POLYAXON_RUN_INSTANCE": value}) is None


def test_run_instance():
    assert _v2.run_instance(INSTANCE) == ("alice", "mnist", UUID)
    assert _v2.run_instance({}) is None


def test_experiment_info_has_the_v0_shape():
    info = _v2.experiment_info("train-1", INSTANCE)
    assert info == {"project_name": "alice.mnist", "project_uuid": None, "experiment_group_name": None,
                    "experiment_group_uuid": None, "experiment_name": "alice.mnist.%s" % UUID,
                    "experiment_uuid": UUID, "name": "train-1"}
    assert info["experiment_name"].split(".")[-1] == UUID  # what scripts use as the experiment id
    assert _v2.experiment_info(environ={}) is None
    assert _v2.experiment_info(environ={}, info=("bob", "p", "u"))["experiment_name"] == "bob.p.u"


def test_job_info_has_the_v0_shape():
    assert _v2.job_info(None, INSTANCE) == {"project_name": "alice.mnist", "project_uuid": None,
                                            "job_name": "alice.mnist.runs.%s" % UUID, "job_uuid": UUID,
                                            "name": None}
    assert _v2.job_info(environ={}) is None


def test_cluster_def_presents_chief_as_master():
    assert _v2.cluster_def({"TF_CONFIG": TF_CONFIG}) == {
        "master": ["job-chief-0.ns.svc:2222"],
        "worker": ["job-worker-0.ns.svc:2222", "job-worker-1.ns.svc:2222"],
        "ps": ["job-ps-0.ns.svc:2222"]}


def test_cluster_def_sparse_cluster():
    config = json.dumps({"sparseCluster": {"chief": ["c:1"]}, "task": {"type": "chief", "index": 0}})
    assert _v2.cluster_def({"TF_CONFIG": config}) == {"master": ["c:1"]}
    assert _v2.task_info({"TF_CONFIG": config}) == {"type": "master", "index": 0}


@pytest.mark.parametrize("environ", [{}, {"TF_CONFIG": ""}, {"TF_CONFIG": "{not json"}, {"TF_CONFIG": "[1]"},
                                     {"TF_CONFIG": '{"task": {"type": "worker", "index": 0}}'}])
def test_cluster_def_none(environ):
    assert _v2.cluster_def(environ) is None


def test_task_info_from_tf_config():
    assert _v2.task_info({"TF_CONFIG": TF_CONFIG}) == {"type": "worker", "index": 1}


@pytest.mark.parametrize(("rank", "expected"), [("0", {"type": "master", "index": 0}),
                                                ("3", {"type": "worker", "index": 2})])
def test_task_info_from_pytorch_rank(rank, expected):
    assert _v2.task_info({"RANK": rank, "MASTER_ADDR": "job-master-0", "WORLD_SIZE": "4"}) == expected


@pytest.mark.parametrize("environ", [{}, {"RANK": "1"}, {"RANK": "x", "MASTER_ADDR": "m"}])
def test_task_info_none(environ):
    assert _v2.task_info(environ) is None


def test_tf_config_exports_the_operator_value_with_model_dir():
    env = {"TF_CONFIG": TF_CONFIG}
    result = _v2.tf_config("/plx-context/artifacts/u/outputs", "TF_CONFIG", env)
    assert result == {"cluster": _v2.cluster_def({"TF_CONFIG": TF_CONFIG}), "task": {"type": "worker", "index": 1},
                      "model_dir": "/plx-context/artifacts/u/outputs", "environment": "cloud"}
    exported = json.loads(env["TF_CONFIG"])
    assert exported["cluster"]["chief"] == ["job-chief-0.ns.svc:2222"]  # TensorFlow 2 needs the chief key
    assert exported["model_dir"] == "/plx-context/artifacts/u/outputs"


def test_tf_config_other_envvar_gets_the_v0_shape():
    env = {"TF_CONFIG": TF_CONFIG}
    result = _v2.tf_config("/out", "MY_CONFIG", env)
    assert json.loads(env["MY_CONFIG"]) == result
    assert json.loads(env["TF_CONFIG"]) == json.loads(TF_CONFIG)


def test_tf_config_without_operator_value():
    env: dict[str, str] = {}
    assert _v2.tf_config("/out", "TF_CONFIG", env) is None
    assert env == {}


def test_tf_config_envvar_none_exports_nothing():
    env = {"TF_CONFIG": TF_CONFIG}
    assert _v2.tf_config("/out", None, env) is not None
    assert env == {"TF_CONFIG": TF_CONFIG}


def test_data_paths_from_the_connections_catalog():
    assert _v2.data_paths({"POLYAXON_CONNECTIONS_CATALOG": CATALOG}) == {"data": "/plx-data", "gcs": "gs://bucket"}


@pytest.mark.parametrize("value", [None, "", "{bad", "[]", '{"connections": 3}'])
def test_data_paths_none(value):
    assert _v2.data_paths({} if value is None else {"POLYAXON_CONNECTIONS_CATALOG": value}) is None


@pytest.mark.parametrize(("value", "step"), [(5, 5), (True, 1), (5.0, 5), (-1, -1), (10.5, None), (math.nan, None),
                                             (math.inf, None), (None, None), ("7", None)])
def test_metric_step(value, step):
    assert polyaxon_v2.metric_step(value) == step


def test_split_reserved_step_becomes_the_x_axis():
    assert polyaxon_v2.split_reserved({"step": 9, "acc": 0.9}) == (9, {"acc": 0.9}, {})


def test_split_reserved_keeps_what_v2_refuses_aside():
    step, metrics, reserved = polyaxon_v2.split_reserved({"step": 10.5, "timestamp": 1.5, "loss": None, "acc": 0.9})
    assert (step, metrics, reserved) == (None, {"acc": 0.9}, {"step": 10.5, "timestamp": 1.5, "loss": None})


def test_split_reserved_leaves_the_input_alone():
    values = {"step": 1, "acc": 0.5}
    polyaxon_v2.split_reserved(values)
    assert values == {"step": 1, "acc": 0.5}

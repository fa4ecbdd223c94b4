"""The v0 tracking API in a v0.2+ cluster beyond the oracle scripts: a job pod's ``Job()``, an
``Experiment`` addressing another experiment of the project, and what happens without the job's info."""
from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from polyaxon_helper_compat import _run
from polyaxon_helper_compat.backends.recording import RecordingBackend
from polyaxon_helper_compat.tracking import Experiment, Group, Job

from tests.runtime.conftest import local_runs
from tests.runtime.test_tracking_server import IdServer

EXPERIMENT_INFO = {"project_name": "alice.mnist", "experiment_name": "alice.mnist.7"}
JOB_INFO = {"project_name": "alice.mnist", "job_name": "alice.mnist.jobs.5"}


@pytest.fixture
def cluster(clean_env, monkeypatch, api_server) -> Any:
    for name, value in {"POLYAXON_IS_MANAGED": "true", "POLYAXON_API_HTTP_HOST": api_server.url,
                        "POLYAXON_SECRET_INTERNAL_TOKEN": "internal", "POLYAXON_INTERNAL_HEADER":
                        "X-POLYAXON-INTERNAL", "POLYAXON_INTERNAL_HEADER_SERVICE": "experiment",
                        "POLYAXON_EXPERIMENT_INFO": json.dumps(EXPERIMENT_INFO),
                        "POLYAXON_RUN_OUTPUTS_PATH": "/outputs/alice/mnist/7"}.items():
        monkeypatch.setenv(name, value)
    _run.reset()
    return api_server


def calls(server: Any) -> list[tuple[str, str]]:
    return [(r["method"], r["path"]) for r in server.log]


def test_job_pod(cluster, monkeypatch):
    monkeypatch.delenv("POLYAXON_EXPERIMENT_INFO")
    monkeypatch.setenv("POLYAXON_JOB_INFO", json.dumps(JOB_INFO))
    job = Job()
    assert (job.username, job.project_name, job.job_id, job.job_type, job.project) == (
        "alice", "mnist", "5", "jobs", "alice.mnist")
    job.log_status("running")
    job.set_description("d")
    job.succeeded()
    job._backend.close(timeout=5)
    assert calls(cluster) == [("POST", "/api/v1/alice/mnist/jobs/5/statuses/"),
                              ("PATCH", "/api/v1/alice/mnist/jobs/5/"),
                              ("POST", "/api/v1/alice/mnist/jobs/5/statuses/")]
    assert cluster.log[0]["headers"]["Authorization"] == "Token internal"
    assert _run._backend is None  # the process's experiment backend was never needed


@pytest.mark.parametrize("info", [None, "not json", json.dumps({"project_name": "alice.mnist",
                                                                 "job_name": "alice.mnist.builds.3"})],
                         ids=["missing", "invalid", "a build"])
def test_job_pod_without_usable_job_info_records_locally(cluster, monkeypatch, capsys, info):
    if info is None:
        monkeypatch.delenv("POLYAXON_JOB_INFO", raising=False)
    else:
        monkeypatch.setenv("POLYAXON_JOB_INFO", info)
    job = Job()
    job.log_params(a=1)
    job._backend.close()
    out, err = capsys.readouterr()
    (run,) = local_runs(Path.cwd())
    assert err.splitlines() == [
        "polyaxon-helper-compat: POLYAXON_JOB_INFO is missing, invalid or not a job's; recording this job locally",
        "polyaxon-helper-compat: recording this run locally in %s" % run]
    assert out == ("" if info != "not json" else
                   "Could get experiment info, please make sure this is running inside a polyaxon job.\n")
    assert json.loads((run / "params.json").read_text()) == {"a": 1}
    assert cluster.log == []


def test_another_experiment_of_the_project(cluster):
    _run.set_backend(RecordingBackend())
    other = Experiment(project="alice/mnist", experiment_id=9)
    other.log_metrics(loss=1.0)
    other._backend.close(timeout=5)
    assert calls(cluster) == [("PATCH", "/api/v1/alice/mnist/experiments/9/"),
                              ("POST", "/api/v1/alice/mnist/experiments/9/metrics/")]
    assert set(cluster.log[0]["body"]) == {"run_env"}  # sent by the original for any experiment in a cluster
    assert cluster.log[0]["headers"]["X-POLYAXON-INTERNAL"] == "experiment"


def test_the_running_experiment_named_explicitly_is_the_process_one(cluster):
    recording = RecordingBackend()
    _run.set_backend(recording)
    experiment = Experiment(project="alice.mnist", experiment_id="7")
    experiment.log_params(x=1)
    assert experiment._backend is recording
    assert [op for op, _ in recording.calls] == ["update", "update"]  # run_env (once per process), params
    assert cluster.log == []


def test_create_in_a_cluster_is_not_started(cluster, monkeypatch):
    """As the original: a created experiment in a cluster gets no running status and no exit hooks."""
    server = IdServer()
    try:
        monkeypatch.setenv("POLYAXON_API_HTTP_HOST", server.url)
        experiment = Experiment(project="alice/mnist", track_code=False).create(name="child")
        experiment._backend.close(timeout=5)
    finally:
        server.close()
    assert experiment.experiment_id == 42 and experiment.last_status == "created"
    assert [(m, p) for m, p, _ in server.calls()] == [("POST", "/api/v1/alice/mnist/experiments/")]
    assert server.calls()[0][2]["is_managed"] is True


def test_group_in_a_cluster_defaults_to_the_experiments_project(cluster):
    group = Group()
    assert (group.username, group.project_name, group.project) == ("alice", "mnist", "alice.mnist")


def test_project_without_user_in_a_cluster_belongs_to_the_running_experiments_owner(cluster):
    _run.set_backend(RecordingBackend())
    other = Experiment(project="mnist", experiment_id=9, track_env=False)
    other.log_tags(["t"])
    other._backend.close(timeout=5)
    assert calls(cluster) == [("PATCH", "/api/v1/alice/mnist/experiments/9/")]

"""The v0 tracking API outside any cluster with no server configured: create() of experiments, jobs and
groups recorded in the local run store (run.json, params.json, outputs/), code references included."""
from __future__ import annotations

import json
import logging
import sys
from pathlib import Path
from typing import Any, Callable

import pytest

from polyaxon_helper_compat import _run, tracking
from polyaxon_helper_compat.backends.local import LocalBackend
from polyaxon_helper_compat.exceptions import PolyaxonClientException
from polyaxon_helper_compat.tracking import Experiment, Group, Job

from tests.runtime.conftest import local_runs, run_script
from tests.runtime.test_tracking_coderef import COMMIT, make_repo


def doc(backend: Any) -> dict[str, Any]:
    return json.loads(Path(backend.path, "run.json").read_text())


@pytest.fixture
def exit_hooks(monkeypatch) -> list[Callable[[], None]]:
    """Capture what the code under test registers with atexit, and restore sys.excepthook afterwards."""
    hooks: list[Callable[[], None]] = []
    monkeypatch.setattr(tracking.atexit, "register", hooks.append)
    monkeypatch.setattr(sys, "excepthook", sys.excepthook)
    return hooks


def ends(hooks: list[Callable[[], None]]) -> list[Callable[[], None]]:
    """The trackers' exit hooks (``_end``) among what was registered (backends register ``close`` too)."""
    return [hook for hook in hooks if getattr(hook, "__name__", "") == "_end"]


@pytest.fixture
def process_run(clean_env, exit_hooks) -> LocalBackend:
    """The process's local run (as _run creates it, without its exit watcher)."""
    backend = LocalBackend(runs_dir=str(clean_env / "runs"), run_id="process", announce=False)
    backend.log_status("running")
    _run.set_backend(backend)
    tracking._claimed.discard(id(backend))
    return backend


def test_first_create_records_in_the_process_run(process_run, exit_hooks):
    experiment = Experiment(project="alice/mnist")
    assert (experiment.username, experiment.project_name, experiment.client) == ("alice", "mnist", None)
    assert experiment.create(name="first", tags="a, b", description="d", framework="keras", build_id=3,
                             content={"x": 1}) is experiment
    assert (experiment.experiment_id, experiment.last_status, experiment.experiment) == ("process", "running", None)
    run = doc(process_run)
    assert {k: run[k] for k in ("name", "tags", "description", "framework", "backend", "build_job", "is_managed",
                                "content")} == {
        "name": "first", "tags": ["a", "b"], "description": "d", "framework": "keras", "backend": "other",
        "build_job": "3", "is_managed": False, "content": "{'x': 1}"}
    assert {"pid", "packages", "sys.argv"} <= set(run["run_env"])
    assert run["code_ref"] is None  # the cwd is a temp folder, not a git work tree
    assert [s["status"] for s in run["statuses"]] == ["running"]  # already running: not started twice
    assert ends(exit_hooks) == []
    assert experiment.get_outputs_path() == process_run.outputs_path()


def test_a_second_create_gets_a_run_of_its_own(process_run, exit_hooks, clean_env):
    Experiment(project="mnist").create(name="first")
    second = Experiment(project="mnist", track_env=False).create(name="second")
    own = second._backend
    assert own is not process_run and isinstance(own, LocalBackend)
    assert Path(own.path).parent == clean_env / ".polyaxon-compat" / "runs"
    assert second.experiment_id == own.run_id
    assert "run_env" not in doc(own) and doc(own)["name"] == "second"
    assert [s["status"] for s in doc(own)["statuses"]] == ["running"]
    (at_exit,) = ends(exit_hooks)  # started as the original's _start: succeeded at exit
    at_exit()
    assert [s["status"] for s in doc(own)["statuses"]] == ["running", "succeeded"]
    sys.excepthook(ValueError, ValueError("late"), None)  # after the final status: nothing more
    assert [s["status"] for s in doc(own)["statuses"]] == ["running", "succeeded"]
    own.close()


def test_uncaught_exception_hook_marks_failed_and_chains(process_run, exit_hooks, monkeypatch):
    seen = []
    monkeypatch.setattr(sys, "excepthook", lambda *args: seen.append(args[0]))
    Experiment(project="mnist").create()
    second = Experiment(project="mnist").create()
    sys.excepthook(KeyError, KeyError("k"), None)
    assert seen == [KeyError]
    assert doc(second._backend)["statuses"][-1] == {
        "status": "failed", "message": "Type: <class 'KeyError'>, Value: 'k'",
        "created_at": doc(second._backend)["statuses"][-1]["created_at"]}
    ends(exit_hooks)[0]()
    assert doc(second._backend)["status"] == "failed"
    second._backend.close()


def test_code_ref_of_a_git_work_tree(process_run, clean_env, monkeypatch):
    monkeypatch.chdir(make_repo(clean_env / "repo"))
    Experiment().log_code_ref()
    assert doc(process_run)["code_ref"] == {"commit": COMMIT, "head": COMMIT, "branch": "main",
                                            "git_url": "https://github.com/alice/mnist.git", "is_dirty": False}


def test_artifacts_of_an_own_run_are_copied_into_its_outputs(process_run, clean_env):
    Experiment(project="mnist").create()
    second = Experiment(project="mnist", track_code=False).create()
    (clean_env / "model.bin").write_bytes(b"w")
    (clean_env / "ckpt").mkdir()
    (clean_env / "ckpt" / "c.txt").write_text("c")
    second.log_artifact(str(clean_env / "model.bin"))
    second.log_outputs(str(clean_env / "ckpt"))
    outputs = Path(second.get_outputs_path())
    assert outputs == Path(second._backend.path, "outputs")
    assert (outputs / "model.bin").read_bytes() == b"w" and (outputs / "ckpt" / "c.txt").read_text() == "c"
    assert not (Path(process_run.outputs_path()) / "model.bin").exists()
    second._backend.close()


def test_calls_before_create_go_to_the_process_run(process_run):
    experiment = Experiment(project="alice/mnist", experiment_id=3)
    experiment.log_params(lr=0.1)
    experiment.log_metrics(loss=0.5)
    assert json.loads(Path(process_run.path, "params.json").read_text()) == {"lr": 0.1}
    assert experiment.experiment_id == 3


def test_job_and_group_locally(process_run, exit_hooks):
    job = Job(project="mnist").create(name="etl", tags=["data"])
    assert (job.job_id, job.last_status) == ("process", "running")
    assert doc(process_run)["name"] == "etl" and "run_env" in doc(process_run)
    group = Group(project="mnist").create(name="search")
    assert (group.group_id, group.last_status, group.group) == (None, "created", None)
    group.log_status("running")  # a local group has nothing to record in
    group.log_params(x=1)
    trial = group.create_experiment(name="trial", tags=["hp"])
    assert trial.group_id is None and doc(trial._backend)["tags"] == ["hp"]
    assert "experiment_group" not in doc(trial._backend)
    assert Job.get_job_info() is None
    trial._backend.close()


def test_default_job_is_the_process_run(process_run):
    job = Job()
    job.log_tags(["a"])
    job.succeeded()
    assert doc(process_run)["tags"] == ["a"] and doc(process_run)["status"] == "succeeded"


def test_misuse_raises(process_run):
    with pytest.raises(PolyaxonClientException, match="invalid tag"):
        Experiment(project="mnist").create(tags=["ok", ""])
    with pytest.raises(PolyaxonClientException, match="An Store instance or and outputs path is required."):
        Experiment().set_outputs_store()
    with pytest.raises(TypeError, match="metric 'acc'"):
        Experiment().log_metrics(acc="high")


def test_set_outputs_store_path(process_run, clean_env):
    experiment = Experiment()
    experiment.set_outputs_store(outputs_path=str(clean_env / "elsewhere"))
    assert experiment.get_outputs_path() == str(clean_env / "elsewhere")
    (clean_env / "m.txt").write_text("m")
    experiment.log_artifact(str(clean_env / "m.txt"))
    assert (clean_env / "elsewhere" / "m.txt").read_text() == "m"


class Unprintable:
    def __str__(self) -> str:
        raise RuntimeError("no str")


def test_data_ref_that_cannot_be_hashed_is_logged_not_raised(process_run, caplog):
    with caplog.at_level(logging.WARNING, logger="polyaxon_helper_compat.tracking"):
        Experiment().log_data_ref(Unprintable(), data_name="x")
    assert "Could create data hash no str" in caplog.text
    assert doc(process_run)["data_refs"] == {}


def test_framework_and_backend_updates(process_run):
    experiment = Experiment()
    experiment.log_framework("pytorch")
    experiment.log_backend("native")
    assert (doc(process_run)["framework"], doc(process_run)["backend"]) == ("pytorch", "native")


@pytest.mark.parametrize("script, statuses", [
    pytest.param("Experiment().succeeded()", ["running", "succeeded"], id="succeeded"),
    pytest.param("Experiment(project='m').create().failed(message='x')", ["running", "failed"], id="failed"),
    pytest.param("e = Experiment(); e.stop(); raise ValueError('after the end')", ["running", "stopped"],
                 id="stopped then a crash"),
])
def test_a_final_status_the_script_recorded_is_kept_at_exit(tmp_path, script, statuses):
    path = tmp_path / "script.py"
    path.write_text("from polyaxon_helper_compat.tracking import Experiment\n" + script + "\n")
    proc = run_script(path, {}, tmp_path)
    (run,) = local_runs(tmp_path)
    assert [s["status"] for s in json.loads((run / "run.json").read_text())["statuses"]] == statuses, proc.stderr

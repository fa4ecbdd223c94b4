"""Whole scripts in subprocesses: an unchanged legacy script outside any cluster, under no-op, on every
available Python 3.9-3.13, and the import staying light."""
from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tests.runtime.conftest import FIXTURE_PROJECT, REPO, local_runs, read_jsonl, run_script

EPOCHS = 4  # train.py's default


@pytest.fixture
def project(tmp_path: Path) -> Path:
    dest = tmp_path / "project"
    shutil.copytree(FIXTURE_PROJECT, dest)
    return dest


def check_local_train_run(project: Path, proc: subprocess.CompletedProcess[str]) -> Path:
    assert proc.returncode == 0, proc.stderr
    (run,) = local_runs(project)
    assert proc.stderr == "polyaxon-helper-compat: recording this run locally in %s\n" % run
    assert (run / "outputs" / "model.json").is_file()
    assert not (project / "model.json").exists()
    rows = read_jsonl(run / "metrics.jsonl")
    assert [r["values"]["epoch"] for r in rows] == list(range(EPOCHS))
    assert all(set(r["values"]) == {"epoch", "mse", "slope"} for r in rows)
    assert all(isinstance(r["values"]["mse"], float) for r in rows)
    assert rows[0]["values"]["mse"] > rows[-1]["values"]["mse"]  # it trained
    run_json = json.loads((run / "run.json").read_text())
    assert run_json["status"] == "succeeded"
    assert [s["status"] for s in run_json["statuses"]] == ["running", "succeeded"]
    return run


def test_unchanged_train_script_runs_outside_any_cluster(project):
    proc = run_script(project / "train.py", {}, project)
    run = check_local_train_run(project, proc)
    assert "model written to %s" % (run / "outputs") in proc.stdout
    run_json = json.loads((run / "run.json").read_text())
    assert run_json["run_env"]["sys.argv"] == [str(project / "train.py")]


def test_uncaught_exception_marks_the_run_failed_and_chains_the_excepthook(tmp_path):
    script = tmp_path / "crash.py"
    script.write_text(
        "import sys\n"
        "def hook(t, v, tb):\n"
        "    print('user hook saw', t.__name__, file=sys.stderr)\n"
        "sys.excepthook = hook\n"
        "from polyaxon_helper import send_metrics\n"
        "send_metrics(loss=1.0)\n"
        "raise ValueError('diverged')\n"
    )
    proc = run_script(script, {}, tmp_path)
    assert proc.returncode == 1
    assert "user hook saw ValueError" in proc.stderr
    (run,) = local_runs(tmp_path)
    run_json = json.loads((run / "run.json").read_text())
    assert run_json["status"] == "failed"
    assert run_json["statuses"][-1]["message"] == "Type: <class 'ValueError'>, Value: diverged"
    assert [r["values"] for r in read_jsonl(run / "metrics.jsonl")] == [{"loss": 1.0}]


def test_non_number_metric_raises_type_error_naming_it(tmp_path):
    script = tmp_path / "bad.py"
    script.write_text("from polyaxon_helper import send_metrics\nsend_metrics(loss=1.0, note='hello')\n")
    proc = run_script(script, {}, tmp_path)
    assert proc.returncode == 1
    assert "TypeError: metric 'note' must be a number, got str: 'hello'" in proc.stderr


@pytest.mark.parametrize("value", ["true", "1"])
def test_no_op_sends_and_writes_nothing(project, api_server, value):
    env = {"POLYAXON_NO_OP": value, "POLYAXON_IS_MANAGED": "true", "POLYAXON_API_HTTP_HOST": api_server.url,
           "POLYAXON_EXPERIMENT_INFO": json.dumps({"project_name": "a.b", "experiment_name": "a.b.1"})}
    proc = run_script(project / "train.py", env, project)
    assert proc.returncode == 0, proc.stderr
    assert proc.stderr == ""
    assert (project / "model.json").is_file()  # get_outputs_path() is None -> the script falls back to "."
    assert not (project / ".polyaxon-compat").exists()
    assert api_server.log == []


def _pythons() -> list[str]:
    """Interpreters 3.9-3.13 on this machine (pyenv's or on PATH), one per minor version."""
    found = {}
    root = os.environ.get("PYENV_ROOT") or os.path.expanduser("~/.pyenv")
    for minor in range(9, 14):
        candidates = sorted(Path(root, "versions").glob("3.%d.*/bin/python3.%d" % (minor, minor)))
        exe = str(candidates[-1]) if candidates else shutil.which("python3.%d" % minor)
        if exe:
            found["3.%d" % minor] = exe
    return list(found.values())


PYTHONS = _pythons()


@pytest.mark.skipif(not PYTHONS, reason="no Python 3.9-3.13 interpreter besides the test one")
@pytest.mark.parametrize("python", PYTHONS, ids=[Path(p).name for p in PYTHONS])
def test_unchanged_script_runs_on_every_supported_python(project, python):
    # The runtime needs nothing but the standard library outside a cluster: a bare interpreter with the
    # repo on PYTHONPATH stands for `pip install polyaxon-helper-compat` there.
    env = {"PYTHONPATH": str(REPO)}
    proc = run_script(project / "train.py", env, project, python=python)
    check_local_train_run(project, proc)


HEAVY = ("requests", "urllib3", "libcst", "click", "polyaxon", "polyaxon_client")


@pytest.mark.parametrize("env", [{}, {"POLYAXON_NO_OP": "true"}], ids=["outside", "no-op"])
def test_import_is_light(tmp_path, env):
    code = ("import sys, polyaxon_helper, polyaxon_helper_compat.tracking\n"
            "print(sorted(m for m in %r if m in sys.modules))\n" % (HEAVY,))
    base = {k: os.environ[k] for k in ("PATH", "HOME", "LANG") if k in os.environ}
    proc = subprocess.run([sys.executable, "-c", code], env={**base, **env}, cwd=tmp_path,
                          capture_output=True, text=True, timeout=60)
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout == "[]\n"
    assert not (tmp_path / ".polyaxon-compat").exists()  # importing records nothing

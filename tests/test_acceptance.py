"""End-to-end acceptance of the walking skeleton: migrate a copy of the legacy project with plx-migrate,
then run the migrated train.py in a v0 cluster (recording server on 127.0.0.1) and compare its traffic
with the golden recording of the UNMIGRATED train.py under the original polyaxon-helper 0.5.0."""
from __future__ import annotations

import json
import shutil
import sys
from pathlib import Path

from click.testing import CliRunner

from plx_migrate.cli import main
from tests.oracle.cases import RECORDINGS, REPO, env_file, prepare_cwd
from tests.oracle.normalize import batch_size_problems, comparable, normalize_with_context
from tests.oracle.recorder import record_with_context
from tests.runtime.conftest import local_runs, read_jsonl, run_script


def test_migrated_train_sends_what_the_original_sent(tmp_path):
    cwd, filename = prepare_cwd("train", parent=str(tmp_path))
    result = CliRunner().invoke(main, ["--to", "experiment", str(cwd)], catch_exceptions=False)
    assert result.exit_code == 2  # legacy_py2.py cannot be parsed; everything else was migrated
    migrated = (cwd / filename).read_text()
    assert "from polyaxon_helper_compat.tracking import Experiment" in migrated
    assert "polyaxon_helper import" not in migrated
    assert "experiment.log_metrics(" in migrated

    raw, ctx = record_with_context(sys.executable, filename, env_file("v0-incluster"), cwd=str(cwd),
                                   tmp_parent=str(tmp_path), grace=0.4, pythonpath=str(REPO))
    ours = normalize_with_context(raw, ctx)
    golden = json.loads((RECORDINGS / "train__v0-incluster.json").read_text())

    assert ours["returncode"] == golden["returncode"] == 0, ours["stderr"]
    assert (ours["stdout"], ours["stderr"]) == (golden["stdout"], golden["stderr"])
    g_requests, g_streams, _ = comparable(golden)
    o_requests, o_streams, o_batches = comparable(ours)
    assert o_requests == g_requests  # the run_env PATCH, once
    assert o_streams == g_streams  # the same metric rows, headers and paths
    for sizes in o_batches.values():
        assert batch_size_problems(sizes) == []


def test_migrated_project_runs_outside_any_cluster(tmp_path):
    project = tmp_path / "legacy_project"
    shutil.copytree(REPO / "tests" / "fixtures" / "legacy_project", project)
    CliRunner().invoke(main, ["--to", "experiment", str(project)], catch_exceptions=False)
    proc = run_script(project / "train.py", {"PYTHONPATH": str(REPO)}, project)
    assert proc.returncode == 0, proc.stderr
    (run,) = local_runs(project)
    assert (run / "outputs" / "model.json").is_file()
    assert [r["values"]["epoch"] for r in read_jsonl(run / "metrics.jsonl")] == [0, 1, 2, 3]
    assert Path(run / "run.json").is_file()

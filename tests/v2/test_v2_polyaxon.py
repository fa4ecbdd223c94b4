"""The shim against the real ``polyaxon.tracking`` (2.x), in a simulated v2 run: managed, with the run
instance the agent sets, and v2's offline store under a temp folder. Skipped when polyaxon >= 1.0 is not
installed (``pip install -e '.[v2]'``).

polyaxon reads its configuration once, at import, so each case runs in a fresh interpreter with a clean
environment (HOME too: polyaxon merges ``~/.polyaxon/.client``); polyaxon is never imported in the pytest
process.
"""
from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from polyaxon_helper_compat._settings import polyaxon_version
from tests.v2.conftest import CATALOG, TF_CONFIG, UUID, V2_ENV

pytestmark = pytest.mark.skipif(polyaxon_version() is None, reason="polyaxon >= 1.0 is not installed")

SCRIPT = """\
import json, os
import polyaxon_helper
from polyaxon_helper import get_cluster_def, get_data_paths, get_experiment_info, get_job_info, get_outputs_path
from polyaxon_helper import get_outputs_refs_paths, get_params, get_task_info, get_tf_config, send_metrics
from polyaxon_helper_compat.tracking import Experiment

experiment = Experiment()
experiment.log_params(lr=0.01, batch=32)
send_metrics(step=1, loss=0.5)
send_metrics(step=2, loss=0.25, accuracy=0.75, none=None)
send_metrics(**{"step": 3, "val/loss": 1.5})
send_metrics(timestamp=1.0, loss2=2.0)
print(json.dumps({
    "sys_modules_polyaxon": "polyaxon" in __import__("sys").modules,
    "cluster": get_cluster_def(), "task": get_task_info(), "tf": get_tf_config(),
    "experiment": get_experiment_info(), "job": get_job_info(), "params": get_params(),
    "outputs": get_outputs_path(), "refs": get_outputs_refs_paths(), "data": get_data_paths(),
    "exported": json.loads(os.environ["TF_CONFIG"]) if os.environ.get("TF_CONFIG") else None,
}))
"""


def run(tmp_path: Path, script: str, **extra: str) -> subprocess.CompletedProcess[str]:
    (tmp_path / "home").mkdir(exist_ok=True)
    env = {"PATH": os.environ.get("PATH", "/usr/bin:/bin"), "HOME": str(tmp_path / "home"), **V2_ENV,
           "POLYAXON_IS_OFFLINE": "true", "POLYAXON_OFFLINE_ROOT": str(tmp_path / "offline"),
           "POLYAXON_ARTIFACTS_ROOT": str(tmp_path / "artifacts"), "POLYAXON_ARCHIVES_ROOT": str(tmp_path / "arch"),
           "POLYAXON_CONTEXT_ROOT": str(tmp_path / "ctx"), **extra}
    (tmp_path / "train.py").write_text(textwrap.dedent(script))
    return subprocess.run([sys.executable, "train.py"], cwd=tmp_path, env=env, capture_output=True, text=True,
                          timeout=120)


def events(tmp_path: Path, name: str) -> list[list[str]]:
    path = tmp_path / "offline" / "runs" / UUID / "events" / "metric" / ("%s.plx" % name)
    return [row.split("|") for row in path.read_text().splitlines()[1:]]


def test_legacy_script_in_a_v2_run(tmp_path):
    proc = run(tmp_path, SCRIPT, TF_CONFIG=TF_CONFIG, POLYAXON_CONNECTIONS_CATALOG=CATALOG)
    assert proc.returncode == 0, proc.stderr
    got = json.loads(proc.stdout.splitlines()[-1])
    outputs = str(tmp_path / "offline" / "runs" / UUID / "outputs")
    assert got["sys_modules_polyaxon"] is True
    assert got["cluster"] == {"master": ["job-chief-0.ns.svc:2222"], "worker": ["job-worker-0.ns.svc:2222",
                              "job-worker-1.ns.svc:2222"], "ps": ["job-ps-0.ns.svc:2222"]}
    assert got["task"] == {"type": "worker", "index": 1}
    assert got["tf"] == {"cluster": got["cluster"], "task": got["task"], "model_dir": outputs,
                         "environment": "cloud"}
    assert got["exported"]["cluster"]["chief"] == ["job-chief-0.ns.svc:2222"]
    assert got["exported"]["model_dir"] == outputs
    assert got["experiment"]["experiment_name"] == "alice.mnist.%s" % UUID
    assert got["experiment"]["experiment_uuid"] == UUID and got["experiment"]["project_name"] == "alice.mnist"
    assert got["job"]["job_name"] == "alice.mnist.runs.%s" % UUID
    assert got["params"] == {"lr": 0.01, "batch": 32}
    assert got["outputs"] == outputs and os.path.isdir(outputs)
    assert got["refs"] is None
    assert got["data"] == {"data": "/plx-data", "gcs": "gs://bucket"}
    # step is the x-axis (no "step" metric), the None value did not drop its row, names are normalised
    assert [(r[0], r[2]) for r in events(tmp_path, "loss")] == [("1", "0.5"), ("2", "0.25")]
    assert [(r[0], r[2]) for r in events(tmp_path, "accuracy")] == [("2", "0.75")]
    assert [(r[0], r[2]) for r in events(tmp_path, "val__loss")] == [("3", "1.5")]
    assert [(r[0], r[2]) for r in events(tmp_path, "timestamp")] == [("", "1.0")]
    assert [(r[0], r[2]) for r in events(tmp_path, "loss2")] == [("", "2.0")]
    assert not (tmp_path / "offline" / "runs" / UUID / "events" / "metric" / "step.plx").exists()
    assert "metric 'none' is None, which Polyaxon v2 refuses; skipped" in proc.stderr
    assert "Polyaxon v2 records metric 'val/loss' as 'val__loss'" in proc.stderr
    assert not (tmp_path / ".polyaxon-compat").exists()  # nothing recorded by the local fallback


def test_no_op_forced_v2_does_not_crash(tmp_path):
    script = """\
    from polyaxon_helper_compat import _run
    from polyaxon_helper_compat.backends.polyaxon_v2 import PolyaxonV2Backend
    backend = PolyaxonV2Backend()
    backend.log_metrics({"loss": 0.5, "step": 1}, "now")
    print(backend.outputs_path(), backend.run_info())
    backend.close()
    """
    proc = run(tmp_path, script, POLYAXON_NO_OP="true")
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout == "None None\n"


def test_bad_boolean_falls_back_without_importing_polyaxon(tmp_path):
    script = """\
    import sys
    import polyaxon_helper
    polyaxon_helper.send_metrics(loss=1.0)
    print("polyaxon" in sys.modules)
    """
    proc = run(tmp_path, script, POLYAXON_IS_OFFLINE="maybe")
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout == "False\n"
    assert "cannot use Polyaxon v2 (POLYAXON_IS_OFFLINE='maybe' is not a boolean" in proc.stderr
    assert (tmp_path / ".polyaxon-compat" / "runs").is_dir()


def test_half_migrated_script_logs_into_one_run(tmp_path):
    script = """\
    from polyaxon import tracking
    from polyaxon_helper_compat.tracking import Experiment
    run = tracking.init()
    tracking.log_inputs(lr=0.5)
    print(Experiment.get_params(), Experiment.get_experiment_info()["experiment_uuid"] == run.run_uuid)
    """
    proc = run(tmp_path, script)
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout == "{'lr': 0.5} True\n"
    assert len(list((tmp_path / "offline" / "runs").iterdir())) == 1

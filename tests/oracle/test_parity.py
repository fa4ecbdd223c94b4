"""Behaviour parity with the original polyaxon-helper 0.5.0, proven differentially.

Each golden file tests/recordings/<script>__<env>.json was recorded from the original (Python 3.7) by
scripts/record_oracle.py. Here the same script runs under OUR package (this interpreter), with the same env
file and the same cwd rule (tests/oracle/cases.py), through the in-repo recorder, and the normalised
recordings are compared:
- in a cluster and with POLYAXON_NO_OP: exit code, stdout, stderr, the non-metric requests (method, path,
  headers, body; header names case-insensitively) exactly, and the metric rows as one stream per path
  (values in order, created_at format, headers), whatever the batching, with every batch 1..201 rows;
- outside a cluster we deliberately differ (the original raises, see the golden files): ours exits 0, sends
  nothing, records locally and says where on one stderr line; getters return None except get_outputs_path.
Recordings with a variant suffix (__status500, __fail-first2, __client061) are for other tests.
"""
import json
import re
import sys
from pathlib import Path
from typing import Any, Dict, List, Tuple

import pytest

from .cases import RECORDINGS, REPO, locate_script, parse_recording_name, run_case
from .normalize import batch_size_problems, comparable, leftover_volatile, split_metrics

OUR_GRACE = 0.4  # ours flushes at exit: late requests are not expected, this is only a safety margin
TIMEOUT = 60.0
LOCAL_LINE = re.compile(r"^polyaxon-helper-compat: recording this run locally in (?P<path>.+)$")
GETTERS = ["get_cluster_def", "get_declarations", "get_experiment_info", "get_task_info", "get_job_info",
           "get_outputs_path", "get_outputs_refs_paths", "get_data_paths", "get_log_level", "get_tf_config"]


def _golden(kind: str) -> List[Path]:
    out = []
    for p in sorted(RECORDINGS.glob("*.json")):
        script, env, variant = parse_recording_name(p.name)
        if variant:
            continue
        if (env == "outside") == (kind == "outside"):
            out.append(p)
    return out


IN_CLUSTER = _golden("in-cluster")  # v0-incluster and no-op
OUTSIDE = _golden("outside")
ALL_GOLDEN = sorted(RECORDINGS.glob("*.json"))


def _load(path: Path) -> Dict[str, Any]:
    with open(path) as f:
        doc: Dict[str, Any] = json.load(f)
    return doc


def _ours(golden_path: Path, tmp_path: Path, cleanup: bool = True) -> Tuple[Dict[str, Any], Dict[str, Any]]:
    script, env, _ = parse_recording_name(golden_path.name)
    ours, _raw, ctx = run_case(sys.executable, script, env, parent=str(tmp_path), cleanup=cleanup,
                               grace=OUR_GRACE, timeout=TIMEOUT, pythonpath=str(REPO))
    return ours, ctx


def test_recordings_exist():
    assert IN_CLUSTER and OUTSIDE, "no golden recordings in %s: run scripts/record_oracle.py" % RECORDINGS


@pytest.mark.parametrize("golden_path", ALL_GOLDEN, ids=lambda p: p.stem)
def test_golden_recording_is_clean(golden_path):
    doc = _load(golden_path)
    assert set(doc) == {"returncode", "stdout", "stderr", "requests"}
    assert leftover_volatile(doc) == []
    for path, stream in split_metrics(doc["requests"])["metrics"].items():
        if golden_path.name.startswith("client_api__"):  # PolyaxonClient.create_metric POSTs one object
            continue
        assert stream["bad_bodies"] == [], path
        assert batch_size_problems(stream["batch_sizes"]) == [], path


@pytest.mark.parametrize("golden_path", OUTSIDE, ids=lambda p: p.stem)
def test_golden_outside_documents_the_original_failing(golden_path):
    doc = _load(golden_path)
    assert doc["requests"] == []
    assert doc["returncode"] != 0 or "<raised PolyaxonClientException" in doc["stdout"]


@pytest.mark.oracle
@pytest.mark.parametrize("golden_path", IN_CLUSTER, ids=lambda p: p.stem)
def test_parity_with_original(golden_path, tmp_path):
    golden = _load(golden_path)
    ours, _ = _ours(golden_path, tmp_path)

    assert ours["returncode"] == golden["returncode"], "stderr:\n" + ours["stderr"]
    assert ours["stderr"] == golden["stderr"]
    assert ours["stdout"] == golden["stdout"]

    g_requests, g_streams, _ = comparable(golden)
    o_requests, o_streams, o_batches = comparable(ours)
    assert o_requests == g_requests
    assert sorted(o_streams) == sorted(g_streams), "metric POST paths differ"
    for path in g_streams:
        assert o_streams[path]["bad_bodies"] == [], "metric POST bodies that are not a JSON list"
        assert o_streams[path]["rows"] == g_streams[path]["rows"], "metric rows differ on " + path
        assert o_streams[path]["headers"] == g_streams[path]["headers"], "metric POST headers differ on " + path
        assert batch_size_problems(o_batches[path]) == [], path


def _existing(path: str, cwd: str) -> bool:
    p = Path(path)
    return (p if p.is_absolute() else Path(cwd) / p).exists()


@pytest.mark.oracle
@pytest.mark.parametrize("golden_path", OUTSIDE, ids=lambda p: p.stem)
def test_outside_cluster_records_locally(golden_path, tmp_path):
    script, _, _ = parse_recording_name(golden_path.name)
    ours, ctx = _ours(golden_path, tmp_path, cleanup=False)  # tmp_path is removed by pytest

    assert ours["returncode"] == 0, "stderr:\n" + ours["stderr"]
    assert ours["requests"] == []
    lines = ours["stderr"].splitlines()
    assert all(LOCAL_LINE.match(line) for line in lines), "unexpected stderr:\n" + ours["stderr"]
    sends_metrics = "send_metrics" in locate_script(script).read_text()
    if sends_metrics:
        assert len(lines) == 1, "expected one line on stderr saying where the run is recorded"
    else:
        assert len(lines) <= 1, "expected at most one line on stderr"
    for line in lines:
        m = LOCAL_LINE.match(line)
        assert m is not None
        path = m.group("path").replace("<CWD>", ctx["cwd"]).replace("<TMP>", ctx["tmp"])
        assert _existing(path, ctx["cwd"]), "the announced run folder does not exist: " + line

    if script == "all_getters":
        out = json.loads(ours["stdout"])
        outputs = out["get_outputs_path"]
        assert isinstance(outputs, str), out
        outputs = outputs.replace("<CWD>", ctx["cwd"]).replace("<TMP>", ctx["tmp"])
        assert _existing(outputs, ctx["cwd"]), "get_outputs_path() does not exist: %s" % outputs
        others = {name: out[name] for name in GETTERS if name != "get_outputs_path"}
        assert others == {name: None for name in others}
        assert out["TF_CONFIG env"] is None

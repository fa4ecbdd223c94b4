"""The v0 tracking API (``polyaxon_client.tracking``) against polyaxon-client 0.6.1, proven differentially.

The golden files ``tests/recordings/<script>__<env>__client061.json`` were recorded from polyaxon-client
0.6.1 (Python 3.7) by scripts/record_oracle.py. Here the same scripts run under OUR package: the scripts say
``from polyaxon_client.tracking import ...``, so a two-file ``polyaxon_client`` package written to a temp dir
(re-exporting ``polyaxon_helper_compat.tracking`` and ``.client.PolyaxonClient``) is put first on PYTHONPATH.

- In a cluster (experiment_api, experiment_api_all, job_api): exit code, stdout, stderr, every non-metric
  request (method, path, headers, body) in order, and the metric rows, exactly as the original.
- Against a v0 server from outside a cluster (experiment_server): the recording server answers ``{}`` to
  every create, so the created entities have no id. The original raised for the experiment and went on
  addressing ``.../groups/statuses/`` for the group; we record those runs locally and say so on stderr
  (deliberate differences, asserted here). Every request both send is the same; requests are compared per
  channel (the synchronous calls, and each run's own queue), since the channels interleave by timing.
"""
import json
import re
import sys
from pathlib import Path
from typing import Any, Dict, List, Tuple

import pytest

from .cases import RECORDINGS, REPO, parse_recording_name, run_case
from .normalize import batch_size_problems, comparable

TIMEOUT = 60.0
GRACE = 0.4
IN_CLUSTER = ["experiment_api__v0-incluster__client061.json", "experiment_api_all__v0-incluster__client061.json",
              "job_api__v0-incluster__client061.json"]
SERVER = "experiment_server__v0-server__client061.json"

ALIAS = {
    "__init__.py": "from polyaxon_helper_compat.client import PolyaxonClient  # noqa: F401\n",
    "tracking.py": "from polyaxon_helper_compat.tracking import *  # noqa: F401,F403\n",
}


@pytest.fixture
def alias_path(tmp_path: Path) -> str:
    """PYTHONPATH serving ``polyaxon_client`` from this package, then the repository."""
    package = tmp_path / "alias" / "polyaxon_client"
    package.mkdir(parents=True)
    for name, text in ALIAS.items():
        (package / name).write_text(text)
    return "%s:%s" % (package.parent, REPO)


def _load(name: str) -> Dict[str, Any]:
    with open(RECORDINGS / name) as f:
        doc: Dict[str, Any] = json.load(f)
    return doc


def _ours(name: str, tmp_path: Path, pythonpath: str) -> Dict[str, Any]:
    script, env, _ = parse_recording_name(name)
    ours, _raw, _ctx = run_case(sys.executable, script, env, parent=str(tmp_path), grace=GRACE, timeout=TIMEOUT,
                                pythonpath=pythonpath)
    return ours


def _same_metrics(golden: Dict[str, Any], ours: Dict[str, Any]) -> None:
    _, g_streams, _ = comparable(golden)
    _, o_streams, o_batches = comparable(ours)
    assert sorted(o_streams) == sorted(g_streams), "metric POST paths differ"
    for path in g_streams:
        assert o_streams[path]["bad_bodies"] == []
        assert o_streams[path]["rows"] == g_streams[path]["rows"], "metric rows differ on " + path
        assert o_streams[path]["headers"] == g_streams[path]["headers"], "metric POST headers differ on " + path
        assert batch_size_problems(o_batches[path]) == [], path


def test_golden_files_exist():
    for name in IN_CLUSTER + [SERVER]:
        assert (RECORDINGS / name).is_file(), "run scripts/record_oracle.py -k client061"


@pytest.mark.oracle
@pytest.mark.parametrize("name", IN_CLUSTER, ids=lambda n: n.split("__")[0])
def test_in_cluster_parity_with_polyaxon_client_061(name, tmp_path, alias_path):
    golden = _load(name)
    ours = _ours(name, tmp_path, alias_path)
    assert ours["returncode"] == golden["returncode"], "stderr:\n" + ours["stderr"]
    assert ours["stderr"] == golden["stderr"]
    assert ours["stdout"] == golden["stdout"]
    assert comparable(ours)[0] == comparable(golden)[0]
    _same_metrics(golden, ours)


def _channels(requests: List[Dict[str, Any]]) -> Dict[str, List[Dict[str, Any]]]:
    """Split requests into channels: each run's own queue (``/{user}/{project}/{entity}/{id}/...``) and the
    synchronous calls (authentication and creates), keeping the order within each."""
    out: Dict[str, List[Dict[str, Any]]] = {}
    for req in requests:
        m = re.match(r"^(/api/v1/[^/]+/[^/]+/(?:experiments|jobs|groups)/[^/]+/)", req["path"])
        out.setdefault(m.group(1) if m else "sync", []).append(req)
    return out


def _creates(requests: List[Dict[str, Any]], entity: str) -> List[Dict[str, Any]]:
    return [r for r in requests if r["method"] == "POST" and r["path"].endswith("/%s/" % entity)]


SERVER_STDOUT = """\
experiment alice mnist 12
created alice mnist None
experiment.create ok
job.create ok
job.create(track_env=False) ok
group.create ok
group alice mnist None
group.create_experiment ok
"""
LOCAL = r"<CWD>/\.polyaxon-compat/runs/\d{8}-\d{6}-[0-9a-f]{6}"
NO_ID = r"POST http://127\.0\.0\.1:<PORT>/api/v1/alice/mnist/%s/ answered without an id: \{\}"
SERVER_STDERR = [
    r"polyaxon-helper-compat: recording this run locally in " + LOCAL,
    r"polyaxon-helper-compat: could not create the experiment on the Polyaxon API \(%s\); "
    r"recording this experiment locally in %s" % (NO_ID % "experiments", LOCAL),
    r"polyaxon-helper-compat: could not create the job on the Polyaxon API \(%s\); "
    r"recording this job locally in %s" % (NO_ID % "jobs", LOCAL),
    r"polyaxon-helper-compat: could not create the job on the Polyaxon API \(%s\); "
    r"recording this job locally in %s" % (NO_ID % "jobs", LOCAL),
    r"polyaxon-helper-compat: could not create the group on the Polyaxon API \(%s\); "
    r"this group's experiments are recorded without it" % (NO_ID % "groups"),
    r"polyaxon-helper-compat: could not create the experiment on the Polyaxon API \(%s\); "
    r"recording this experiment locally in %s" % (NO_ID % "experiments", LOCAL),
]


def _server_runs(tmp_path: Path, alias_path: str) -> Tuple[Dict[str, Any], Dict[str, Any]]:
    return _load(SERVER), _ours(SERVER, tmp_path, alias_path)


@pytest.mark.oracle
def test_against_a_server_parity_with_polyaxon_client_061(tmp_path, alias_path):
    golden, ours = _server_runs(tmp_path, alias_path)
    assert golden["stdout"].splitlines()[2:4] == [
        "experiment.create raised PolyaxonClientException: Could not create experiment.",
        "job.create raised ValidationError: {'run_env': ['Unknown field.']}"]  # what we deliberately differ from
    assert ours["returncode"] == golden["returncode"] == 0
    assert ours["stdout"] == SERVER_STDOUT
    lines = ours["stderr"].splitlines()
    assert len(lines) == len(SERVER_STDERR), ours["stderr"]
    for line, pattern in zip(lines, SERVER_STDERR):
        assert re.fullmatch(pattern, line), line

    g_channels = _channels(comparable(golden)[0])
    o_channels = _channels(comparable(ours)[0])
    # The group without an id: the original sent its statuses to .../groups/statuses/; we send nothing.
    assert [r["body"] for r in g_channels.pop("/api/v1/alice/mnist/groups/statuses/")] == [
        {"status": "running"}, {"status": "succeeded"}]
    assert sorted(o_channels) == sorted(g_channels)
    # The existing experiment 12: every PATCH and status, in order.
    channel = "/api/v1/alice/mnist/experiments/12/"
    assert o_channels[channel] == g_channels[channel]
    _same_metrics(golden, ours)
    # The synchronous calls: one GET /users/ per tracker and the creates, with the same bodies; the job the
    # original could not create (track_env=True) is sent as it sent the one with track_env=False.
    g_sync, o_sync = g_channels["sync"], o_channels["sync"]
    (g_job,) = _creates(g_sync, "jobs")
    assert _creates(o_sync, "jobs") == [g_job, g_job]
    assert "run_env" not in g_job["body"] and g_job["body"]["name"] == "etl"
    for entity in ("experiments", "groups"):
        assert _creates(o_sync, entity) == _creates(g_sync, entity)
    # Everything else in the same order: GET /users/ (environment's token), then per tracker GET /users/
    # (explicit token) and its create.
    assert [r for r in o_sync if not r["path"].endswith("/jobs/")] == [
        r for r in g_sync if not r["path"].endswith("/jobs/")]
    experiment_body = _creates(g_sync, "experiments")[0]["body"]
    assert {k: experiment_body[k] for k in ("name", "tags", "description", "framework", "backend", "is_managed")} == {
        "name": "first", "tags": ["keras", "mnist"], "description": "A first try", "framework": "keras",
        "backend": "native", "is_managed": False}

"""End to end against the real Polyaxon v2 API: a ``haupt sandbox`` started on 127.0.0.1 by these tests.

Skipped unless a ``haupt`` executable with polyaxon 2.x next to it is found: ``PLX_E2E_HAUPT=/path/to/bin/haupt``,
or ``haupt`` in this interpreter's ``bin``. (``pip install -e '.[e2e-v2]'``, about 676 MB; the tests run the
scripts with the interpreter next to ``haupt`` and this repository on ``PYTHONPATH``.)

Everything the sandbox and the client write goes under a temporary folder (HOME, the sandbox's ``--path``,
``POLYAXON_ARTIFACTS_ROOT``/``ARCHIVES_ROOT``/``OFFLINE_ROOT``: polyaxon's defaults are literal ``/tmp/plx/...``);
the sandbox runs with one worker and is stopped by its PID. Checked: the legacy fixture's ``train.py`` unchanged
under the shim pointed at the server, then migrated with stage ``polyaxon-v2``; metrics are read back through
the API with polyaxon's ``RunClient``. Case (c): a v0 ``polyaxon_client.tracking.Experiment`` script
(``tests/fixtures/v2/v0_tracking.py``) after stage ``experiment`` under the shim, then after stage ``polyaxon-v2``:
status, inputs, tags, the data ref (v2 lineage, kind ``data``), metrics by step and the artifact under outputs.
"""
from __future__ import annotations

import gzip
import hashlib
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import textwrap
import time
import urllib.request
from pathlib import Path
from typing import Any, Iterator

import pytest

from plx_migrate import run_stage

REPO = Path(__file__).resolve().parents[2]
TRAIN = REPO / "tests" / "fixtures" / "legacy_project" / "train.py"
PROJECT = "e2e"


def _haupt() -> Path | None:
    candidate = os.environ.get("PLX_E2E_HAUPT") or str(Path(sys.executable).parent / "haupt")
    return Path(candidate) if os.path.isfile(candidate) and os.access(candidate, os.X_OK) else None


HAUPT = _haupt()
pytestmark = pytest.mark.skipif(HAUPT is None, reason="haupt is not installed (pip install -e '.[e2e-v2]' or "
                                                      "PLX_E2E_HAUPT=/path/to/bin/haupt)")


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


class Sandbox:
    def __init__(self, root: Path) -> None:
        self.root, self.port = root, _free_port()
        self.url = "http://127.0.0.1:%d" % self.port
        (root / "home").mkdir(parents=True)
        self.env = {"PATH": "/usr/bin:/bin", "HOME": str(root / "home"), "LANG": "C.UTF-8",
                    "POLYAXON_ARCHIVES_ROOT": str(root / "archives"), "POLYAXON_ARTIFACTS_ROOT": str(root / "artifacts"),
                    "POLYAXON_OFFLINE_ROOT": str(root / "offline")}
        self.log = open(root / "sandbox.log", "wb")
        started = time.monotonic()
        self.proc = subprocess.Popen([str(HAUPT), "sandbox", "start", "--host", "127.0.0.1", "--port", str(self.port),
                                      "--workers", "1", "--path", str(root / "store")],
                                     env=self.env, stdout=self.log, stderr=subprocess.STDOUT)
        while not self._ready():
            if self.proc.poll() is not None or time.monotonic() - started > 180:
                self.stop()
                raise RuntimeError("haupt sandbox did not start:\n" + (root / "sandbox.log").read_text()[-3000:])
            time.sleep(0.5)
        self.ready_after = time.monotonic() - started
        self._post("/api/v1/default/projects/create", {"name": PROJECT})

    def _ready(self) -> bool:
        try:
            with urllib.request.urlopen(self.url + "/api/v1/installation", timeout=2) as answer:
                return answer.status == 200
        except OSError:
            return False

    def _post(self, path: str, body: dict[str, str]) -> None:
        request = urllib.request.Request(self.url + path, data=json.dumps(body).encode(), method="POST",
                                         headers={"Content-Type": "application/json"})
        urllib.request.urlopen(request, timeout=30).close()

    def runs(self) -> list[dict[str, object]]:
        with urllib.request.urlopen("%s/api/v1/default/%s/runs" % (self.url, PROJECT), timeout=30) as answer:
            data = answer.read()
        if answer.headers.get("Content-Encoding") == "gzip" or data[:2] == b"\x1f\x8b":
            data = gzip.decompress(data)
        return list(json.loads(data)["results"] or [])

    def python(self, script: str, cwd: Path, **extra: str) -> subprocess.CompletedProcess[str]:
        env = {**self.env, "POLYAXON_HOST": self.url, "PYTHONPATH": str(REPO), **extra}
        return subprocess.run([str(Path(str(HAUPT)).parent / "python"), *script.split()], cwd=cwd, env=env,
                              capture_output=True, text=True, timeout=300)

    def metrics(self, uuid: str, names: list[str], cwd: Path) -> dict[str, object]:
        code = textwrap.dedent("""\
            import json, sys
            from polyaxon.client import RunClient
            rc = RunClient(owner="default", project=%r, run_uuid=sys.argv[1]); rc.refresh_data()
            data = rc.get_metrics(names=sys.argv[2].split(","))
            print(json.dumps({"status": rc.run_data.status, "metrics": {k: v["data"] for k, v in data.items()}}))
            """ % PROJECT)
        (cwd / "read.py").write_text(code)
        proc = self.python("read.py %s %s" % (uuid, ",".join(names)), cwd)
        assert proc.returncode == 0, proc.stderr
        return dict(json.loads(proc.stdout.splitlines()[-1]))

    def stop(self) -> None:
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        self.log.close()


@pytest.fixture(scope="module")
def sandbox(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Sandbox]:
    server = Sandbox(tmp_path_factory.mktemp("sandbox"))
    try:
        yield server
    finally:
        server.stop()


def _new_run(sandbox: Sandbox, before: set[str]) -> str:
    [uuid] = [str(r["uuid"]) for r in sandbox.runs() if r["uuid"] not in before]
    return uuid


def test_unchanged_legacy_script_through_the_shim(sandbox: Sandbox, tmp_path: Path) -> None:
    shutil.copy(TRAIN, tmp_path / "train.py")
    before = {str(r["uuid"]) for r in sandbox.runs()}
    started = time.monotonic()
    proc = sandbox.python("train.py --epochs 3", tmp_path, POLYAXON_COMPAT_BACKEND="polyaxon-v2",
                          POLYAXON_COMPAT_PROJECT="default/%s" % PROJECT)
    took = time.monotonic() - started
    assert proc.returncode == 0, proc.stderr
    assert "model written to" in proc.stdout + proc.stderr  # v2 (track_logs) takes over stdout
    uuid = _new_run(sandbox, before)
    got = sandbox.metrics(uuid, ["mse", "epoch"], tmp_path)
    assert got["status"] == "succeeded"
    mse = got["metrics"]["mse"]  # type: ignore[index]
    assert len(mse["metric"]) == 3 and mse["metric"][0] > mse["metric"][-1]
    assert got["metrics"]["epoch"]["metric"] == [0.0, 1.0, 2.0]  # type: ignore[index]
    assert not (tmp_path / ".polyaxon-compat").exists()
    print("\nshim run: %.1f s (sandbox ready after %.1f s)" % (took, sandbox.ready_after))


def test_migrated_script_on_polyaxon_tracking(sandbox: Sandbox, tmp_path: Path) -> None:
    result = run_stage(TRAIN.read_text(), "polyaxon-v2")
    assert "from polyaxon import tracking" in result.code and "tracking.log_metrics(" in result.code
    (tmp_path / "train.py").write_text(result.code)
    home = Path(sandbox.env["HOME"]) / ".polyaxon"  # `polyaxon init`'s project context, read by tracking.init()
    home.mkdir(exist_ok=True)
    (home / ".project").write_text(json.dumps({"owner": "default", "name": PROJECT}))
    before = {str(r["uuid"]) for r in sandbox.runs()}
    started = time.monotonic()
    proc = sandbox.python("train.py --epochs 3", tmp_path)
    took = time.monotonic() - started
    assert proc.returncode == 0, proc.stderr
    uuid = _new_run(sandbox, before)
    got = sandbox.metrics(uuid, ["mse", "slope"], tmp_path)
    assert got["status"] == "succeeded"
    assert len(got["metrics"]["mse"]["metric"]) == 3  # type: ignore[index]
    print("\nmigrated run: %.1f s" % took)


# -- (c) a v0 polyaxon_client.tracking.Experiment script ------------------------------------------------------
V0_TRACKING = REPO / "tests" / "fixtures" / "v2" / "v0_tracking.py"
STEPS = 5


def _read_run(sandbox: Sandbox, uuid: str, cwd: Path) -> Any:
    """Status, inputs, tags, lineage, ``loss`` metric and the artifacts tree of a run, read through the API."""
    code = textwrap.dedent("""\
        import json, sys
        from polyaxon.client import RunClient
        rc = RunClient(owner="default", project=%r, run_uuid=sys.argv[1]); rc.refresh_data()
        data = rc.get_metrics(names=["loss"])
        lineage = [a.to_dict() for a in (rc.get_artifacts_lineage(limit=100).results or [])]
        def tree(path):
            t = rc.get_artifacts_tree(path).to_dict()
            return {"files": sorted(t.get("files") or {}), "dirs": sorted(t.get("dirs") or [])}
        trees = {p: tree(p) for p in ("", "outputs")}
        print(json.dumps({"status": rc.run_data.status, "inputs": rc.run_data.inputs, "tags": rc.run_data.tags,
                          "metrics": {k: v["data"] for k, v in data.items()}, "lineage": lineage,
                          "trees": trees}, default=str))
        """ % PROJECT)
    (cwd / "read_run.py").write_text(code)
    proc = sandbox.python("read_run.py %s" % uuid, cwd)
    assert proc.returncode == 0, proc.stderr
    return json.loads(proc.stdout.splitlines()[-1])


def _check_v0_tracking_run(sandbox: Sandbox, uuid: str, cwd: Path) -> None:
    # Polyaxon's client sends artifact lineage asynchronously (async_req=True) and the API stores it on its own
    # time: read the run again until the file lineage is there, for at most 30 seconds.
    deadline = time.monotonic() + 30
    got = _read_run(sandbox, uuid, cwd)
    while not any(a["kind"] == "file" for a in got["lineage"]) and time.monotonic() < deadline:
        time.sleep(1)
        got = _read_run(sandbox, uuid, cwd)
    assert got["status"] == "succeeded", got
    assert got["inputs"] == {"lr": 0.05, "epochs": 5}, got["inputs"]
    assert sorted(got["tags"]) == ["baseline", "blobs"], got["tags"]
    loss = got["metrics"]["loss"]
    assert loss["step"] == list(range(STEPS)), loss
    assert loss["metric"] == pytest.approx([1.0 / (step + 1) for step in range(STEPS)]), loss
    data = [a for a in got["lineage"] if a["kind"] == "data"]
    assert [(a["name"], a["is_input"]) for a in data] == [("blobs", True)], got["lineage"]
    # the digest of the data, never the data: v0's md5(str(data))[:12] (shim, passed as hash=) and v2's content=
    # hash (migrated) are the same value
    assert data[0]["summary"] == {"hash": hashlib.md5(str(list(range(100))).encode()).hexdigest()[:12]}, data
    # the file is under the run's outputs (get_outputs_path) and logged as a file artifact
    on_disk = Path(sandbox.env["POLYAXON_ARTIFACTS_ROOT"]) / uuid
    assert (on_disk / "outputs" / "model.bin").read_bytes() == b"\x00" * 16
    assert "model.bin" in got["trees"]["outputs"]["files"], got["trees"]
    files = [a for a in got["lineage"] if a["kind"] == "file"]
    assert [a["name"] for a in files] == ["model"], got["lineage"]
    print("\nlineage: %s" % [(a["kind"], a["name"], a.get("summary", {}).get("hash"))
                              for a in got["lineage"] if a["kind"] in ("data", "file")])


def test_v0_tracking_script_through_the_shim(sandbox: Sandbox, tmp_path: Path) -> None:
    result = run_stage(V0_TRACKING.read_text(), "experiment")  # what a user migrating off polyaxon_client runs
    assert "from polyaxon_helper_compat.tracking import Experiment" in result.code
    assert result.code.replace("polyaxon_helper_compat.tracking", "polyaxon_client.tracking") == \
        V0_TRACKING.read_text()  # nothing but the import
    (tmp_path / "train.py").write_text(result.code)
    before = {str(r["uuid"]) for r in sandbox.runs()}
    proc = sandbox.python("train.py", tmp_path, POLYAXON_COMPAT_BACKEND="polyaxon-v2",
                          POLYAXON_COMPAT_PROJECT="default/%s" % PROJECT)
    assert proc.returncode == 0, proc.stderr
    said = [line for line in proc.stderr.splitlines() if line.startswith("polyaxon-helper-compat:")]
    assert [line for line in said if "pandas" not in line] == [], proc.stderr  # nothing unmapped or refused
    uuid = _new_run(sandbox, before)
    _check_v0_tracking_run(sandbox, uuid, tmp_path)
    assert not (tmp_path / ".polyaxon-compat").exists()


def test_v0_tracking_script_migrated_to_polyaxon_tracking(sandbox: Sandbox, tmp_path: Path) -> None:
    result = run_stage(V0_TRACKING.read_text(), "polyaxon-v2")
    for call in ("tracking.init()", "tracking.log_inputs(", "tracking.log_data_ref(name=\"blobs\", content=dataset)",
                 "tracking.log_artifact(model_path)", "tracking.log_succeeded()"):
        assert call in result.code, result.code
    (tmp_path / "train.py").write_text(result.code)
    home = Path(sandbox.env["HOME"]) / ".polyaxon"
    home.mkdir(exist_ok=True)
    (home / ".project").write_text(json.dumps({"owner": "default", "name": PROJECT}))
    before = {str(r["uuid"]) for r in sandbox.runs()}
    proc = sandbox.python("train.py", tmp_path)
    assert proc.returncode == 0, proc.stderr
    uuid = _new_run(sandbox, before)
    _check_v0_tracking_run(sandbox, uuid, tmp_path)

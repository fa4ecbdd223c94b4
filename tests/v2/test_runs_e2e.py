"""End to end: runs recorded locally by an unchanged legacy script, pushed with ``plx-runs push`` into a real
``haupt sandbox`` on 127.0.0.1 (the fixture of ``test_v2_e2e.py``), and read back through polyaxon's
``RunClient``: every metric row with its step, value and time, inputs, tags, statuses, lineage and the artifact.
A second push creates nothing new; a run pushed while still running is updated in place once it has ended.
"""
from __future__ import annotations

import json
import textwrap
import time
from pathlib import Path
from typing import Any

import pytest

from polyaxon_helper_compat._runs.store import parse_time
from tests.runs.conftest import Paused, read_rows, record, run_folders, runs_dir
from tests.v2.test_v2_e2e import HAUPT, PROJECT, Sandbox, sandbox  # noqa: F401 - the fixture

pytestmark = pytest.mark.skipif(HAUPT is None, reason="haupt is not installed (pip install -e '.[e2e-v2]' or "
                                                      "PLX_E2E_HAUPT=/path/to/bin/haupt)")

READ = textwrap.dedent("""\
    import contextlib, io, json, sys, tempfile
    from polyaxon.client import RunClient
    rc = RunClient(owner="default", project=%r, run_uuid=sys.argv[1]); rc.refresh_data(load_conditions=True)
    d = rc.run_data
    metrics = rc.get_metrics(names=["loss", "accuracy", "step"], force=True)  # the sandbox caches events
    def walk(path):
        tree = rc.get_artifacts_tree(path).to_dict()
        found = [path + "/" + name for name in tree.get("files") or {}]
        for folder in tree.get("dirs") or []:
            found += walk(path + "/" + folder)
        return found
    files = sorted(name[len("outputs/"):] for name in walk("outputs"))
    print(json.dumps({
        "name": d.name, "status": d.status, "inputs": d.inputs, "outputs": d.outputs, "tags": d.tags,
        "created_at": d.created_at, "started_at": d.started_at, "finished_at": d.finished_at,
        "duration": d.duration,
        "conditions": [[c.type, c.reason, c.message, c.last_transition_time] for c in d.status_conditions or []],
        "metrics": {k: v["data"] for k, v in metrics.items()},
        "lineage": [a.to_dict() for a in rc.get_artifacts_lineage(limit=100).results or []],
        "outputs_files": files,
        "contents": {name: open(rc.download_artifact("outputs/" + name, path_to=tempfile.mkdtemp())).read()
                     for name in files},
    }, default=str))
    """ % PROJECT)


def _uuids(sandbox: Sandbox) -> set[str]:
    return {str(r["uuid"]) for r in sandbox.runs()}


def _push(sandbox: Sandbox, cwd: Path, *args: str) -> Any:
    store = runs_dir(cwd)
    started = time.monotonic()
    proc = sandbox.python("-m polyaxon_helper_compat._runs push %s --project default/%s --store %s"
                          % (" ".join(args) or "--all", PROJECT, store), cwd)
    print("push took %.1f s" % (time.monotonic() - started))
    return proc


def _pushed(proc: Any) -> dict[str, tuple[str, str]]:
    """``{local id: (action, v2 uuid)}`` from push's stdout."""
    out = {}
    for line in proc.stdout.splitlines():
        local_id, action, url = line.split()[:3]
        out[local_id] = (action, url.rsplit("/", 1)[1])
    return out


def _read(sandbox: Sandbox, uuid: str, cwd: Path) -> Any:
    (cwd / "read_back.py").write_text(READ)
    proc = sandbox.python("read_back.py %s" % uuid, cwd)
    assert proc.returncode == 0, proc.stderr
    return json.loads(proc.stdout.splitlines()[-1])


def _time(text: str) -> Any:
    return parse_time(text)


def _check_metrics(got: Any, run: Path) -> None:
    """Every row of the local run, per metric: step = the row's ``step``, value, and the row's own time."""
    rows = read_rows(run)
    assert "step" not in got["metrics"] or not got["metrics"]["step"]["step"]  # step is the x-axis, not a metric
    for name in ("loss", "accuracy"):
        data = got["metrics"][name]
        assert data["step"] == [r["values"]["step"] for r in rows], data
        assert data["metric"] == pytest.approx([r["values"][name] for r in rows], rel=1e-12, abs=0)
        assert [_time(t) for t in data["timestamp"]] == [_time(r["created_at"]) for r in rows]


def _lineage(got: Any, kind: str) -> list[Any]:
    return sorted((a for a in got["lineage"] if a["kind"] == kind), key=lambda a: a["name"])


def test_a_legacy_run_pushed_and_read_back(sandbox: Sandbox, tmp_path: Path) -> None:
    proc = record(tmp_path, "--lr", "0.3")  # 7 epochs of send_metrics(step=, loss=, accuracy=), params, tags
    assert proc.returncode == 0, proc.stderr
    (run,) = run_folders(tmp_path)
    # what log_artifact of a folder would have copied there too: outputs/ckpt/ with a subfolder
    (run / "outputs" / "ckpt" / "deep").mkdir(parents=True)
    (run / "outputs" / "ckpt" / "epoch-6.txt").write_text("weights 6")
    (run / "outputs" / "ckpt" / "deep" / "note.txt").write_text("a note")
    info = json.loads((run / "run.json").read_text())
    before = _uuids(sandbox)

    proc = _push(sandbox, tmp_path)
    assert proc.returncode == 0, proc.stderr
    ((local_id, (action, uuid)),) = _pushed(proc).items()
    assert (local_id, action) == (run.name, "created")
    assert proc.stdout == "%s  created  %s/ui/default/%s/runs/%s  (7 metric rows, 14 events, 3 files)\n" % (
        run.name, sandbox.url, PROJECT, uuid)
    assert proc.stderr.splitlines()[-1] == "%s default/%s: 1 created, 0 updated, 0 unchanged, 0 failed" % (
        sandbox.url, PROJECT)
    assert _uuids(sandbox) - before == {uuid}
    pushed = json.loads((run / "pushed.json").read_text())["destinations"]["%s default/%s" % (sandbox.url, PROJECT)]
    assert (pushed["uuid"], pushed["state"], pushed["rows"]) == (uuid, "complete", 7)

    got = _read(sandbox, uuid, tmp_path)
    assert (got["name"], got["status"]) == (run.name, "succeeded")
    assert got["inputs"] == {"lr": 0.3, "epochs": 7, "optimizer": "sgd"}
    assert got["tags"] == ["legacy", "lr-0.3"]
    assert _time(got["created_at"]) == _time(info["created_at"])
    assert [(c[0], c[1], _time(c[3])) for c in got["conditions"]] == [
        (s["status"], "LocalRun", _time(s["created_at"])) for s in info["statuses"]]
    assert _time(got["started_at"]) == _time(info["statuses"][0]["created_at"])
    assert _time(got["finished_at"]) == _time(info["statuses"][-1]["created_at"])
    assert got["duration"] == round((_time(info["statuses"][-1]["created_at"]) -
                                     _time(info["statuses"][0]["created_at"])).total_seconds(), 2)
    _check_metrics(got, run)
    last = read_rows(run)[-1]["values"]
    assert got["outputs"] == pytest.approx({"loss": last["loss"], "accuracy": last["accuracy"]}, rel=1e-12)
    # the artifact: uploaded under outputs/, its lineage as v2's log_artifact records it
    assert got["outputs_files"] == ["ckpt/deep/note.txt", "ckpt/epoch-6.txt", "env.json", "model.json"]
    for name in ("model.json", "ckpt/epoch-6.txt", "ckpt/deep/note.txt"):
        assert got["contents"][name] == (run / "outputs" / name).read_text()
    (model,) = _lineage(got, "file")
    assert (model["name"], model["path"], model["is_input"]) == ("model", "outputs/model.json", False)
    assert [(a["name"], a["path"]) for a in _lineage(got, "dir")] == [("ckpt", "outputs/ckpt")]
    assert [a["name"] for a in _lineage(got, "metric")] == ["accuracy", "loss"]
    assert _lineage(got, "metric")[1]["summary"]["metric"]["count"] == 7
    (env,) = _lineage(got, "env")
    assert env["path"] == "outputs/env.json"
    assert json.loads(got["contents"]["env.json"]) == info["run_env"]

    # pushing again creates nothing new, and sends nothing
    runs_before, lineage_before = _uuids(sandbox), len(got["lineage"])
    again = _push(sandbox, tmp_path, run.name)
    assert again.returncode == 0, again.stderr
    assert again.stdout == "%s  unchanged  %s/ui/default/%s/runs/%s\n" % (run.name, sandbox.url, PROJECT, uuid)
    assert again.stderr.splitlines()[-1].endswith(": 0 created, 0 updated, 1 unchanged, 0 failed")
    assert _uuids(sandbox) == runs_before
    assert len(_read(sandbox, uuid, tmp_path)["lineage"]) == lineage_before
    # a push cut after the run was created but before it could say so resumes into the same run
    state_file = run / "pushed.json"
    state = json.loads(state_file.read_text())
    state["destinations"]["%s default/%s" % (sandbox.url, PROJECT)]["state"] = "creating"
    state_file.write_text(json.dumps(state))
    resumed = _push(sandbox, tmp_path, run.name)
    assert resumed.returncode == 0, resumed.stderr
    assert _pushed(resumed) == {run.name: ("updated", uuid)} and _uuids(sandbox) == runs_before
    got = _read(sandbox, uuid, tmp_path)
    assert [c[0] for c in got["conditions"]] == ["running", "succeeded"] and len(got["lineage"]) == lineage_before
    _check_metrics(got, run)
    # a pushed.json that cannot be read: not pushed (it would become a second v2 run)
    saved = state_file.read_text()
    state_file.write_text(saved[:-20])
    refused = _push(sandbox, tmp_path, run.name)
    assert refused.returncode == 1 and refused.stdout == ""
    assert refused.stderr.splitlines()[-2].startswith("%s: push failed: %s:" % (run.name, state_file))
    assert "not pushed: without it, this push would create a second v2 run" in refused.stderr
    assert _uuids(sandbox) == runs_before
    state_file.write_text(saved)
    # and plx-runs show says where it went
    shown = sandbox.python("-m polyaxon_helper_compat._runs show %s --store %s" % (run.name, runs_dir(tmp_path)),
                           tmp_path)
    assert "pushed       %s default/%s  run %s\n" % (sandbox.url, PROJECT, uuid) in shown.stdout


def test_failed_killed_and_running_runs_then_the_running_one_ends(sandbox: Sandbox, tmp_path: Path) -> None:
    failed = record(tmp_path, "--lr", "0.5", "--fail-at", "3")
    assert failed.returncode == 1
    (failed_run,) = run_folders(tmp_path)
    killed = Paused(tmp_path, 1, "--lr", "0.2")
    killed.kill()
    running = Paused(tmp_path, 2, "--lr", "0.1")
    try:
        before = _uuids(sandbox)
        proc = _push(sandbox, tmp_path)
        assert proc.returncode == 1, proc.stderr  # the running run needs attention: push it again when it ends
        pushed = _pushed(proc)
        assert {k: a for k, (a, _) in pushed.items()} == {failed_run.name: "created", killed.run.name: "created",
                                                           running.run.name: "created"}
        assert _uuids(sandbox) - before == {u for _, u in pushed.values()}
        assert "%s: needs attention: still running: pushed what it recorded so far; push again when it ends" % (
            running.run.name) in proc.stderr.splitlines()
        assert "%s: note: its process is gone without a final status: pushed as failed (ProcessGone)" % (
            killed.run.name) in proc.stderr.splitlines()

        got = _read(sandbox, pushed[failed_run.name][1], tmp_path)
        assert got["status"] == "failed" and [c[0] for c in got["conditions"]] == ["running", "failed"]
        assert "RuntimeError" in got["conditions"][-1][2] and "diverged at epoch 3" in got["conditions"][-1][2]
        _check_metrics(got, failed_run)
        assert got["outputs_files"] == ["env.json"] and not _lineage(got, "file")

        got = _read(sandbox, pushed[killed.run.name][1], tmp_path)
        assert got["status"] == "failed"
        assert [c[:2] for c in got["conditions"]] == [["running", "LocalRun"], ["failed", "ProcessGone"]]
        assert _time(got["conditions"][-1][3]) == _time(read_rows(killed.run)[-1]["created_at"])  # last activity
        _check_metrics(got, killed.run)

        uuid = pushed[running.run.name][1]
        got = _read(sandbox, uuid, tmp_path)
        assert got["status"] == "running" and got["finished_at"] is None
        assert len(got["metrics"]["loss"]["step"]) == 3
        _check_metrics(got, running.run)

        done = running.resume()
        assert done.returncode == 0, done.stderr
    finally:
        running.close()
    runs_before = _uuids(sandbox)
    proc = _push(sandbox, tmp_path)
    assert proc.returncode == 0, proc.stderr
    assert {k: a for k, (a, _) in _pushed(proc).items()} == {failed_run.name: "unchanged",
                                                             killed.run.name: "unchanged",
                                                             running.run.name: "updated"}
    assert _pushed(proc)[running.run.name][1] == uuid and _uuids(sandbox) == runs_before
    got = _read(sandbox, uuid, tmp_path)
    assert got["status"] == "succeeded" and [c[0] for c in got["conditions"]] == ["running", "succeeded"]
    statuses = json.loads((running.run / "run.json").read_text())["statuses"]
    assert got["duration"] == round((_time(statuses[-1]["created_at"]) -
                                     _time(statuses[0]["created_at"])).total_seconds(), 2)  # not the push's time
    _check_metrics(got, running.run)
    assert len(got["metrics"]["loss"]["step"]) == 7
    assert got["outputs_files"] == ["env.json", "model.json"]
    assert got["contents"]["model.json"] == (running.run / "outputs" / "model.json").read_text()
    assert [a["name"] for a in _lineage(got, "metric")] == ["accuracy", "loss"]  # updated, not duplicated
    assert _lineage(got, "metric")[1]["summary"]["metric"]["count"] == 7

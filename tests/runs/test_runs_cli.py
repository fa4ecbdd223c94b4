"""``plx-runs list``, ``show`` and ``compare`` on runs recorded by a real legacy script (tests/fixtures/runs/
train.py) in real processes: a run that succeeded, one that failed, one still running, one killed with SIGKILL."""
from __future__ import annotations

import json
import os
import re
import shutil
import socket
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from polyaxon_helper_compat._runs.view import format_number
from tests.runs.conftest import Paused, base_env, plx_runs, read_rows, record, run_folders, runs_dir


@pytest.fixture(scope="module")
def done(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    """A project folder with two finished runs: ``succeeded`` (lr 0.3, 7 epochs) and ``failed`` (lr 0.5,
    raised in epoch 3, no model written)."""
    cwd = tmp_path_factory.mktemp("project")
    ok = record(cwd, "--lr", "0.3")
    assert ok.returncode == 0, ok.stderr
    bad = record(cwd, "--lr", "0.5", "--fail-at", "3")
    assert bad.returncode == 1 and "RuntimeError: diverged at epoch 3" in bad.stderr
    succeeded, failed = sorted(run_folders(cwd), key=lambda p: json.loads((p / "run.json").read_text())["created_at"])
    return {"cwd": cwd, "succeeded": succeeded, "failed": failed}


def _copy_store(done: dict[str, Any], tmp_path: Path) -> Path:
    cwd = tmp_path / "copy"
    shutil.copytree(runs_dir(done["cwd"]), runs_dir(cwd))
    return cwd


def _last(rows: list[dict[str, Any]], name: str) -> Any:
    return [r["values"][name] for r in rows if name in r["values"]][-1]


def _table(stdout: str) -> list[list[str]]:
    """The rows of a table (cells are separated by at least two spaces)."""
    return [re.split(r"\s{2,}", line.strip()) for line in stdout.splitlines()[1:]]


def test_list_newest_first_with_running_then_killed_run(done, tmp_path, paused):
    cwd = _copy_store(done, tmp_path)
    script = Paused(cwd, 2, "--lr", "0.1")
    paused.append(script)
    proc = plx_runs(cwd, "list")
    assert proc.returncode == 0, proc.stderr
    assert proc.stderr == ""
    lines = proc.stdout.splitlines()
    assert lines[0].split() == ["ID", "STARTED", "DURATION", "STATUS", "SCRIPT", "ROWS", "LAST"]
    rows = _table(proc.stdout)
    assert [r[0] for r in rows] == [script.run.name, done["failed"].name, done["succeeded"].name]
    scripts = ["train.py --pause-at 2 --resume-file %s --lr 0.1" % script.resume_file,
               "train.py --lr 0.5 --fail-at 3", "train.py --lr 0.3"]
    for row, status, script_line, count in zip(rows, ["running", "failed", "succeeded"], scripts, [3, 4, 7]):
        assert row[3] == status
        assert row[4] == script_line if len(script_line) <= 40 else row[4] == script_line[:37] + "..."
        assert row[5] == str(count)
    s_rows = read_rows(done["succeeded"])
    assert rows[2][6] == "accuracy=%s loss=%s" % (format_number(_last(s_rows, "accuracy")),
                                                  format_number(_last(s_rows, "loss")))
    assert "step=" not in proc.stdout  # the x-axis, not a result

    docs = json.loads(plx_runs(cwd, "list", "--json").stdout)
    assert [(d["id"], d["status"], d["process"], d["rows"]) for d in docs] == [
        (script.run.name, "running", "alive", 3), (done["failed"].name, "failed", None, 4),
        (done["succeeded"].name, "succeeded", None, 7)]
    assert docs[2]["last"] == {"accuracy": _last(s_rows, "accuracy"), "loss": _last(s_rows, "loss"), "step": 6}
    assert docs[2]["tags"] == ["legacy", "lr-0.3"]
    assert docs[0]["ended_at"] is None and docs[1]["ended_at"] is not None
    assert docs[2]["duration"] > 0 and docs[2]["pushed"] == [] and docs[2]["unreadable"] is None

    script.kill()
    proc = plx_runs(cwd, "list", "--json")
    (killed,) = [d for d in json.loads(proc.stdout) if d["id"] == script.run.name]
    assert (killed["status"], killed["process"], killed["rows"]) == ("running", "gone", 3)
    assert killed["ended_at"] == read_rows(script.run)[-1]["created_at"].replace(" ", "T")  # its last activity
    table = _table(plx_runs(cwd, "list").stdout)
    assert table[0][3] == "gone"


def test_show_a_failed_run(done):
    proc = plx_runs(done["cwd"], "show", done["failed"].name)
    assert proc.returncode == 0, proc.stderr
    out = proc.stdout.splitlines()
    assert out[0] == "run %s" % done["failed"].name
    text = proc.stdout
    assert "  tags         legacy, lr-0.5\n" in text
    assert "  status       failed\n" in text
    history = [line.split()[2:] for line in out if line.startswith("    20")]
    assert history == [["running"], ["failed", "Type:", "<class", "'RuntimeError'>,", "Value:", "diverged", "at",
                                      "epoch", "3"]]
    assert "params\n  epochs     7\n  lr         0.5\n  optimizer  sgd\n" in text
    assert "data refs\n  -\ncode ref     -\n" in text
    assert "metrics      4 rows, " in text
    rows = read_rows(done["failed"])
    table = {line.split()[0]: line.split() for line in out if line.startswith("  ") and line.split()[0] in
             ("accuracy", "loss", "step")}
    for name in ("accuracy", "loss"):
        values = [r["values"][name] for r in rows]
        assert table[name][1:6] == [str(len(values))] + [format_number(v) for v in
                                                          (values[0], values[-1], min(values), max(values))]
        assert len(table[name][6]) == 4  # one bar per row
    bars = "▁▂▃▄▅▆▇█"
    loss, accuracy = [[bars.index(c) for c in table[n][6]] for n in ("loss", "accuracy")]
    assert loss == sorted(loss, reverse=True) and (loss[0], loss[-1]) == (7, 0)  # loss falls
    assert accuracy == sorted(accuracy) and (accuracy[0], accuracy[-1]) == (0, 7)  # accuracy rises
    assert "artifacts    0 files, 0 B (outputs/)" in text  # it failed before writing its model


def test_show_json_and_artifacts(done):
    proc = plx_runs(done["cwd"], "show", done["succeeded"].name[:-2], "--json")  # a unique prefix
    assert proc.returncode == 0, proc.stderr
    doc = json.loads(proc.stdout)
    rows = read_rows(done["succeeded"])
    for name in ("loss", "accuracy"):
        values = [r["values"][name] for r in rows]
        assert doc["metrics"][name] == {"count": 7, "first": values[0], "last": values[-1], "min": min(values),
                                        "max": max(values), "skipped": 0}
    assert doc["params"] == {"epochs": 7, "lr": 0.3, "optimizer": "sgd"}
    assert [s["status"] for s in doc["statuses"]] == ["running", "succeeded"]
    model = done["succeeded"] / "outputs" / "model.json"
    assert doc["artifacts"] == [{"path": "model.json", "size": model.stat().st_size}]
    assert doc["run_env"]["sys.argv"][1:] == ["--lr", "0.3"] and doc["problems"] == []
    assert doc["first_row_at"] == rows[0]["created_at"].replace(" ", "T")
    text = plx_runs(done["cwd"], "show", str(done["succeeded"])).stdout  # a run folder's path
    assert "artifacts    1 file, %d B (outputs/)\n  model.json  %d B\n" % ((model.stat().st_size,) * 2) in text


def test_show_a_running_then_killed_run(tmp_path, paused):
    script = Paused(tmp_path, 1)
    paused.append(script)
    text = plx_runs(tmp_path, "show", script.run.name).stdout
    assert "  status       running\n" in text and "gone" not in text
    script.kill()
    text = plx_runs(tmp_path, "show", script.run.name).stdout
    assert "  status       gone\n" in text
    pid = json.loads((script.run / "run.json").read_text())["run_env"]["pid"]
    assert "    its process (pid %d on %s) is gone without a final status: killed or crashed\n" % (
        pid, socket.gethostname()) in text
    assert "metrics      2 rows" in text


def test_compare(done):
    s, f = done["succeeded"].name, done["failed"].name
    proc = plx_runs(done["cwd"], "compare", s, f)
    assert proc.returncode == 0, proc.stderr
    lines = proc.stdout.splitlines()
    assert lines[0].split() == [s, f]
    cells = {line.split()[0]: line.split()[1:] for line in lines[1:]}
    assert cells["status"] == ["succeeded", "failed"]
    assert cells["rows"] == ["7", "4"]
    assert cells["lr"] == ["0.3", "0.5"]
    assert "epochs" not in cells and lines[-1] == "same params: epochs=7, optimizer=sgd"
    assert cells["loss"] == [format_number(_last(read_rows(done[k]), "loss")) for k in ("succeeded", "failed")]
    doc = json.loads(plx_runs(done["cwd"], "compare", s, f, "--json").stdout)
    assert doc["params"] == {"differ": {"lr": {s: 0.3, f: 0.5}}, "same": {"epochs": 7, "optimizer": "sgd"}}
    assert doc["metrics"]["loss"] == {s: _last(read_rows(done["succeeded"]), "loss"),
                                      f: _last(read_rows(done["failed"]), "loss")}
    assert doc["status"] == {s: "succeeded", f: "failed"}


def test_compare_a_param_only_one_run_has(done, tmp_path):
    cwd = _copy_store(done, tmp_path)
    params = runs_dir(cwd) / done["failed"].name / "params.json"
    params.write_text(json.dumps({**json.loads(params.read_text()), "momentum": 0.9}))
    s, f = done["succeeded"].name, done["failed"].name
    cells = {line.split()[0]: line.split()[1:] for line in plx_runs(cwd, "compare", s, f).stdout.splitlines()[1:]}
    assert cells["momentum"] == ["-", "0.9"]
    doc = json.loads(plx_runs(cwd, "compare", s, f, "--json").stdout)
    assert doc["params"]["differ"]["momentum"] == {f: 0.9}


def test_compare_needs_two_runs(done):
    proc = plx_runs(done["cwd"], "compare", done["failed"].name, done["failed"].name)
    assert proc.returncode == 2 and "compare needs at least two different runs" in proc.stderr


# -- reading a store written by killed, crashed or future scripts ---------------------------------------------
def test_a_last_line_cut_by_a_kill_is_left_out_without_a_problem(done, tmp_path):
    cwd = _copy_store(done, tmp_path)
    metrics = runs_dir(cwd) / done["succeeded"].name / "metrics.jsonl"
    with open(metrics, "a") as f:
        f.write('{"created_at": "2026-12-03 10:00:00+00:00", "values": {"loss": 0.')
    proc = plx_runs(cwd, "show", done["succeeded"].name)
    assert proc.returncode == 0 and proc.stderr == ""
    assert "metrics      7 rows, " in proc.stdout and ", last line cut\n" in proc.stdout
    assert json.loads(plx_runs(cwd, "show", done["succeeded"].name, "--json").stdout)["cut_last_line"] is True


def test_an_unreadable_line_is_reported_with_file_and_line(done, tmp_path):
    cwd = _copy_store(done, tmp_path)
    metrics = runs_dir(cwd) / done["succeeded"].name / "metrics.jsonl"
    lines = metrics.read_text().splitlines(keepends=True)
    lines[2] = "{not json\n"
    lines[4] = '["a", "list"]\n'
    metrics.write_text("".join(lines))
    proc = plx_runs(cwd, "list")
    assert proc.returncode == 1
    assert proc.stderr.splitlines() == [
        "%s:3: not a JSON row (Expecting property name enclosed in double quotes: line 1 column 2 (char 1))" % metrics,
        '%s:5: a row must be an object with a "values" object' % metrics]
    assert _table(proc.stdout)[1][5] == "5"  # the 5 rows that can be read


def test_an_unreadable_run_json_exits_2_and_the_others_are_listed(done, tmp_path):
    cwd = _copy_store(done, tmp_path)
    broken = runs_dir(cwd) / done["failed"].name / "run.json"
    broken.write_text('{"id": ')
    proc = plx_runs(cwd, "list")
    assert proc.returncode == 2
    assert proc.stderr.startswith("%s: cannot read the run: %s:" % (broken.parent, broken))
    table = _table(proc.stdout)
    assert [(r[0], r[3]) for r in table] == [(done["succeeded"].name, "succeeded"), (done["failed"].name,
                                                                                      "unreadable")]
    show = plx_runs(cwd, "show", done["failed"].name)
    assert show.returncode == 2 and "cannot read the run" in show.stderr


def test_an_unreadable_pushed_json_is_reported(done, tmp_path):
    cwd = _copy_store(done, tmp_path)
    pushed = runs_dir(cwd) / done["failed"].name / "pushed.json"
    pushed.write_text("{")
    proc = plx_runs(cwd, "list")
    assert proc.returncode == 1
    assert proc.stderr.startswith("%s:1: cannot read pushed.json: Expecting property name" % pushed)
    pushed.write_text("[]")
    proc = plx_runs(cwd, "show", done["failed"].name)
    assert proc.returncode == 1
    assert proc.stderr == '%s: not what plx-runs push writes (no "destinations" object)\n' % pushed


def test_unknown_fields_and_a_run_from_another_host(done, tmp_path):
    cwd = _copy_store(done, tmp_path)
    run_json = runs_dir(cwd) / done["succeeded"].name / "run.json"
    info = json.loads(run_json.read_text())
    info.update(status="running", future_field={"x": 1})
    info["statuses"] = info["statuses"][:1]
    info["run_env"]["hostname"] = "ci-runner-42"
    run_json.write_text(json.dumps(info))
    proc = plx_runs(cwd, "list", "--json")
    assert proc.returncode == 0, proc.stderr
    doc = [d for d in json.loads(proc.stdout) if d["id"] == done["succeeded"].name][0]
    assert (doc["status"], doc["process"]) == ("running", "unknown")
    assert _table(plx_runs(cwd, "list").stdout)[1][3] == "running?"
    assert "    recorded on ci-runner-42: cannot tell whether its process still runs\n" in \
        plx_runs(cwd, "show", done["succeeded"].name).stdout


def test_run_lookup_and_store_errors(done, tmp_path):
    proc = plx_runs(done["cwd"], "show", "nope")
    assert proc.returncode == 2 and "no run 'nope' in %s" % runs_dir(done["cwd"]) in proc.stderr
    prefix = os.path.commonprefix([done["succeeded"].name, done["failed"].name])
    proc = plx_runs(done["cwd"], "show", prefix)
    assert proc.returncode == 2 and "matches 2 runs" in proc.stderr
    proc = plx_runs(tmp_path, "list")
    assert proc.returncode == 0 and proc.stdout == ""
    assert "no runs in %s" % runs_dir(tmp_path) in proc.stderr
    proc = plx_runs(tmp_path, "list", "--store", str(tmp_path / "missing"))
    assert proc.returncode == 2
    # --store takes the runs folder, a .polyaxon-compat folder, or comes from POLYAXON_COMPAT_RUNS_DIR
    for args, env in ((["--store", str(runs_dir(done["cwd"]))], {}),
                      (["--store", str(done["cwd"] / ".polyaxon-compat")], {}),
                      ([], {"POLYAXON_COMPAT_RUNS_DIR": str(runs_dir(done["cwd"]))})):
        proc = plx_runs(tmp_path, "list", *args, **env)
        assert proc.returncode == 0 and len(_table(proc.stdout)) == 2, (args, env, proc.stderr)


def test_push_usage_errors(done):
    for args, message in ((["push", "--all"], "--project OWNER/NAME is required"),
                          (["push", "--project", "default/x"], "name the runs to push, or --all"),
                          (["push", "--all", done["failed"].name, "--project", "default/x"], "not both"),
                          (["push", "--all", "--project", "noslash"], "is not OWNER/NAME")):
        proc = plx_runs(done["cwd"], *args)
        assert proc.returncode == 2 and message in proc.stderr, (args, proc.stderr)


@pytest.mark.skipif(bool(__import__("importlib").util.find_spec("polyaxon")), reason="polyaxon is installed here")
def test_push_without_polyaxon_says_what_to_install(done):
    proc = plx_runs(done["cwd"], "push", "--all", "--project", "default/x")
    assert proc.returncode == 1
    assert proc.stderr == ("Error: plx-runs push needs polyaxon's client, which is not installed: "
                           "pip install 'polyaxon-helper-compat[polyaxon-v2]'\n")
    assert not list(done["cwd"].glob("**/pushed.json"))


def test_the_console_script_and_the_light_import():
    from importlib.metadata import PackageNotFoundError, distribution

    try:
        dist = distribution("polyaxon-helper-compat")
    except PackageNotFoundError:  # run from a source tree on PYTHONPATH
        dist = None
    if dist is not None:
        scripts = {e.name: e.value for e in dist.entry_points if e.group == "console_scripts"}
        assert scripts["plx-runs"] == "polyaxon_helper_compat._runs.cli:main"
    code = ("import sys, polyaxon_helper, polyaxon_helper_compat, polyaxon_helper_compat.tracking\n"
            "print(sorted(m for m in sys.modules if m.startswith('polyaxon_helper_compat._runs') or m == 'click'))")
    proc = subprocess.run([sys.executable, "-c", code], env=base_env(), capture_output=True, text=True, timeout=60)
    assert proc.returncode == 0 and proc.stdout == "[]\n", proc.stderr

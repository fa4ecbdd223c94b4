"""The oracle tooling itself: the in-repo recorder and the normalisation (fast, no polyaxon involved)."""
import json
import sys
import textwrap
from pathlib import Path
from typing import Any, Dict

from .normalize import (
    CREATED_AT,
    batch_size_problems,
    leftover_volatile,
    normalize,
    normalize_with_context,
    split_metrics,
)
from .recorder import record, record_with_context

CLIENT = textwrap.dedent("""
    import json, os, sys, urllib.request
    base = os.environ["API"]
    def send(method, path, body=None, ctype="application/json"):
        data = None if body is None else body.encode()
        req = urllib.request.Request(base + path, data=data, method=method)
        if data is not None:
            req.add_header("Content-Type", ctype)
        req.add_header("Authorization", "Token t")
        req.add_header("X-Not-Kept", "x")
        try:
            with urllib.request.urlopen(req) as r:
                return r.status, json.loads(r.read())
        except urllib.error.HTTPError as e:
            return e.code, None
    out = [send("PATCH", "/a/", json.dumps({"k": 1})),
           send("POST", "/a/metrics/", "not json"),
           send("POST", "/form/", "values=%7B%22x%22%3A+1%7D", "application/x-www-form-urlencoded"),
           send("GET", "/users/me")]
    print(json.dumps(out))
    print("err", file=sys.stderr)
    sys.exit(3)
""")


def _script(tmp_path: Path, text: str) -> str:
    p = tmp_path / "s.py"
    p.write_text(text)
    return str(p)


def test_recorder_fields_server_and_parsing(tmp_path):
    rec = record(sys.executable, _script(tmp_path, CLIENT), {"API": "{SERVER}"}, grace=0.0)
    assert set(rec) == {"returncode", "stdout", "stderr", "requests"}
    assert (rec["returncode"], rec["stderr"]) == (3, "err\n")
    assert json.loads(rec["stdout"]) == [[200, {}], [201, {}], [201, {}], [200, {"username": "alice"}]]
    reqs = rec["requests"]
    assert [(r["method"], r["path"]) for r in reqs] == [("PATCH", "/a/"), ("POST", "/a/metrics/"),
                                                       ("POST", "/form/"), ("GET", "/users/me")]
    assert [r["body"] for r in reqs] == [{"k": 1}, {"unparsable_json": "not json"},
                                         {"form": {"values": ['{"x": 1}']}}, ""]
    assert all(set(r) == {"method", "path", "headers", "body", "t"} for r in reqs)
    assert reqs[0]["t"] == 0 and all(r["t"] >= 0 for r in reqs)
    assert {k.lower() for k in reqs[0]["headers"]} == {"authorization", "content-type", "user-agent"}


def test_recorder_status_and_fail_first(tmp_path):
    script = _script(tmp_path, CLIENT)
    rec = record(sys.executable, script, {"API": "{SERVER}"}, status=500, grace=0.0)
    assert [c for c, _ in json.loads(rec["stdout"])] == [500, 500, 500, 500]
    rec = record(sys.executable, script, {"API": "{SERVER}"}, fail_first=2, grace=0.0)
    assert [c for c, _ in json.loads(rec["stdout"])] == [503, 503, 201, 200]


def test_recorder_environment_and_placeholders(tmp_path, monkeypatch):
    monkeypatch.setenv("PLX_MUST_NOT_LEAK", "1")
    env_file = tmp_path / "env.json"
    env_file.write_text(json.dumps({"A": "{SERVER} {HOST} {PORT} {TMP}", "B": {"x": 1}, "C": 5}))
    script = _script(tmp_path, "import json, os; print(json.dumps(dict(os.environ)))")
    rec, ctx = record_with_context(sys.executable, script, str(env_file), grace=0.0, pythonpath="/nowhere",
                                   tmp_parent=str(tmp_path), cwd=str(tmp_path))
    env = json.loads(rec["stdout"])
    assert env["A"] == "%s 127.0.0.1 %d %s" % (ctx["server"], ctx["port"], ctx["tmp"])
    assert (env["B"], env["C"], env["PYTHONPATH"]) == ('{"x": 1}', "5", "/nowhere")
    assert ctx["tmp"].startswith(str(tmp_path)) and ctx["cwd"] == str(tmp_path)
    # LC_CTYPE: Python's own C-locale coercion may add it in the child
    assert set(env) <= {"PATH", "HOME", "LANG", "LC_CTYPE", "A", "B", "C", "PYTHONPATH"}


def _run_env(**over: Any) -> Dict[str, Any]:
    env: Dict[str, Any] = {"pid": 1, "hostname": "h", "os": "Linux-x", "system": "Linux", "python_version_verbose": "3.7.16 (x)",
           "python_version": "3.7.16", "user": "root", "client_version": "0.5.0", "sys.argv": ["s.py"],
           "is_notebook": False, "filename": "env.py", "module_path": "/tmp/plx-case-abcdefgh/x",
           "packages": ["a==1"]}
    env.update(over)
    return env


def _metrics(path: str, *created: Any) -> Dict[str, Any]:
    return {"method": "POST", "path": path, "headers": {"User-Agent": "python-requests/2.29.0"}, "t": 0.5,
            "body": [{"values": {"i": i}, "created_at": c} for i, c in enumerate(created)]}


def test_normalize_run_env_keeps_keys_and_stable_fields():
    rec: Dict[str, Any] = {"returncode": 0, "stdout": "", "stderr": "", "requests": [
        {"method": "PATCH", "path": "/e/", "headers": {"User-Agent": "python-requests/2.34.2"}, "t": 0.0,
         "body": {"run_env": _run_env()}}]}
    out = normalize(rec)
    req = out["requests"][0]
    assert "t" not in req and req["headers"] == {"User-Agent": "python-requests/<v>"}
    run_env = req["body"]["run_env"]
    assert set(run_env) == set(_run_env())
    assert run_env["pid"] == "<pid>" and run_env["packages"] == "<packages>"
    assert (run_env["system"], run_env["filename"], run_env["sys.argv"]) == ("Linux", "env.py", ["s.py"])
    assert leftover_volatile(out) == []
    # a missing key stays missing, so the key sets still differ
    fewer = dict(rec, requests=[dict(rec["requests"][0], body={"run_env": {"pid": 2}})])
    assert normalize(fewer)["requests"][0]["body"] != req["body"]


def test_normalize_created_at():
    rec = {"returncode": 0, "stdout": "", "stderr": "", "requests": [
        _metrics("/e/metrics/", "2026-11-30 10:04:45.567698+00:00", "2026-11-30 10:04:45+00:00",
                 "2026-11-30T10:04:45.567698+00:00", "2026-11-30 10:04:45.567698", 17)]}
    rows = normalize(rec)["requests"][0]["body"]
    assert [r["created_at"] for r in rows[:2]] == [CREATED_AT, CREATED_AT]
    assert all(r["created_at"].startswith("<BAD created_at") for r in rows[2:])
    assert leftover_volatile(normalize(rec)) == ["a created_at has an unexpected format"]


def test_normalize_paths_and_port():
    tmp, cwd = "/var/x/plx-record-abcd1234", "/var/x/plx-case-zz/scripts"
    rec = {"returncode": 0, "stdout": "out %s/outputs in %s; http://127.0.0.1:4321/a 127.0.0.1:43210" % (tmp, cwd),
           "stderr": "/elsewhere/plx-record-qwer_tyu/x", "requests": []}
    out = normalize_with_context(rec, {"tmp": tmp, "cwd": cwd, "port": 4321})
    assert out["stdout"] == "out <TMP>/outputs in <CWD>; http://127.0.0.1:<PORT>/a 127.0.0.1:43210"
    assert out["stderr"] == "<TMP>/x"


def test_split_metrics_merges_batches_and_keeps_other_requests():
    patch = {"method": "PATCH", "path": "/e/", "headers": {}, "body": {"a": 1}}
    reqs = [_metrics("/e/metrics/", "a", "b"), patch, _metrics("/e/metrics/", "c"),
            {"method": "POST", "path": "/e/statuses/", "headers": {}, "body": {"status": "succeeded"}}]
    split = split_metrics(reqs)
    assert [r["path"] for r in split["requests"]] == ["/e/", "/e/statuses/"]
    stream = split["metrics"]["/e/metrics/"]
    assert [r["created_at"] for r in stream["rows"]] == ["a", "b", "c"]
    assert stream["batch_sizes"] == [2, 1] and len(stream["headers"]) == 1
    assert batch_size_problems([1, 201, 5]) == []
    assert len(batch_size_problems([0, 202])) == 2

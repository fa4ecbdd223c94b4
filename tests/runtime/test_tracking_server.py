"""The v0 tracking API against a v0 server from outside a cluster, whole scripts in subprocesses: create()
of an experiment, job and group as polyaxon-client 0.6.1 does it when the server answers with an id (the
oracle's server cannot: see tests/oracle/test_experiment_api.py), statuses at exit and on a crash, and a
server that refuses, is down or rejects the token (recorded locally, never raised)."""
from __future__ import annotations

import json
import re
import textwrap
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any, Iterator

import pytest

from tests.runtime.conftest import local_runs, read_jsonl, run_script

TOKEN = "user-token-789"


class IdServer:
    """A v0 API stand-in on 127.0.0.1 that records every request (method, path, headers, JSON body).

    ``GET .../users/`` answers ``{"username": "alice"}``; a create (``POST .../{experiments,jobs,groups}/``)
    answers ``{"id": N, ...}`` with N = 42, 43, ...; everything else ``{}``. ``refuse`` maps a regular
    expression on ``"METHOD path"`` to the HTTP status to answer instead.
    """

    def __init__(self, refuse: dict[str, int] | None = None) -> None:
        self.log: list[dict[str, Any]] = []
        self.refuse = refuse or {}
        self._next_id = 42
        lock = threading.Lock()
        server = self

        class Handler(BaseHTTPRequestHandler):
            def _handle(self) -> None:
                length = int(self.headers.get("Content-Length") or 0)
                raw = self.rfile.read(length).decode() if length else ""
                line = "%s %s" % (self.command, self.path)
                with lock:
                    server.log.append({"method": self.command, "path": self.path, "headers": dict(self.headers),
                                       "body": json.loads(raw) if raw else None})
                    status = next((code for pattern, code in server.refuse.items() if re.search(pattern, line)), 0)
                    answer: Any = {}
                    if status:
                        pass
                    elif "/users/" in self.path:
                        answer = {"username": "alice"}
                    elif self.command == "POST" and re.search(r"/(experiments|jobs|groups)/$", self.path):
                        answer = {"id": server._next_id, "unique_name": "alice.mnist.%d" % server._next_id}
                        server._next_id += 1
                out = json.dumps(answer).encode()
                self.send_response(status or (201 if self.command == "POST" else 200))
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(out)))
                self.end_headers()
                self.wfile.write(out)

            do_GET = do_POST = do_PATCH = do_DELETE = _handle

            def log_message(self, *args: Any) -> None:
                pass

        self._server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.port = self._server.server_address[1]
        self.url = "http://127.0.0.1:%d" % self.port
        threading.Thread(target=self._server.serve_forever, daemon=True).start()

    def calls(self) -> list[tuple[str, str, Any]]:
        """``(method, path, body)`` of every request, heartbeats left out."""
        return [(r["method"], r["path"], r["body"]) for r in self.log if not r["path"].endswith("/_heartbeat/")]

    def close(self) -> None:
        self._server.shutdown()
        self._server.server_close()


@pytest.fixture
def server() -> Iterator[IdServer]:
    s = IdServer()
    yield s
    s.close()


def env_for(server: IdServer, **extra: str) -> dict[str, str]:
    env = {"POLYAXON_API_HOST": "127.0.0.1", "POLYAXON_HTTP_PORT": str(server.port),
           "POLYAXON_SECRET_USER_TOKEN": TOKEN, "POLYAXON_INTERVAL": "0.05"}
    env.update(extra)
    return env


def run(tmp_path: Path, code: str, env: dict[str, str]) -> Any:
    script = tmp_path / "script.py"
    script.write_text(textwrap.dedent(code))
    return run_script(script, env, tmp_path)


EXP = "/api/v1/alice/mnist/experiments/42/"


def test_create_then_every_call_goes_to_the_created_experiment(tmp_path, server):
    proc = run(tmp_path, """
        from polyaxon_helper_compat.tracking import Experiment
        experiment = Experiment(project="mnist")
        experiment.create(name="first", tags="a, b", description="d", framework="keras")
        print(experiment.experiment_id, experiment.experiment["unique_name"], experiment.last_status)
        experiment.log_params(lr=0.1)
        experiment.log_metrics(loss=0.5)
        experiment.log_metrics(loss=0.25)
        experiment.set_name("renamed")
    """, env_for(server))
    assert proc.returncode == 0, proc.stderr
    assert (proc.stdout, proc.stderr) == ("42 alice.mnist.42 running\n", "")
    calls = server.calls()
    assert [(m, p) for m, p, _ in calls[:2]] == [("GET", "/api/v1/users/"), ("POST", "/api/v1/alice/mnist/experiments/")]
    body = calls[1][2]
    assert {k: body[k] for k in ("name", "tags", "description", "framework", "backend", "is_managed",
                                 "experiment_group", "has_tensorboard", "num_jobs", "id")} == {
        "name": "first", "tags": ["a", "b"], "description": "d", "framework": "keras", "backend": "other",
        "is_managed": False, "experiment_group": None, "has_tensorboard": False, "num_jobs": 0, "id": None}
    assert set(body["run_env"]) >= {"pid", "hostname", "python_version", "packages", "sys.argv"}
    assert calls[2:] == [
        ("POST", EXP + "coderef/", None),  # tmp_path is not in a git repository: no body, as the original
        ("POST", EXP + "statuses/", {"status": "running"}),
        ("PATCH", EXP, {"params": {"lr": 0.1}, "merge": True}),
        ("POST", EXP + "metrics/", [{"values": {"loss": 0.5}, "created_at": calls[5][2][0]["created_at"]},
                                   {"values": {"loss": 0.25}, "created_at": calls[5][2][1]["created_at"]}]),
        ("PATCH", EXP, {"name": "renamed"}),
        ("POST", EXP + "statuses/", {"status": "succeeded"}),
    ]
    assert all(r["headers"]["Authorization"] == "Token " + TOKEN for r in server.log)
    assert "Content-Type" not in server.log[2]["headers"]
    assert not (tmp_path / ".polyaxon-compat").exists()  # nothing recorded locally, the default backend untouched


def test_explicit_client_and_heartbeats(tmp_path, server):
    proc = run(tmp_path, """
        import os, time
        from polyaxon_helper_compat.client import PolyaxonClient
        from polyaxon_helper_compat.tracking import Experiment
        client = PolyaxonClient(host="127.0.0.1", port=int(os.environ["PORT"]), token="explicit")
        experiment = Experiment(project="bob/vision", client=client, track_code=False)
        experiment.create()
        assert experiment.client is client
        time.sleep(0.5)
    """, {"PORT": str(server.port), "HEALTH_CHECK_INTERVAL": "0.1", "POLYAXON_INTERVAL": "0.05"})
    assert proc.returncode == 0, proc.stderr
    paths = [(r["method"], r["path"]) for r in server.log]
    assert paths[:3] == [("GET", "/api/v1/users/"), ("POST", "/api/v1/bob/vision/experiments/"),
                         ("POST", "/api/v1/bob/vision/experiments/42/statuses/")]
    assert ("POST", "/api/v1/bob/vision/experiments/42/_heartbeat/") in paths
    assert paths[-1] == ("POST", "/api/v1/bob/vision/experiments/42/statuses/")
    assert all(r["headers"]["Authorization"] == "Token explicit" for r in server.log)


def test_uncaught_exception_marks_the_created_experiment_failed_and_chains_the_hook(tmp_path, server):
    proc = run(tmp_path, """
        import sys
        def hook(t, v, tb):
            print("user hook saw", t.__name__, file=sys.stderr)
        sys.excepthook = hook
        from polyaxon_helper_compat.tracking import Experiment
        first = Experiment(project="alice/mnist", track_code=False).create(name="one")
        second = Experiment(project="alice/mnist", track_code=False).create(name="two")
        raise ValueError("diverged")
    """, env_for(server))
    assert proc.returncode == 1
    assert proc.stderr == "user hook saw ValueError\n"
    statuses = {(p, b["status"], b.get("message")) for m, p, b in server.calls() if p.endswith("/statuses/")}
    failed = "Type: <class 'ValueError'>, Value: diverged"
    assert statuses == {  # the original marked only the last experiment failed, and the first succeeded
        (EXP + "statuses/", "running", None), (EXP + "statuses/", "failed", failed),
        ("/api/v1/alice/mnist/experiments/43/statuses/", "running", None),
        ("/api/v1/alice/mnist/experiments/43/statuses/", "failed", failed)}


def test_final_status_sent_once(tmp_path, server):
    proc = run(tmp_path, """
        from polyaxon_helper_compat.tracking import Experiment
        experiment = Experiment(project="alice/mnist", track_code=False).create()
        experiment.log_stopped()
    """, env_for(server))
    assert proc.returncode == 0, proc.stderr
    assert [b for _, p, b in server.calls() if p.endswith("/statuses/")] == [{"status": "running"},
                                                                            {"status": "stopped"}]


def test_existing_experiment_by_id_is_not_started(tmp_path, server):
    proc = run(tmp_path, """
        from polyaxon_helper_compat.tracking import Experiment
        experiment = Experiment(project="alice/mnist", experiment_id=7)
        experiment.log_tags(["x"])
        experiment.log_code_ref()
        experiment.log_status("running")
    """, env_for(server))
    assert proc.returncode == 0, proc.stderr
    assert [(m, p) for m, p, _ in server.calls()] == [
        ("GET", "/api/v1/users/"), ("PATCH", "/api/v1/alice/mnist/experiments/7/"),
        ("POST", "/api/v1/alice/mnist/experiments/7/coderef/"), ("POST", "/api/v1/alice/mnist/experiments/7/statuses/")]


def test_job_create_and_group_with_its_experiments(tmp_path, server):
    proc = run(tmp_path, """
        from polyaxon_helper_compat.tracking import Group, Job
        job = Job(project="mnist", track_code=False).create(name="etl", tags=["data"])
        job.log_params(rows=10)
        group = Group(project="mnist").create(name="search", description="grid")
        trials = [group.create_experiment(name="t%d" % i, tags=["hp"]) for i in range(2)]
        for i, trial in enumerate(trials):
            trial.log_metrics(loss=1.0 / (i + 1))
        print(job.job_id, group.group_id, [t.experiment_id for t in trials], trials[0].group_id)
    """, env_for(server))
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout == "42 43 [44, 45] 43\n"
    calls = server.calls()
    creates = [(p, b) for m, p, b in calls if m == "POST" and re.search(r"/(experiments|jobs|groups)/$", p)]
    assert [p for p, _ in creates] == ["/api/v1/alice/mnist/jobs/", "/api/v1/alice/mnist/groups/",
                                       "/api/v1/alice/mnist/experiments/", "/api/v1/alice/mnist/experiments/"]
    job_body, group_body, trial_body = creates[0][1], creates[1][1], creates[2][1]
    assert "run_env" not in job_body and job_body["tags"] == ["data"] and job_body["pod_id"] is None
    assert (group_body["name"], group_body["description"], group_body["num_experiments"]) == ("search", "grid", None)
    assert "backend" in group_body and group_body["backend"] is None and "run_env" not in group_body
    assert (trial_body["experiment_group"], trial_body["name"]) == (43, "t0")
    by_path = {(m, p) for m, p, _ in calls}
    for path in ("/api/v1/alice/mnist/jobs/42/", "/api/v1/alice/mnist/groups/43/",
                 "/api/v1/alice/mnist/experiments/44/", "/api/v1/alice/mnist/experiments/45/"):
        assert ("POST", path + "statuses/") in by_path
    assert ("PATCH", "/api/v1/alice/mnist/jobs/42/") in by_path
    assert ("POST", "/api/v1/alice/mnist/experiments/44/coderef/") in by_path
    assert ("POST", "/api/v1/alice/mnist/groups/43/coderef/") not in by_path
    group_statuses = [b for m, p, b in calls if p == "/api/v1/alice/mnist/groups/43/statuses/"]
    assert group_statuses == [{"status": "running"}, {"status": "succeeded"}]


@pytest.mark.parametrize("refuse, reason", [
    ({r"POST .*/experiments/$": 500}, r"\(HTTP 500 from .*/api/v1/alice/mnist/experiments/: \{\}\)"),
    ({r"POST .*/experiments/$": 400}, r"\(HTTP 400 from .*/api/v1/alice/mnist/experiments/: \{\}\)"),
], ids=["500", "400"])
def test_refused_create_is_recorded_locally(tmp_path, refuse, reason):
    server = IdServer(refuse=refuse)
    try:
        proc = run(tmp_path, """
            from polyaxon_helper_compat.tracking import Experiment
            experiment = Experiment(project="alice/mnist")
            experiment.create(name="first", tags=["t"], description="d")
            experiment.log_params(lr=0.1)
            experiment.log_metrics(loss=0.5)
            print(experiment.experiment_id == experiment._backend.run_id, experiment.get_outputs_path())
        """, env_for(server))
    finally:
        server.close()
    assert proc.returncode == 0, proc.stderr
    (run_dir,) = local_runs(tmp_path)
    announce, line = proc.stderr.splitlines()  # the process's run, created for this experiment, then why
    assert announce == "polyaxon-helper-compat: recording this run locally in %s" % run_dir
    assert re.fullmatch(r"polyaxon-helper-compat: could not create the experiment on the Polyaxon API %s; "
                        r"recording this experiment locally in %s" % (reason, re.escape(str(run_dir))), line)
    assert proc.stdout == "True %s\n" % (run_dir / "outputs")
    doc = json.loads((run_dir / "run.json").read_text())
    assert (doc["name"], doc["tags"], doc["description"], doc["backend"], doc["is_managed"]) == (
        "first", ["t"], "d", "other", False)
    assert doc["code_ref"] is None and doc["status"] == "succeeded"
    assert [s["status"] for s in doc["statuses"]] == ["running", "succeeded"]
    assert json.loads((run_dir / "params.json").read_text()) == {"lr": 0.1}
    assert [r["values"] for r in read_jsonl(run_dir / "metrics.jsonl")] == [{"loss": 0.5}]


def test_server_down_is_recorded_locally(tmp_path):
    server = IdServer()
    server.close()  # nothing listens on its port any more
    proc = run(tmp_path, """
        from polyaxon_helper_compat.tracking import Experiment
        experiment = Experiment(project="alice/mnist").create(name="offline")
        experiment.log_metrics(loss=1.0)
    """, env_for(server))
    assert proc.returncode == 0, proc.stderr
    (run_dir,) = local_runs(tmp_path)
    assert proc.stderr.splitlines() == [
        "polyaxon-helper-compat: could not authenticate with the Polyaxon API (no answer from "
        "http://127.0.0.1:%d/api/v1/users/ (ConnectionError)); recording this experiment locally" % server.port,
        "polyaxon-helper-compat: recording this run locally in %s" % run_dir]
    assert json.loads((run_dir / "run.json").read_text())["name"] == "offline"


def test_rejected_token_is_recorded_locally_and_never_leaked(tmp_path):
    server = IdServer(refuse={r"GET /api/v1/users/": 401})
    try:
        proc = run(tmp_path, """
            from polyaxon_helper_compat.tracking import Experiment
            Experiment(project="alice/mnist").create(name="x")
        """, env_for(server))
    finally:
        server.close()
    assert proc.returncode == 0, proc.stderr
    assert "could not authenticate with the Polyaxon API" in proc.stderr
    assert "(HTTP 401 from " in proc.stderr and TOKEN not in proc.stderr
    assert [(m, p) for m, p, _ in server.calls()] == [("GET", "/api/v1/users/")]
    assert len(local_runs(tmp_path)) == 1


def test_group_without_id_sends_nothing_more_for_the_group(tmp_path):
    server = IdServer(refuse={r"POST .*/groups/$": 503})
    try:
        proc = run(tmp_path, """
            from polyaxon_helper_compat.tracking import Group
            group = Group(project="alice/mnist").create(name="g")
            trial = group.create_experiment(name="t")
            print(group.group_id, trial.experiment_id)
        """, env_for(server))
    finally:
        server.close()
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout == "None 42\n"
    assert "could not create the group on the Polyaxon API" in proc.stderr
    assert not [p for _, p, _ in server.calls() if "/groups/" in p and not p.endswith("/groups/")]


def test_forced_local_backend_ignores_the_server(tmp_path, server):
    proc = run(tmp_path, """
        from polyaxon_helper_compat.tracking import Experiment
        Experiment(project="alice/mnist").create(name="x")
    """, env_for(server, POLYAXON_COMPAT_BACKEND="local"))
    assert proc.returncode == 0, proc.stderr
    assert server.log == []
    assert len(local_runs(tmp_path)) == 1


def test_no_op_sends_writes_and_runs_nothing(tmp_path, server):
    proc = run(tmp_path, """
        from polyaxon_helper_compat.tracking import Experiment, Group, Job
        experiment = Experiment(project="alice/mnist")
        assert experiment.create(name="x") is experiment
        experiment.log_metrics(loss=1.0)
        experiment.log_code_ref()
        assert experiment.client is None and experiment.get_outputs_path() is None
        Job(project="alice/mnist").create()
        Group(project="alice/mnist").create().create_experiment()
    """, env_for(server, POLYAXON_NO_OP="true"))
    assert proc.returncode == 0, proc.stderr
    assert (proc.stdout, proc.stderr) == ("", "")
    assert server.log == [] and local_runs(tmp_path) == []

"""``PolyaxonClient`` beyond what the recordings show: requests sent from a thread (``background=True``) really
leave the calling thread, in order, and are flushed at exit or reported; how long a request may wait; the
error classes with and without ``reraise``; the import of ``polyaxon_helper_compat.client``/``.tracking`` in a v0
experiment's pod sending nothing (polyaxon-client 0.6.1's modules sent nothing at import)."""
from __future__ import annotations

import json
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any, Iterator

import pytest

from polyaxon_helper_compat.client import PolyaxonClient
from polyaxon_helper_compat.exceptions import (
    AuthenticationError,
    AuthorizationError,
    NotFoundError,
    PolyaxonHTTPError,
    PolyaxonShouldExitError,
    ServerError,
)
from tests.oracle.cases import ENVS
from tests.runtime.conftest import REPO, run_script


class SlowServer:
    """Answers every request with ``status`` after ``delay`` seconds (until ``release`` is set); records each
    request with the name of the thread that handled it."""

    def __init__(self, delay: float = 0.0, status: int = 200) -> None:
        self.log: list[dict[str, Any]] = []
        self.release = threading.Event()
        self.received = threading.Event()
        owner = self

        class Handler(BaseHTTPRequestHandler):
            def _handle(self) -> None:
                length = int(self.headers.get("Content-Length") or 0)
                raw = self.rfile.read(length).decode() if length else ""
                owner.log.append({"method": self.command, "path": self.path, "body": json.loads(raw) if raw else None})
                owner.received.set()
                owner.release.wait(delay)
                out = b"{}"
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(out)))
                self.end_headers()
                self.wfile.write(out)

            do_GET = do_POST = do_PATCH = do_DELETE = _handle

            def log_message(self, *args: Any) -> None:
                pass

        self._server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self._server.daemon_threads = True
        self.port = self._server.server_address[1]
        threading.Thread(target=self._server.serve_forever, daemon=True).start()

    def wait_for(self, count: int, deadline: float = 10.0) -> None:
        end = time.monotonic() + deadline
        while len(self.log) < count and time.monotonic() < end:
            time.sleep(0.01)
        assert len(self.log) >= count, self.log

    def close(self) -> None:
        self.release.set()
        self._server.shutdown()
        self._server.server_close()


@pytest.fixture
def slow() -> Iterator[SlowServer]:
    server = SlowServer(delay=5.0)
    yield server
    server.close()


def test_background_returns_none_at_once_and_sends_from_a_thread(clean_env, slow):
    """``background=True``: ``None`` before the server has even answered, the request sent in order from the
    client's worker thread (polyaxon-client 0.6.1's ``async_patch``/``async_post``)."""
    client = PolyaxonClient(host="127.0.0.1", port=slow.port, token="t")
    started = time.monotonic()
    assert client.experiment.update_experiment("alice", "mnist", 1, {"name": "x"}, background=True) is None
    assert client.experiment.create_status("alice", "mnist", 1, "running", background=True) is None
    assert time.monotonic() - started < 1.0  # the server holds each answer 5 s
    assert slow.received.wait(5)
    slow.release.set()
    slow.wait_for(2)
    assert [(r["method"], r["path"], r["body"]) for r in slow.log] == [
        ("PATCH", "/api/v1/alice/mnist/experiments/1/", {"name": "x"}),
        ("POST", "/api/v1/alice/mnist/experiments/1/statuses/", {"status": "running"})]
    assert client.transport.flush(5)
    assert (client.transport.threaded_done, client.transport.threaded_exceptions) == (2, 0)


def test_background_requests_are_flushed_at_exit(tmp_path):
    """A script that exits right after queueing background requests: they are sent before the process ends."""
    server = SlowServer(delay=0.2)
    try:
        script = tmp_path / "bg.py"
        script.write_text(
            "from polyaxon_helper_compat.client import PolyaxonClient\n"
            "c = PolyaxonClient(host='127.0.0.1', port=%d, token='t')\n"
            "for i in range(5):\n"
            "    c.experiment.create_metric('alice', 'mnist', 3, {'step': i}, background=True)\n"
            "print('queued')\n" % server.port)
        proc = run_script(script, {"PYTHONPATH": str(REPO)}, tmp_path)
        assert (proc.returncode, proc.stdout, proc.stderr) == (0, "queued\n", "")
        assert [r["body"]["values"]["step"] for r in server.log] == [0, 1, 2, 3, 4]
    finally:
        server.close()


def test_background_failures_are_counted_at_exit(tmp_path):
    """Background requests the server refuses are not raised in the script (as 0.6.1) but counted on stderr at
    exit (0.6.1 dropped them silently): every count printed is true."""
    server = SlowServer(status=404)
    try:
        script = tmp_path / "bg.py"
        script.write_text(
            "from polyaxon_helper_compat.client import PolyaxonClient\n"
            "c = PolyaxonClient(host='127.0.0.1', port=%d, token='t')\n"
            "for i in range(3):\n"
            "    c.job.update_job('alice', 'mnist', 9, {'n': i}, background=True)\n" % server.port)
        proc = run_script(script, {"PYTHONPATH": str(REPO)}, tmp_path)
        assert proc.returncode == 0
        assert proc.stderr == (
            "polyaxon-helper-compat: 3 background request(s) of the Polyaxon client failed (first: PATCH "
            "http://127.0.0.1:%d/api/v1/alice/mnist/jobs/9/: 404 on http://127.0.0.1:%d/api/v1/alice/mnist/jobs/9/.)\n"
            % (server.port, server.port))
        assert len(server.log) == 3
    finally:
        server.close()


def test_periodic_bodies_are_batched_per_url(clean_env):
    """``periodic=True``: the bodies of one URL go in one POST of a JSON list, as 0.6.1's periodic worker."""
    server = SlowServer()
    try:
        client = PolyaxonClient(host="127.0.0.1", port=server.port, token="t")
        for loss in (0.5, 0.25, 0.125):
            assert client.experiment.create_metric("alice", "mnist", 4, {"loss": loss}, periodic=True) is None
        assert client.transport.flush(5)
        assert [(r["path"], r["body"]) for r in server.log] == [
            ("/api/v1/alice/mnist/experiments/4/metrics/",
             [{"values": {"loss": 0.5}}, {"values": {"loss": 0.25}}, {"values": {"loss": 0.125}}])]
    finally:
        server.close()


def test_a_request_without_answer_gives_up_after_the_timeout(clean_env, slow):
    """Difference: 0.6.1 waited up to ``POLYAXON_LONG_REQUEST_TIMEOUT`` (3600 s) for an answer; we wait the
    client's ``timeout`` (``POLYAXON_TIMEOUT``, 20 s by default), then raise ``PolyaxonShouldExitError`` with
    ``reraise`` or return the default."""
    client = PolyaxonClient(host="127.0.0.1", port=slow.port, token="t", timeout=0.3, reraise=True)
    started = time.monotonic()
    with pytest.raises(PolyaxonShouldExitError, match="Error connecting to Polyaxon server"):
        client.experiment.get_experiment("alice", "mnist", 1)
    assert time.monotonic() - started < 3
    client.set_reraise(False)
    assert client.experiment.get_experiment("alice", "mnist", 1) is None


@pytest.mark.parametrize(("status", "error"), [(401, AuthenticationError), (403, AuthorizationError),
                                              (404, NotFoundError), (500, ServerError), (418, PolyaxonHTTPError)])
def test_error_classes(clean_env, status, error):
    """With ``reraise=True`` the class of the status (0.6.1 ``ERRORS_MAPPING``); without, ``None`` (``[]`` for a
    list) except for 401, always raised."""
    server = SlowServer(status=status)
    try:
        strict = PolyaxonClient(host="127.0.0.1", port=server.port, token="t", reraise=True)
        with pytest.raises(error) as info:
            strict.project.get_project("alice", "mnist")
        assert type(info.value) is error and info.value.status_code == status
        assert str(info.value) == "%d on http://127.0.0.1:%d/api/v1/alice/mnist/." % (status, server.port)
        assert info.value.response.status_code == status and info.value.message is None
        lenient = PolyaxonClient(host="127.0.0.1", port=server.port, token="t")
        if status == 401:
            with pytest.raises(AuthenticationError):
                lenient.project.list_jobs("alice", "mnist")
        else:
            assert lenient.project.get_project("alice", "mnist") is None
            assert lenient.project.list_jobs("alice", "mnist") == []
            assert lenient.experiment.get_statuses("alice", "mnist", 1) is None
    finally:
        server.close()


def test_version_handler_always_raises(clean_env):
    """As 0.6.1's ``VersionApi`` (no error handling): even without ``reraise``."""
    server = SlowServer(status=500)
    try:
        with pytest.raises(ServerError):
            PolyaxonClient(host="127.0.0.1", port=server.port).version.get_cli_version()
    finally:
        server.close()


def test_websocket_streams_and_file_transfers_are_not_provided(clean_env):
    client = PolyaxonClient(host="127.0.0.1", port=1)
    with pytest.raises(NotImplementedError, match=r"logs\(\.\.\., stream=False\)"):
        client.experiment.logs("alice", "mnist", 1)
    with pytest.raises(NotImplementedError, match="not provided by polyaxon-helper-compat"):
        client.job.resources("alice", "mnist", 1)
    with pytest.raises(NotImplementedError):
        client.project.upload_repo("alice", "mnist", files=[])


def test_setters_keep_the_urls_and_apply_the_token(clean_env):
    """``set_host`` changes ``host`` but not where requests go (``api_config.base_url`` was computed once, as in
    0.6.1); ``set_token`` applies to the next request; both drop the cached transport and handlers."""
    server = SlowServer()
    try:
        client = PolyaxonClient(host="127.0.0.1", port=server.port, token="t0")
        experiment, transport = client.experiment, client.transport
        client.set_host("elsewhere.example.com")
        client.set_token("t1")
        assert client.host == "elsewhere.example.com" and client.token == "t1"
        assert client.experiment is not experiment and client.transport is not transport
        client.experiment.get_experiment("alice", "mnist", 1)
        assert server.log[-1]["path"] == "/api/v1/alice/mnist/experiments/1/"
    finally:
        server.close()


def _pod_env(server_url: str) -> dict[str, str]:
    env = json.loads((ENVS / "v0-incluster.json").read_text())
    return {k: v.replace("{SERVER}", server_url).replace("{TMP}", "/tmp").replace("{HOST}", "127.0.0.1")
            .replace("{PORT}", server_url.rsplit(":", 1)[1]) for k, v in env.items()}


@pytest.mark.parametrize(("statement", "patches"), [
    ("import polyaxon_helper", 1),
    ("import polyaxon_helper_compat", 1),
    ("from polyaxon_helper_compat import get_params", 1),
    ("import polyaxon_helper_compat.client", 0),
    ("from polyaxon_helper_compat.client import PolyaxonClient", 0),
    ("from polyaxon_helper_compat.tracking import Experiment", 0),
    ("from polyaxon_helper_compat.tracking import Experiment; Experiment(track_env=False)", 0),
    ("from polyaxon_helper_compat.tracking import Experiment; Experiment()", 1),
])
def test_what_an_import_sends_in_an_experiment_pod(tmp_path, statement, patches):
    """polyaxon-helper 0.5.0 created its experiment (and sent ``run_env``) at ``import polyaxon_helper``;
    polyaxon-client 0.6.1's ``polyaxon_client``/``polyaxon_client.tracking`` sent nothing at import."""
    server = SlowServer()
    try:
        script = tmp_path / "pod.py"
        script.write_text(statement + "\n")
        proc = run_script(script, {"PYTHONPATH": str(REPO), **_pod_env("http://127.0.0.1:%d" % server.port)},
                          tmp_path)
        assert proc.returncode == 0, proc.stderr
        assert [(r["method"], sorted(r["body"] or {})) for r in server.log] == [
            ("PATCH", ["run_env"])] * patches
    finally:
        server.close()


def test_schema_response_answers_are_dicts(clean_env):
    """Difference: with ``schema_response=True`` 0.6.1 answered schema objects (``ExperimentConfig``...); the
    answers are always the decoded JSON here (the property is kept)."""
    server = SlowServer()
    try:
        client = PolyaxonClient(host="127.0.0.1", port=server.port, schema_response=True)
        assert client.api_config.schema_response is True
        assert client.experiment.get_experiment("alice", "mnist", 1) == {}
    finally:
        server.close()


def test_cli_config_files_are_not_read_and_logs_not_forwarded(tmp_path):
    """Difference: polyaxon-client read the CLI's ``~/.polyaxon`` files (host, token) and, with ``track_logs``,
    forwarded the script's output to ``.../logs/``; neither here: the environment and arguments configure the
    client, and the output stays the script's."""
    server = SlowServer()
    try:
        home = tmp_path / "home"
        (home / ".polyaxon").mkdir(parents=True)
        (home / ".polyaxon" / ".polyaxonauth").write_text(json.dumps({"token": "from-the-cli"}))
        (home / ".polyaxon" / ".polyaxonconfig").write_text(json.dumps({"host": "127.0.0.1", "port": server.port}))
        script = tmp_path / "logs.py"
        script.write_text(
            "from polyaxon_helper_compat.client import PolyaxonClient\n"
            "from polyaxon_helper_compat.exceptions import PolyaxonClientException\n"
            "from polyaxon_helper_compat.tracking import Experiment\n"
            "try:\n"
            "    PolyaxonClient()\n"
            "except PolyaxonClientException as e:\n"
            "    print('no host:', e)\n"
            "client = PolyaxonClient(host='127.0.0.1', port=%d, token='t')\n"
            "experiment = Experiment(project='alice/mnist', client=client, track_logs=True, track_code=False)\n"
            "experiment.create(name='x')\n"
            "print('training output')\n" % server.port)
        proc = run_script(script, {"PYTHONPATH": str(REPO), "HOME": str(home)}, tmp_path)
        assert proc.returncode == 0, proc.stderr
        assert proc.stdout == ("no host: Api config requires at least a host if not running in-cluster.\n"
                               "training output\n")
        assert [r["path"] for r in server.log if "/logs/" in r["path"] or r["method"] == "GET"] == [
            "/api/v1/users/"]
    finally:
        server.close()

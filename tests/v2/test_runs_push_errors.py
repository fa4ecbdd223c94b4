"""``plx-runs push`` when it cannot push: the host unreachable, the token refused, the project missing,
``POLYAXON_NO_OP``, a polyaxon boolean that would purge the client configuration. Real processes with polyaxon's
client against servers on 127.0.0.1 (a closed port, and a small HTTP server answering as an API that refuses).

Runs with an interpreter that has polyaxon: this one, or the one next to ``PLX_E2E_HAUPT`` (see
``test_v2_e2e.py``); skipped otherwise.
"""
from __future__ import annotations

import importlib.util
import json
import os
import socket
import sys
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Iterator

import pytest

from tests.runs.conftest import plx_runs, record, run_folders


def _polyaxon_python() -> str | None:
    if importlib.util.find_spec("polyaxon") is not None:
        return sys.executable
    haupt = os.environ.get("PLX_E2E_HAUPT") or str(Path(sys.executable).parent / "haupt")
    python = Path(haupt).parent / "python"
    return str(python) if os.path.isfile(haupt) and python.exists() else None


PYTHON = _polyaxon_python()
pytestmark = pytest.mark.skipif(PYTHON is None, reason="no interpreter with polyaxon (pip install -e "
                                                       "'.[v2]' or PLX_E2E_HAUPT=/path/to/bin/haupt)")


class Refusing:
    """An HTTP server on 127.0.0.1 answering every request with ``status`` and a JSON ``detail``."""

    def __init__(self, status: int, detail: str) -> None:
        self.paths: list[str] = []
        outer = self

        class Handler(BaseHTTPRequestHandler):
            def _answer(self) -> None:
                outer.paths.append("%s %s" % (self.command, self.path))
                body = json.dumps({"detail": detail}).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            do_GET = do_POST = do_PATCH = _answer

            def log_message(self, *args: object) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = "http://127.0.0.1:%d" % self.server.server_address[1]
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def project(tmp_path: Path) -> Path:
    proc = record(tmp_path, "--epochs", "3")
    assert proc.returncode == 0, proc.stderr
    (tmp_path / "home").mkdir()
    return tmp_path


def _push(cwd: Path, **env: str):
    return plx_runs(cwd, "push", "--all", "--project", "default/mnist", python=str(PYTHON),
                    HOME=str(cwd / "home"), **env)


def _nothing_remembered(cwd: Path) -> bool:
    return not any((run / "pushed.json").exists() for run in run_folders(cwd))


def test_unreachable_host(project):
    with socket.socket() as sock:  # a port nobody listens on
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    proc = _push(project, POLYAXON_HOST="http://127.0.0.1:%d" % port)
    assert proc.returncode == 1
    assert proc.stderr.splitlines()[-1].startswith(
        "Error: cannot reach http://127.0.0.1:%d: " % port), proc.stderr
    assert "Connection refused" in proc.stderr and "POLYAXON_HOST or `polyaxon config set --host=URL`" in proc.stderr
    assert "Traceback" not in proc.stderr and _nothing_remembered(project)


@pytest.mark.parametrize("status", [401, 403])
def test_refused_token(project, status):
    server = Refusing(status, "Invalid token.")
    try:
        proc = _push(project, POLYAXON_HOST=server.url, POLYAXON_AUTH_TOKEN="not-a-token")
    finally:
        server.close()
    assert proc.returncode == 1
    assert proc.stderr.splitlines()[-1] == (
        "Error: %s refused the credentials (HTTP %d): set POLYAXON_AUTH_TOKEN or run `polyaxon login`"
        % (server.url, status)), proc.stderr
    assert server.paths == ["GET /api/v1/default/mnist"]  # one look at the project, nothing sent
    assert _nothing_remembered(project)


def test_missing_project(project):
    server = Refusing(404, "Not found.")
    try:
        proc = _push(project, POLYAXON_HOST=server.url)
    finally:
        server.close()
    assert proc.returncode == 1
    assert proc.stderr.splitlines()[-1] == (
        "Error: project default/mnist does not exist on %s: create it with `polyaxon project create "
        "--name=default/mnist`" % server.url)
    assert _nothing_remembered(project)


def test_no_op_and_a_bad_boolean(project):
    proc = _push(project, POLYAXON_HOST="http://127.0.0.1:9", POLYAXON_NO_OP="true")
    assert proc.returncode == 1 and proc.stderr.splitlines()[-1] == (
        "Error: POLYAXON_NO_OP is set: polyaxon's client would ignore every call; unset it to push")
    client_config = project / "home" / ".polyaxon" / ".client"
    client_config.parent.mkdir()
    client_config.write_text('{"host": "http://127.0.0.1:9"}')
    proc = _push(project, POLYAXON_IS_OFFLINE="maybe")
    assert proc.returncode == 1 and proc.stderr.splitlines()[-1] == (
        "Error: POLYAXON_IS_OFFLINE='maybe' is not a boolean polyaxon accepts (use true or false); importing "
        "polyaxon with it would purge your client configuration")
    assert client_config.read_text() == '{"host": "http://127.0.0.1:9"}'  # not purged
    assert _nothing_remembered(project)

from __future__ import annotations

import json
import os
import subprocess
import sys
import threading
from http.server import ThreadingHTTPServer
from pathlib import Path
from typing import Any, Iterator

import pytest

from polyaxon_helper_compat import _run
from tests.oracle.recorder import make_handler

REPO = Path(__file__).resolve().parents[2]
FIXTURE_PROJECT = REPO / "tests" / "fixtures" / "legacy_project"


@pytest.fixture
def clean_env(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Iterator[Path]:
    """No Polyaxon variable set, cwd in a temp folder, the runtime's cached context and backend reset."""
    for name in list(os.environ):
        if name.startswith("POLYAXON_") or name in ("TF_CONFIG", "HEALTH_CHECK_INTERVAL"):
            monkeypatch.delenv(name)
    monkeypatch.chdir(tmp_path)
    _run.reset()
    yield tmp_path
    backend = _run.set_backend(None)
    if backend is not None:
        backend.close(timeout=2)
    _run.reset()


class ApiServer:
    """A recording HTTP server on 127.0.0.1 (answers as ../oracle/record.py does)."""

    def __init__(self, status: int = 0, fail_first: int = 0) -> None:
        self.log: list[dict[str, Any]] = []
        self._lock = threading.Lock()
        self._server = ThreadingHTTPServer(("127.0.0.1", 0), make_handler(self.log, self._lock, status, fail_first))
        self.url = "http://127.0.0.1:%d" % self._server.server_address[1]
        threading.Thread(target=self._server.serve_forever, daemon=True).start()

    def close(self) -> None:
        self._server.shutdown()
        self._server.server_close()


@pytest.fixture
def api_server() -> Iterator[ApiServer]:
    server = ApiServer()
    yield server
    server.close()


def run_script(script: str | Path, env: dict[str, str], cwd: Path, *args: str,
               python: str = sys.executable, timeout: float = 60) -> subprocess.CompletedProcess[str]:
    """Run ``script`` with only PATH/HOME/LANG plus ``env`` in the environment (as the oracle recorder does)."""
    base = {k: os.environ[k] for k in ("PATH", "HOME", "LANG") if k in os.environ}
    return subprocess.run([python, str(script), *args], env={**base, **env}, cwd=cwd, capture_output=True,
                          text=True, timeout=timeout)


def local_runs(folder: Path) -> list[Path]:
    runs_dir = folder / ".polyaxon-compat" / "runs"
    return sorted(runs_dir.iterdir()) if runs_dir.exists() else []


def read_jsonl(path: Path) -> list[dict[str, Any]]:
    return [json.loads(line) for line in path.read_text().splitlines() if line]

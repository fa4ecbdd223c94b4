from __future__ import annotations

import os
from pathlib import Path
from typing import Iterator

import pytest

from polyaxon_helper_compat import _run

UUID = "8f1e2d3c4b5a69788796a5b4c3d2e1f0"
#: What the v2 agent injects into a run's main container (shared research §2), minus host and auth.
V2_ENV = {
    "POLYAXON_IS_MANAGED": "true",
    "POLYAXON_RUN_INSTANCE": "alice.mnist.runs.%s" % UUID,
    "POLYAXON_COLLECT_ARTIFACTS": "true",
    "POLYAXON_LOG_LEVEL": "INFO",
}
TF_CONFIG = ('{"cluster": {"chief": ["job-chief-0.ns.svc:2222"], "worker": ["job-worker-0.ns.svc:2222", '
             '"job-worker-1.ns.svc:2222"], "ps": ["job-ps-0.ns.svc:2222"]}, '
             '"task": {"type": "worker", "index": 1}, "environment": "cloud"}')
CATALOG = ('{"connections": [{"name": "data", "kind": "volume_claim", "schema": {"claimName": "pvc", '
           '"mountPath": "/plx-data", "readOnly": true}}, {"name": "gcs", "kind": "gcs", "schema": '
           '{"bucket": "gs://bucket"}, "secret": {"name": "gcs-secret"}}, {"name": "repo", "kind": "git", '
           '"schema": {"url": "https://github.com/x/y"}}]}')


@pytest.fixture
def v2_env(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Iterator[Path]:
    """A v2 run's variables, no other Polyaxon variable, cwd in a temp folder, the runtime reset."""
    for name in list(os.environ):
        if name.startswith("POLYAXON_") or name in ("TF_CONFIG", "RANK", "MASTER_ADDR", "WORLD_SIZE"):
            monkeypatch.delenv(name)
    for name, value in V2_ENV.items():
        monkeypatch.setenv(name, value)
    monkeypatch.chdir(tmp_path)
    _run.reset()
    yield tmp_path
    backend = _run.set_backend(None)
    if backend is not None:
        backend.close(timeout=2)
    _run.reset()

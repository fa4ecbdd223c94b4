"""Screenshot a pushed run in the Polyaxon v2 UI, for the README: the loop run -> plx-runs list -> plx-runs push
-> Polyaxon's UI, end to end on this machine.

    python scripts/screenshot_pushed_run.py [--haupt .venv-v2/bin/haupt] [--chromium chromium] [--out docs/images]

1. starts ``haupt sandbox`` on 127.0.0.1 (everything it writes under a temporary folder) with its UI served
   offline: ``POLYAXON_UI_IN_SANDBOX=true`` makes the sandbox serve the UI's static files, and
   ``POLYAXON_UI_OFFLINE=true`` makes the page load React, Plotly... from the sandbox instead of public CDNs;
2. runs the unchanged legacy script ``tests/fixtures/runs/train.py`` twice outside any cluster (local run store);
   the second run's epochs take a second each, so that the UI's default x-axis (wall time, shown per second) has
   one point per epoch;
3. runs ``plx-runs list`` and ``plx-runs push --all --project default/mnist`` (printed, for the README);
4. takes screenshots with headless Chromium (Debian: ``apt-get install chromium``): the run's metrics
   (``.../runs/<uuid>/dashboards``) and its overview, into ``--out``;
5. stops the sandbox by its PID and removes the temporary folder.

Needs ``.venv-v2`` (``make test`` builds it) and Chromium; not part of the test suite or CI.
"""
from __future__ import annotations

import argparse
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
TRAIN = REPO / "tests" / "fixtures" / "runs" / "train.py"
PROJECT = "mnist"


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _ready(url: str) -> bool:
    try:
        with urllib.request.urlopen(url + "/api/v1/installation", timeout=2) as answer:
            return answer.status == 200
    except OSError:
        return False


def _run(cmd: list[str], cwd: Path, env: dict[str, str]) -> str:
    print("$ " + " ".join(os.path.basename(c) if i == 0 else c for i, c in enumerate(cmd)), flush=True)
    proc = subprocess.run(cmd, cwd=cwd, env=env, capture_output=True, text=True, timeout=600)
    print(proc.stdout + proc.stderr, end="", flush=True)
    if proc.returncode not in (0,):
        raise SystemExit("%s exited with %d" % (cmd[0], proc.returncode))
    return proc.stdout


def _screenshot(chromium: str, url: str, path: Path, profile: Path, height: int = 900) -> None:
    cmd = [chromium, "--headless=new", "--no-sandbox", "--disable-gpu", "--hide-scrollbars", "--no-first-run",
           "--user-data-dir=%s" % profile, "--window-size=1400,%d" % height, "--virtual-time-budget=20000",
           "--screenshot=%s" % path, url]
    proc = subprocess.run(cmd, capture_output=True, text=True, timeout=180)
    if proc.returncode != 0 or not path.exists():
        raise SystemExit("chromium failed (%d): %s" % (proc.returncode, proc.stderr[-2000:]))
    print("screenshot of %s -> %s (%d bytes)" % (url, path, path.stat().st_size), flush=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--haupt", default=str(REPO / ".venv-v2" / "bin" / "haupt"))
    parser.add_argument("--chromium", default=shutil.which("chromium") or "chromium")
    parser.add_argument("--out", default=str(REPO / "docs" / "images"))
    args = parser.parse_args()
    haupt = Path(args.haupt)
    python = str(haupt.parent / "python")
    if not haupt.exists():
        raise SystemExit("%s not found: build .venv-v2 first (make test, or the Makefile's .venv-v2 target)" % haupt)
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    root = Path(tempfile.mkdtemp(prefix="plx-runs-shot-"))
    port = _free_port()
    url = "http://127.0.0.1:%d" % port
    (root / "home").mkdir()
    base = {"PATH": "/usr/bin:/bin", "HOME": str(root / "home"), "LANG": "C.UTF-8", "PYTHONPATH": str(REPO)}
    server_env = {**base, "POLYAXON_ARCHIVES_ROOT": str(root / "archives"),
                  "POLYAXON_ARTIFACTS_ROOT": str(root / "artifacts"), "POLYAXON_OFFLINE_ROOT": str(root / "offline"),
                  "POLYAXON_UI_IN_SANDBOX": "true", "POLYAXON_UI_OFFLINE": "true"}
    log = open(root / "sandbox.log", "wb")
    server = subprocess.Popen([str(haupt), "sandbox", "start", "--host", "127.0.0.1", "--port", str(port),
                               "--workers", "1", "--path", str(root / "store")], env=server_env, stdout=log,
                              stderr=subprocess.STDOUT)
    try:
        deadline = time.monotonic() + 180
        while not _ready(url):
            if server.poll() is not None or time.monotonic() > deadline:
                raise SystemExit("haupt sandbox did not start:\n" + (root / "sandbox.log").read_text()[-3000:])
            time.sleep(0.5)
        request = urllib.request.Request(url + "/api/v1/default/projects/create", method="POST",
                                         data=json.dumps({"name": PROJECT}).encode(),
                                         headers={"Content-Type": "application/json"})
        urllib.request.urlopen(request, timeout=30).close()
        project = root / "project"
        project.mkdir()
        shutil.copy(TRAIN, project / "train.py")
        _run([python, "train.py", "--lr", "0.3"], project, base)
        _run([python, "train.py", "--lr", "0.15", "--epochs", "12", "--epoch-seconds", "1"], project, base)
        plx_runs = [python, "-m", "polyaxon_helper_compat._runs"]
        _run(plx_runs + ["list"], project, base)
        pushed = _run(plx_runs + ["push", "--all", "--project", "default/" + PROJECT], project,
                      {**base, "POLYAXON_HOST": url})
        run_url = pushed.splitlines()[0].split()[2]  # the newest run: http://.../ui/default/mnist/runs/<uuid>
        profile = root / "chromium"
        _screenshot(args.chromium, run_url + "/dashboards", out / "plx-runs-metrics.png", profile, height=640)
        _screenshot(args.chromium, run_url, out / "plx-runs-overview.png", profile, height=1300)
    finally:
        server.send_signal(signal.SIGTERM)
        try:
            server.wait(timeout=30)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()
        log.close()
        shutil.rmtree(root, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())

"""Helpers for the ``plx-runs`` tests: record runs with a real legacy script, run the command as a process."""
from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path
from typing import Any, Iterator

import pytest

REPO = Path(__file__).resolve().parents[2]
TRAIN = REPO / "tests" / "fixtures" / "runs" / "train.py"


def base_env(**extra: str) -> dict[str, str]:
    """PATH/HOME/LANG, this repository on PYTHONPATH, no Polyaxon variable: a script outside any cluster."""
    env = {k: os.environ[k] for k in ("PATH", "HOME", "LANG") if k in os.environ}
    env["PYTHONPATH"] = str(REPO)
    env.update(extra)
    return env


def record(cwd: Path, *args: str, python: str = sys.executable) -> subprocess.CompletedProcess[str]:
    """Run the legacy training script in ``cwd`` (its run goes to ``cwd/.polyaxon-compat/runs``)."""
    return subprocess.run([python, str(TRAIN), *args], cwd=cwd, env=base_env(), capture_output=True, text=True,
                          timeout=120)


def runs_dir(cwd: Path) -> Path:
    return cwd / ".polyaxon-compat" / "runs"


def run_folders(cwd: Path) -> list[Path]:
    folder = runs_dir(cwd)
    return sorted(folder.iterdir()) if folder.exists() else []


def read_rows(run: Path) -> list[dict[str, Any]]:
    return [json.loads(line) for line in (run / "metrics.jsonl").read_text().splitlines() if line.strip()]


def plx_runs(cwd: Path, *args: str, python: str = sys.executable, **env: str) -> subprocess.CompletedProcess[str]:
    """``plx-runs ARGS`` as a process (``python -m polyaxon_helper_compat._runs``), in ``cwd``."""
    return subprocess.run([python, "-m", "polyaxon_helper_compat._runs", *args], cwd=cwd, env=base_env(**env),
                          capture_output=True, text=True, timeout=300)


def wait_for(condition: Any, what: str, timeout: float = 60.0) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError("timed out waiting for " + what)
        time.sleep(0.05)


class Paused:
    """The training script started with ``--pause-at``: alive, its run recorded as running with
    ``pause_at + 1`` rows on disk. :meth:`resume` lets it finish; :meth:`kill` sends SIGKILL (and reaps it)."""

    def __init__(self, cwd: Path, pause_at: int, *args: str, python: str = sys.executable) -> None:
        before = set(run_folders(cwd))
        self.resume_file = cwd / ("resume-%d" % time.monotonic_ns())
        self.proc = subprocess.Popen([python, str(TRAIN), "--pause-at", str(pause_at), "--resume-file",
                                      str(self.resume_file), *args], cwd=cwd, env=base_env(),
                                     stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        wait_for(lambda: len(set(run_folders(cwd)) - before) == 1, "the paused run's folder")
        (self.run,) = set(run_folders(cwd)) - before
        wait_for(lambda: (self.run / "metrics.jsonl").exists() and len(read_rows(self.run)) == pause_at + 1,
                 "%d rows of the paused run" % (pause_at + 1))

    def resume(self) -> subprocess.CompletedProcess[str]:
        self.resume_file.write_text("")
        out, err = self.proc.communicate(timeout=120)
        return subprocess.CompletedProcess(self.proc.args, self.proc.returncode, out, err)

    def kill(self) -> None:
        self.proc.send_signal(signal.SIGKILL)
        self.proc.communicate(timeout=60)  # reaped: a zombie would still answer kill(pid, 0)

    def close(self) -> None:
        if self.proc.poll() is None:
            self.kill()


@pytest.fixture
def paused() -> Iterator[list[Paused]]:
    """Collects :class:`Paused` scripts a test starts, and kills those still alive at the end."""
    started: list[Paused] = []
    yield started
    for script in started:
        script.close()

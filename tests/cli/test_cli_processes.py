"""``plx-migrate`` with the real codemods in real worker processes: ``-j`` changes nothing but speed, a worker that
crashes costs only its file, ``python -m`` and the progress bar on a terminal."""
from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Callable

import pytest
from click.testing import Result

from plx_migrate._migrate import CRASH_REASON

Run = Callable[..., Result]
FIXTURE = Path(__file__).resolve().parents[1] / "fixtures" / "legacy_project"
REPO = Path(__file__).resolve().parents[2]
REWRITTEN = ("data.py", "distributed.py", "latin1_crlf.py", "train.py")
#: libcst's native parser overflows its stack (a segmentation fault) on code nested this deep (LibCST #1000, #1178).
DEEP = b"import polyaxon_helper\nx = " + b"[" * 5000 + b"]" * 5000 + b"\n"


def tree(root: Path) -> dict[str, bytes]:
    return {p.relative_to(root).as_posix(): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()}


def build_project(root: Path) -> None:
    """Several copies of the fixture project (so every worker gets work), plus files that fail in several ways."""
    for name in ("one", "two", "three/four"):
        shutil.copytree(FIXTURE, root / name)
    (root / "two" / "deep.py").write_bytes(DEEP)
    (root / "one" / "readonly.py").write_bytes(b"from polyaxon_helper import send_metrics\nsend_metrics(a=1)\n")
    (root / "one" / "readonly.py").chmod(0o444)
    (root / "submodule.py").write_bytes(b"import polyaxon_helper.client\n")


@pytest.mark.parametrize("options", [(), ("--diff",), ("--check",)], ids=["in place", "diff", "check"])
def test_jobs_1_and_2_give_identical_trees_reports_and_output(
    tmp_path: Path, run: Run, monkeypatch: pytest.MonkeyPatch, options: tuple[str, ...]
) -> None:
    reference = tmp_path / "reference"
    reference.mkdir()
    build_project(reference)
    outputs = []
    for jobs in ("1", "2"):
        root = tmp_path / f"j{jobs}" / "project"
        root.mkdir(parents=True)
        build_project(root)
        monkeypatch.chdir(root)
        result = run("-j", jobs, "--report", "../report.json", *options, ".")
        outputs.append((result.exit_code, result.stdout_bytes, result.stderr_bytes, tree(root),
                        (root.parent / "report.json").read_bytes()))
    assert outputs[0] == outputs[1]
    code, stdout, stderr, files, report_bytes = outputs[0]
    assert code == 2
    report = json.loads(report_bytes)
    outcomes = {entry["path"]: (entry["outcome"], entry["reason"]) for entry in report["files"]}
    assert outcomes["two/deep.py"] == ("failed", CRASH_REASON)
    assert f"two/deep.py: {CRASH_REASON}".encode() in stderr.splitlines()
    assert outcomes["submodule.py"] == ("unchanged", None)
    assert [site["line"] for entry in report["files"] if entry["path"] == "submodule.py" for site in entry["manual"]] == [1]
    changed = sorted(path for path, (outcome, _) in outcomes.items() if outcome == "changed")
    python = [f"{copy}/{name}" for copy in ("one", "three/four", "two") for name in REWRITTEN]
    written = sorted(path for path, data in files.items() if data != tree(reference)[path])
    if options:
        assert set(python) | {"one/readonly.py"} <= set(changed)
        assert written == []
    else:
        assert outcomes["one/readonly.py"] == ("failed", "read-only file")
        assert set(python) <= set(changed)
        assert changed == written
    assert (b"+++ b/one/train.py" in stdout) is (options == ("--diff",))


def test_a_worker_crash_fails_only_its_file(project: Path, run: Run) -> None:
    (project / "a.py").write_bytes(b"import polyaxon_helper\npolyaxon_helper.send_metrics(a=1)\n")
    (project / "deep.py").write_bytes(DEEP)
    (project / "z.py").write_bytes(b"from polyaxon_helper import send_metrics\n")
    result = run("-j", "2", "--to", "compat", ".")
    assert result.exit_code == 2
    assert result.stderr.splitlines() == [
        "rewrote a.py",
        f"deep.py: {CRASH_REASON}",
        "rewrote z.py",
        "3 files scanned, 2 changed, 0 unchanged, 0 skipped, 1 failed, 0 manual sites",
    ]
    assert (project / "deep.py").read_bytes() == DEEP
    assert (project / "a.py").read_bytes() == b"import polyaxon_helper_compat\npolyaxon_helper_compat.send_metrics(a=1)\n"
    assert (project / "z.py").read_bytes() == b"from polyaxon_helper_compat import send_metrics\n"
    assert sorted(p.name for p in project.iterdir()) == ["a.py", "deep.py", "z.py"]  # no temporary file left


def test_python_m_migrates_in_worker_processes(tmp_path: Path) -> None:
    (tmp_path / "pkg").mkdir()
    (tmp_path / "pkg" / "a.py").write_bytes(b"import polyaxon_helper\r\npolyaxon_helper.send_metrics(a=1)\r\n")
    (tmp_path / "pkg" / "b.py").write_bytes(b"x = 1\n")
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    completed = subprocess.run(
        [sys.executable, "-m", "polyaxon_helper_compat", "-j", "2", "--to", "compat", "pkg"],
        cwd=tmp_path, env=env, capture_output=True, text=True, check=False,
    )
    assert (completed.returncode, completed.stdout) == (0, "")
    assert completed.stderr.splitlines() == [
        "rewrote pkg/a.py",
        "2 files scanned, 1 changed, 1 unchanged, 0 skipped, 0 failed, 0 manual sites",
    ]
    assert (tmp_path / "pkg" / "a.py").read_bytes() == (
        b"import polyaxon_helper_compat\r\npolyaxon_helper_compat.send_metrics(a=1)\r\n"
    )


@pytest.mark.skipif(sys.platform == "win32", reason="needs a pseudo-terminal")
def test_progress_bar_on_a_terminal(tmp_path: Path) -> None:
    import pty

    for n in range(3):
        (tmp_path / f"m{n}.py").write_bytes(b"import polyaxon_helper\n")
    main, secondary = pty.openpty()
    env = {**os.environ, "PYTHONPATH": str(REPO), "COLUMNS": "120"}
    with subprocess.Popen(
        [sys.executable, "-m", "polyaxon_helper_compat", "-j", "1", "--to", "compat", "--check", "."],
        cwd=tmp_path, env=env, stdout=subprocess.PIPE, stderr=secondary,
    ) as process:
        os.close(secondary)
        chunks = []
        while True:
            try:
                chunk = os.read(main, 4096)
            except OSError:  # the terminal closed: the process is done
                break
            if not chunk:
                break
            chunks.append(chunk)
        assert process.wait(timeout=60) == 1
    os.close(main)
    terminal = b"".join(chunks).decode()
    assert "plx-migrate" in terminal and "3" in terminal  # the bar's label and position
    assert "\r\x1b[Kwould rewrite m0.py" in terminal  # the bar's line is cleared before a message
    assert terminal.rstrip().endswith("3 files scanned, 3 would change, 0 unchanged, 0 skipped, 0 failed, 0 manual sites")


PLX_MIGRATE = str(Path(sys.executable).with_name("plx-migrate"))


@pytest.mark.parametrize("long_tmpdir", [False, True], ids=["here", "long TMPDIR"])
def test_workers_never_import_modules_of_the_folder_being_migrated(tmp_path: Path, long_tmpdir: bool) -> None:
    """Files named like the standard library's or our own modules in the current folder stay the user's files (the
    fork server starts with `python -c`, whose sys.path starts with the current folder); a TMPDIR too long for the
    fork server's socket path falls back to spawned workers."""
    for name in ("random.py", "queue.py", "codemods/__init__.py", "polyaxon_helper_compat/__init__.py"):
        (tmp_path / name).parent.mkdir(exist_ok=True)
        (tmp_path / name).write_text(f"raise RuntimeError('the user\\'s {name} was imported')\n")
    (tmp_path / "train.py").write_text("from polyaxon_helper import send_metrics\nsend_metrics(loss=1)\n")
    env = dict(os.environ)
    if long_tmpdir:
        env["TMPDIR"] = str(tmp_path / ("t" * 110))
        os.makedirs(env["TMPDIR"])
    completed = subprocess.run([PLX_MIGRATE, "--to", "experiment", "--diff", "-j", "2", "train.py"],
                               cwd=tmp_path, env=env, capture_output=True, text=True, check=False)
    assert completed.returncode == 0, completed.stderr
    assert "+experiment.log_metrics(loss=1)" in completed.stdout
    assert "imported" not in completed.stderr

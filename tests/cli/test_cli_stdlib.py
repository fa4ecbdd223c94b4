"""``plx-migrate`` on large real trees: the standard library and this virtualenv's site-packages.

* run with ``--check`` and ``--diff`` over the real trees, it would change nothing and writes nothing;
* on a copy of 150 standard-library modules (webbrowser.py and 149 spread over the packages) with a helper call appended, only the appended lines change, byte
  for byte (webbrowser.py has LibCST#1457's ``except X :``, which libcst alone does not reproduce);
* property, on a copy of both trees with the helper appended to a sample of files: every file is byte-identical,
  or rewritten into code that compiles and that a second run leaves alone; no run ends on an internal error.

Only files that mention ``polyaxon_helper`` are parsed (the codemods' pre-filter), so whole trees take seconds.
"""
from __future__ import annotations

import io
import json
import os
import shutil
import sysconfig
import tokenize
from pathlib import Path
from typing import Callable

import libcst
import pytest
from click.testing import Result

Run = Callable[..., Result]
STDLIB = Path(sysconfig.get_paths()["stdlib"])
SITE_PACKAGES = Path(sysconfig.get_paths()["purelib"])
STRAY = "not rewritten, libcst would also change this line"
#: Reasons a file of these trees may fail for (test data with broken encodings or Python 2 code); never a crash.
EXPECTED_FAILURES = ("cannot decode: ", "cannot parse: ")


def stamps(*roots: Path) -> dict[str, tuple[int, int, int]]:
    """``path -> (inode, size, mtime_ns)`` of every file under ``roots`` (a rewrite would change the inode)."""
    found = {}
    for root in roots:
        for directory, _, files in os.walk(root):
            for name in files:
                st = os.lstat(os.path.join(directory, name))
                found[os.path.join(directory, name)] = (st.st_ino, st.st_size, st.st_mtime_ns)
    return found


def read_report(path: Path) -> dict[str, tuple[str, str | None]]:
    return {entry["path"]: (entry["outcome"], entry["reason"]) for entry in json.loads(path.read_text("utf-8"))["files"]}


def assert_only_expected_failures(outcomes: dict[str, tuple[str, str | None]], stderr: str) -> None:
    failures = {path: reason for path, (outcome, reason) in outcomes.items() if outcome == "failed"}
    assert all(reason and reason.startswith(EXPECTED_FAILURES) for reason in failures.values()), failures
    assert "internal error" not in stderr and "Traceback" not in stderr


def decode(data: bytes) -> str:
    encoding, _ = tokenize.detect_encoding(io.BytesIO(data).readline)
    return data.decode(encoding)


@pytest.mark.parametrize("mode", ["--check", "--diff"])
def test_real_trees_are_never_written(tmp_path: Path, run: Run, monkeypatch: pytest.MonkeyPatch, mode: str) -> None:
    monkeypatch.chdir(tmp_path)
    before = stamps(STDLIB, SITE_PACKAGES)
    result = run(mode, "-j", "2", "--report", "report.json", str(STDLIB), str(SITE_PACKAGES))
    assert stamps(STDLIB, SITE_PACKAGES) == before
    outcomes = read_report(tmp_path / "report.json")
    assert len(outcomes) > 1000
    assert [path for path, (outcome, _) in outcomes.items() if outcome == "changed"] == []
    assert result.stdout == ""
    assert_only_expected_failures(outcomes, result.stderr)
    assert result.exit_code == (2 if any(outcome == "failed" for outcome, _ in outcomes.values()) else 0)


def subset() -> list[Path]:
    """webbrowser.py and 149 other modules of 1 to 12 kB spread over the standard library (tests left out)."""
    skipped = {"test", "tests", "idle_test", "site-packages", "__pycache__"}
    modules = sorted(
        path for path in STDLIB.rglob("*.py")
        if not skipped & set(path.relative_to(STDLIB).parts) and 1_000 <= path.stat().st_size <= 12_000
    )
    step = len(modules) / 149
    return [STDLIB / "webbrowser.py", *(modules[int(n * step)] for n in range(149))]


APPENDED = b"\nimport polyaxon_helper\npolyaxon_helper.send_metrics(loss=1)\n"
REWRITTEN = b"\nimport polyaxon_helper_compat\npolyaxon_helper_compat.send_metrics(loss=1)\n"


def test_stdlib_subset_in_place_changes_only_the_rewritten_lines(
    tmp_path: Path, run: Run, monkeypatch: pytest.MonkeyPatch
) -> None:
    copy = tmp_path / "stdlib"
    originals = {path.relative_to(STDLIB).as_posix(): path.read_bytes() for path in subset()}
    assert len(originals) == 150
    assert b"except (FileNotFoundError, subprocess.CalledProcessError, PermissionError, NotADirectoryError) :" in (
        originals["webbrowser.py"]
    )
    for name, data in originals.items():
        (copy / name).parent.mkdir(parents=True, exist_ok=True)
        (copy / name).write_bytes(data + APPENDED)
    monkeypatch.chdir(tmp_path)

    result = run("--to", "compat", "-j", "2", "--report", "report.json", "stdlib")
    outcomes = read_report(tmp_path / "report.json")
    assert len(outcomes) == 150
    for name, data in originals.items():
        outcome, reason = outcomes[f"stdlib/{name}"]
        after = (copy / name).read_bytes()
        if outcome == "changed":
            assert after == data + REWRITTEN, name
        else:  # refused: only where libcst cannot reproduce the module as it is
            assert (outcome, after) == ("failed", data + APPENDED), name
            assert reason is not None and reason.startswith(STRAY), (name, reason)
            source = decode(data + APPENDED)
            assert libcst.parse_module(source).code != source, name
    assert sum(outcome == "changed" for outcome, _ in outcomes.values()) >= 145
    assert result.exit_code == (2 if any(outcome == "failed" for outcome, _ in outcomes.values()) else 0)

    some = sorted({"stdlib/webbrowser.py", *sorted(f"stdlib/{name}" for name in originals)[::10]})
    again = run("--to", "compat", "-j", "2", "--check", *some)
    assert " 0 would change, " in again.stderr.splitlines()[-1]  # idempotent (the property test checks them all)


def copy_python_files(source: Path, target: Path) -> None:
    def ignore(directory: str, names: list[str]) -> list[str]:
        return [n for n in names if not n.endswith(".py") and not os.path.isdir(os.path.join(directory, n))]

    shutil.copytree(source, target, symlinks=True, ignore=ignore, ignore_dangling_symlinks=True)


PROBE = b"\nimport polyaxon_helper as _plx_probe\n_plx_probe.send_metrics(probe=1)\nprint(_plx_probe.get_outputs_path())\n"


def test_property_every_file_is_byte_identical_or_rewritten_into_code_that_compiles_and_is_idempotent(
    tmp_path: Path, run: Run, monkeypatch: pytest.MonkeyPatch
) -> None:
    trees = tmp_path / "trees"
    copy_python_files(STDLIB, trees / "stdlib")
    copy_python_files(SITE_PACKAGES, trees / "site-packages")
    files = sorted(p for p in trees.rglob("*.py") if p.is_file() and not p.is_symlink())
    sample = [p for p in files if p.stat().st_size < 20_000][::250]  # about 40 files of every kind
    for path in sample:
        path.write_bytes(path.read_bytes() + PROBE)
    before = {p: p.read_bytes() for p in files}
    monkeypatch.chdir(tmp_path)

    result = run("-j", "2", "--report", "report.json", "trees")
    outcomes = read_report(tmp_path / "report.json")
    assert_only_expected_failures(outcomes, result.stderr)
    changed = {tmp_path / path for path, (outcome, _) in outcomes.items() if outcome == "changed"}
    assert len(changed) >= len(sample) * 3 // 4  # most probes land in valid Python 3 modules
    assert changed <= set(sample)
    for path, data in before.items():
        after = path.read_bytes()
        if path in changed:
            assert after != data
            compile(decode(after), str(path), "exec", dont_inherit=True)
        else:
            assert after == data, path

    again = run("-j", "2", "--check", "--report", "again.json", *[str(p) for p in sorted(changed)])
    assert {outcome for outcome, _ in read_report(tmp_path / "again.json").values()} == {"unchanged"}
    assert again.exit_code in (0, 1)  # 1 only for manual-attention sites, which stay

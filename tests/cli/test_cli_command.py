"""``plx-migrate`` through ``CliRunner`` with a fake stage runner: file handling, modes, output, exit codes."""
from __future__ import annotations

import json
import os
import stat
import subprocess
import sys
from pathlib import Path
from typing import Callable, Protocol

import pytest
from click.testing import Result

from plx_migrate._api import STAGES, StageResult
from plx_migrate import _migrate, cli

Run = Callable[..., Result]


class FakeStage(Protocol):
    """What the tests see of the ``fake`` fixture (conftest's stand-in for ``run_stage``)."""

    calls: list[tuple[str, str]]

OLD_MTIME_NS = 1_500_000_000 * 10**9


def write(path: Path, data: bytes) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)
    os.utime(path, ns=(OLD_MTIME_NS, OLD_MTIME_NS))
    return path


def summary(scanned: int, changed: int, unchanged: int, skipped: int = 0, failed: int = 0, manual: int = 0, *, would: bool = False) -> str:
    label = "would change" if would else "changed"
    return (
        f"{scanned} files scanned, {changed} {label}, {unchanged} unchanged, {skipped} skipped, "
        f"{failed} failed, {manual} manual sites"
    )


# ------------------------------------------------------------------------------------- writing in place


def test_rewrites_changed_files_and_leaves_others_byte_identical(project: Path, fake: FakeStage, run: Run) -> None:
    changed = write(project / "a.py", b"old_api()\n")
    same = write(project / "b.py", b"other()\n")
    result = run(".")
    assert result.exit_code == 0
    assert result.stdout == ""
    assert result.stderr.splitlines() == ["rewrote a.py", summary(2, 1, 1)]
    assert changed.read_bytes() == b"new_api()\n"
    assert same.read_bytes() == b"other()\n"
    assert same.stat().st_mtime_ns == OLD_MTIME_NS
    assert fake.calls == [("a.py", "experiment"), ("b.py", "experiment")]


def test_crlf_is_kept(project: Path, fake: FakeStage, run: Run) -> None:
    path = write(project / "a.py", b"import x\r\nold_api(1)\r\n\r\nold_api(2)")
    assert run("a.py").exit_code == 0
    assert path.read_bytes() == b"import x\r\nnew_api(1)\r\n\r\nnew_api(2)"


def test_latin1_file_with_coding_cookie_is_kept(project: Path, fake: FakeStage, run: Run) -> None:
    head = b"# -*- coding: latin-1 -*-\r\n# R\xe9gression lin\xe9aire\r\n"
    tail = b"\r\n\xe9tape = 'caf\xe9'\r\n"
    path = write(project / "latin.py", head + b"old_api(\xe9tape)" + tail)
    result = run("latin.py")
    assert result.exit_code == 0
    assert path.read_bytes() == head + b"new_api(\xe9tape)" + tail


def test_utf8_bom_is_kept(project: Path, fake: FakeStage, run: Run) -> None:
    path = write(project / "bom.py", b"\xef\xbb\xbfold_api('\xc3\xa9')\n")
    assert run("bom.py").exit_code == 0
    assert path.read_bytes() == b"\xef\xbb\xbfnew_api('\xc3\xa9')\n"


def test_file_mode_is_kept(project: Path, fake: FakeStage, run: Run) -> None:
    path = write(project / "script.py", b"old_api()\n")
    path.chmod(0o751)
    assert run("script.py").exit_code == 0
    assert stat.S_IMODE(path.stat().st_mode) == 0o751


def test_symlinked_file_given_explicitly_rewrites_its_target(project: Path, fake: FakeStage, run: Run) -> None:
    target = write(project / "real.py", b"old_api()\n")
    (project / "link.py").symlink_to(target)
    result = run("link.py")
    assert result.stderr.splitlines() == ["rewrote link.py", summary(1, 1, 0)]
    assert (project / "link.py").is_symlink()
    assert target.read_bytes() == b"new_api()\n"


def test_failed_replace_leaves_the_original_intact(
    project: Path, fake: FakeStage, run: Run, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = write(project / "a.py", b"old_api()\n")
    later = write(project / "b.py", b"old_api()\n")
    real_replace = os.replace

    def replace(src: str, dst: str) -> None:
        if dst.endswith("a.py"):
            raise OSError(28, "No space left on device")
        real_replace(src, dst)

    monkeypatch.setattr(os, "replace", replace)
    result = run(".")
    assert result.exit_code == 2
    assert result.stderr.splitlines() == [
        "a.py: cannot write: No space left on device",
        "rewrote b.py",
        summary(2, 1, 0, failed=1),
    ]
    assert path.read_bytes() == b"old_api()\n"
    assert later.read_bytes() == b"new_api()\n"
    assert sorted(p.name for p in project.iterdir()) == ["a.py", "b.py"]


# ----------------------------------------------------------------------------------------- bad files


def test_unparseable_file_is_reported_and_the_run_goes_on(project: Path, fake: FakeStage, run: Run) -> None:
    bad = write(project / "py2.py", b"old_api()\n\nprint \"done\"\n")
    good = write(project / "z.py", b"old_api()\n")
    result = run(".")
    assert result.exit_code == 2
    assert result.stderr.splitlines() == ["py2.py:3:1: cannot parse: print statement", "rewrote z.py", summary(2, 1, 0, failed=1)]
    assert bad.read_bytes() == b"old_api()\n\nprint \"done\"\n"
    assert bad.stat().st_mtime_ns == OLD_MTIME_NS
    assert good.read_bytes() == b"new_api()\n"


def test_undecodable_files_are_reported_with_line(project: Path, fake: FakeStage, run: Run) -> None:
    write(project / "a.py", b"x = 1\ns = 'caf\xe9'\nold_api()\n")
    write(project / "b.py", b"# coding: klingon\nold_api()\n")
    write(project / "c.py", b"old_api()\n")
    result = run(".")
    assert result.exit_code == 2
    assert result.stderr.splitlines() == [
        "a.py:2: cannot decode: 'utf-8' codec can't decode byte 0xe9: invalid continuation byte",
        "b.py:1: cannot decode: unknown encoding: klingon",
        "rewrote c.py",
        summary(3, 1, 0, failed=2),
    ]
    assert (project / "a.py").read_bytes() == b"x = 1\ns = 'caf\xe9'\nold_api()\n"
    assert fake.calls == [("c.py", "experiment")]


def test_new_code_that_does_not_compile_is_not_written(project: Path, fake: FakeStage, run: Run) -> None:
    path = write(project / "a.py", b"old_api()  # BREAK_OUTPUT\n")
    result = run("a.py")
    assert result.exit_code == 2
    assert result.stderr.splitlines() == [
        "a.py:3:1: not rewritten, the new code does not compile: unmatched ')'",
        summary(1, 0, 0, failed=1),
    ]
    assert path.read_bytes() == b"old_api()  # BREAK_OUTPUT\n"


def test_new_code_that_does_not_fit_the_encoding_is_not_written(project: Path, fake: FakeStage, run: Run) -> None:
    data = b"# coding: latin-1\ns = 1\nold_api('EURO')\n"
    path = write(project / "a.py", data)
    result = run("--check", "a.py")
    assert result.exit_code == 2
    assert result.stderr.splitlines() == [
        "a.py:3: not rewritten, cannot encode the new text: 'latin-1' codec can't encode character '\u20ac': ordinal not in range(256)",
        summary(1, 0, 0, failed=1, would=True),
    ]
    assert path.read_bytes() == data


def test_an_exception_in_the_codemods_fails_only_that_file(project: Path, fake: FakeStage, run: Run) -> None:
    write(project / "a.py", b"RAISE\n")
    write(project / "b.py", b"old_api()\n")
    result = run(".")
    assert result.exit_code == 2
    assert result.stderr.splitlines() == ["a.py: internal error: RuntimeError: boom", "rewrote b.py", summary(2, 1, 0, failed=1)]


@pytest.mark.parametrize(
    ("error", "expected"),
    [
        pytest.param("3:7: invalid syntax", "p.py:3:7: cannot parse: invalid syntax", id="line and column"),
        pytest.param("3: invalid syntax", "p.py:3: cannot parse: invalid syntax", id="line only"),
        pytest.param("invalid syntax: 1: 2", "p.py: cannot parse: invalid syntax: 1: 2", id="no position"),
    ],
)
def test_parse_error_position_forms(
    project: Path, run: Run, monkeypatch: pytest.MonkeyPatch, inline: None, error: str, expected: str
) -> None:
    monkeypatch.setattr(_migrate, "run_stage", lambda source, stage, *, path: StageResult(code=source, error=error))
    write(project / "p.py", b"x = 1\n")
    result = run("p.py")
    assert result.exit_code == 2
    assert result.stderr.splitlines() == [expected, summary(1, 0, 0, failed=1)]


# ------------------------------------------------------------------------------------------- modes


def test_diff_prints_unified_diff_and_writes_nothing(project: Path, fake: FakeStage, run: Run) -> None:
    path = write(project / "pkg" / "a.py", b"import os\nold_api()\nx = 1")
    result = run("--diff", ".")
    assert result.exit_code == 0
    assert result.stdout == (
        "--- a/pkg/a.py\n"
        "+++ b/pkg/a.py\n"
        "@@ -1,3 +1,3 @@\n"
        " import os\n"
        "-old_api()\n"
        "+new_api()\n"
        " x = 1\n"
        "\\ No newline at end of file\n"
    )
    assert result.stderr.splitlines() == ["would rewrite pkg/a.py", summary(1, 1, 0, would=True)]
    assert path.read_bytes() == b"import os\nold_api()\nx = 1"
    assert path.stat().st_mtime_ns == OLD_MTIME_NS


def test_diff_keeps_crlf_lines(project: Path, fake: FakeStage, run: Run) -> None:
    write(project / "a.py", b"old_api()\r\n")
    result = run("--diff", "a.py")
    assert result.stdout_bytes == b"--- a/a.py\n+++ b/a.py\n@@ -1 +1 @@\n-old_api()\r\n+new_api()\r\n"


def test_check_exits_1_when_something_would_change(project: Path, fake: FakeStage, run: Run) -> None:
    path = write(project / "a.py", b"old_api()\n")
    write(project / "b.py", b"fine()\n")
    result = run("--check", ".")
    assert result.exit_code == 1
    assert result.stdout == ""
    assert result.stderr.splitlines() == ["would rewrite a.py", summary(2, 1, 1, would=True)]
    assert path.read_bytes() == b"old_api()\n"
    assert path.stat().st_mtime_ns == OLD_MTIME_NS


def test_check_exits_0_when_nothing_would_change(project: Path, fake: FakeStage, run: Run) -> None:
    write(project / "a.py", b"new_api()\n")
    result = run("--check", ".")
    assert result.exit_code == 0
    assert result.stderr.splitlines() == [summary(1, 0, 1, would=True)]


def test_check_with_diff_prints_the_diff_and_exits_1(project: Path, fake: FakeStage, run: Run) -> None:
    write(project / "a.py", b"old_api()\n")
    result = run("--check", "--diff", "a.py")
    assert result.exit_code == 1
    assert result.stdout.startswith("--- a/a.py\n+++ b/a.py\n")
    assert (project / "a.py").read_bytes() == b"old_api()\n"


@pytest.mark.parametrize("stage", ["compat", "experiment"])
def test_to_selects_the_stage(project: Path, fake: FakeStage, run: Run, stage: str) -> None:
    write(project / "a.py", b"x = 1\n")
    assert run("--to", stage, "a.py").exit_code == 0
    assert fake.calls == [("a.py", stage)]


# ---------------------------------------------------------------------------------- manual sites, verbosity


@pytest.mark.parametrize(
    ("options", "mode_line", "would"),
    [
        pytest.param((), "rewrote a.py", False, id="in place"),
        pytest.param(("--check",), "would rewrite a.py", True, id="check"),
        pytest.param(("--diff",), "would rewrite a.py", True, id="diff"),
    ],
)
def test_manual_sites_are_printed_and_exit_1(
    project: Path, fake: FakeStage, run: Run, options: tuple[str, ...], mode_line: str, would: bool
) -> None:
    write(project / "a.py", b"old_api()\nif x:\n    y = manual_call(1) + manual_call(2)\n")
    result = run(*options, ".")
    assert result.exit_code == 1
    assert result.stderr.splitlines() == [
        mode_line,
        "a.py:3:9: needs a human: y = manual_call(1) + manual_call(2)",
        "a.py:3:26: needs a human: y = manual_call(1) + manual_call(2)",
        summary(1, 1, 0, manual=2, would=would),
    ]


def test_quiet_prints_only_errors_and_manual_sites(project: Path, fake: FakeStage, run: Run) -> None:
    write(project / "a.py", b"old_api()\n")
    write(project / "b.py", b"manual_call()\n")
    write(project / "c.py", b'print "x"\n')
    result = run("-q", ".")
    assert result.exit_code == 2
    assert result.stderr.splitlines() == ["b.py:1:1: needs a human: manual_call()", "c.py:1:1: cannot parse: print statement"]


def test_quiet_success_prints_nothing(project: Path, fake: FakeStage, run: Run) -> None:
    write(project / "a.py", b"old_api()\n")
    result = run("--quiet", "a.py")
    assert (result.exit_code, result.stdout, result.stderr) == (0, "", "")


def test_verbose_prints_every_outcome(project: Path, fake: FakeStage, run: Run) -> None:
    write(project / "a.py", b"old_api()\n")
    write(project / "b.py", b"x = 1\n")
    write(project / "notes.txt", b"old_api\n")
    result = run("-v", ".", "notes.txt")
    assert result.exit_code == 0
    assert result.stderr.splitlines() == [
        "rewrote a.py",
        "b.py: unchanged",
        "notes.txt: skipped: no migration for this kind of file",
        summary(3, 1, 1, skipped=1),
    ]
    assert (project / "notes.txt").read_bytes() == b"old_api\n"


def test_quiet_and_verbose_together_is_a_usage_error(project: Path, fake: FakeStage, run: Run) -> None:
    result = run("-q", "-v", ".")
    assert result.exit_code == 2
    assert result.stderr.splitlines()[-1] == "Error: -q/--quiet and -v/--verbose cannot be used together."


# -------------------------------------------------------------------------------------- usage errors


def test_missing_path_is_a_usage_error(project: Path, fake: FakeStage, run: Run) -> None:
    write(project / "a.py", b"old_api()\n")
    result = run("a.py", "nope.py")
    assert result.exit_code == 2
    assert result.stderr.splitlines()[-1] == "Error: Invalid value for 'PATH...': Path 'nope.py' does not exist."
    assert (project / "a.py").read_bytes() == b"old_api()\n"
    assert fake.calls == []


def test_no_path_is_a_usage_error(project: Path, fake: FakeStage, run: Run) -> None:
    result = run()
    assert result.exit_code == 2
    assert result.stderr.splitlines()[-1] == "Error: Missing argument 'PATH...'."


def test_unknown_stage_is_a_usage_error(project: Path, fake: FakeStage, run: Run) -> None:
    result = run("--to", "v3", ".")
    assert result.exit_code == 2
    choices = ", ".join(repr(stage) for stage in sorted(STAGES))
    assert result.stderr.splitlines()[-1] == f"Error: Invalid value for '--to': 'v3' is not one of {choices}."


# -------------------------------------------------------------------------------------------- report


def test_report_lists_every_outcome_change_and_manual_site(project: Path, fake: FakeStage, run: Run) -> None:
    write(project / "a.py", b"old_api()\nmanual_call()\n")
    write(project / "b.py", b"x = 1\n")
    write(project / "c.py", b'print "x"\n')
    write(project / "d.py", b"old_api()  # BREAK_OUTPUT\n")
    write(project / "notes.txt", b"")
    (project / "out").mkdir()
    result = run("--check", "--report", "out/report.json", ".", "notes.txt")
    assert result.exit_code == 2
    report = json.loads((project / "out" / "report.json").read_text(encoding="utf-8"))
    assert report == {
        "tool": "plx-migrate",
        "version": "0.1.0",
        "options": {
            "to": "experiment",
            "codemods": ["helper-to-experiment"],
            "mode": "check",
            "check": True,
            "exit_zero_even_if_changed": False,
            "exclude": [],
            "paths": [".", "notes.txt"],
        },
        "exit_code": 2,
        "summary": {"scanned": 5, "changed": 1, "unchanged": 1, "skipped": 1, "failed": 2, "manual": 1},
        "files": [
            {
                "path": "a.py",
                "outcome": "changed",
                "reason": None,
                "line": None,
                "column": None,
                "changes": [{"line": 1, "old": "old_api()", "new": "new_api()", "codemod": "fake-rename"}],
                "manual": [
                    {"line": 2, "column": 1, "code": "manual_call()", "reason": "needs a human", "codemod": "fake-manual"}
                ],
            },
            {
                "path": "b.py",
                "outcome": "unchanged",
                "reason": None,
                "line": None,
                "column": None,
                "changes": [],
                "manual": [],
            },
            {
                "path": "c.py",
                "outcome": "failed",
                "reason": "cannot parse: print statement",
                "line": 1,
                "column": 1,
                "changes": [],
                "manual": [],
            },
            {
                "path": "d.py",
                "outcome": "failed",
                "reason": "not rewritten, the new code does not compile: unmatched ')'",
                "line": 3,
                "column": 1,
                "changes": [],
                "manual": [],
            },
            {
                "path": "notes.txt",
                "outcome": "skipped",
                "reason": "no migration for this kind of file",
                "line": None,
                "column": None,
                "changes": [],
                "manual": [],
            },
        ],
    }


def test_report_that_cannot_be_written_exits_2(project: Path, fake: FakeStage, run: Run) -> None:
    write(project / "a.py", b"x = 1\n")
    result = run("--report", "missing/report.json", "a.py")
    assert result.exit_code == 2
    assert result.stderr.splitlines() == [
        "missing/report.json: cannot write the report: No such file or directory",
        summary(1, 0, 1),
    ]


# ------------------------------------------------------------------------------------------- version


def test_version_through_python_m() -> None:
    completed = subprocess.run(
        [sys.executable, "-m", "polyaxon_helper_compat", "--version"],
        capture_output=True,
        text=True,
        check=False,
    )
    assert (completed.returncode, completed.stdout, completed.stderr) == (0, "plx-migrate, version 0.1.0\n", "")

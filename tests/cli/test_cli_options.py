"""``plx-migrate`` options and guards through ``CliRunner`` with the fake stage runner (files migrated in-process)."""
from __future__ import annotations

import io
import os
from pathlib import Path
from typing import Callable

import pytest
from click.testing import Result

from plx_migrate import get_registry
from plx_migrate._api import Change, StageResult
from plx_migrate import _files, _migrate, _outcome, cli

Run = Callable[..., Result]


def summary(scanned: int, changed: int, unchanged: int, skipped: int = 0, failed: int = 0, manual: int = 0, *, would: bool = False) -> str:
    label = "would change" if would else "changed"
    return (
        f"{scanned} files scanned, {changed} {label}, {unchanged} unchanged, {skipped} skipped, "
        f"{failed} failed, {manual} manual sites"
    )


# ----------------------------------------------------------------------------------------- --list-codemods


def test_list_codemods_prints_each_registered_id_and_description(run: Run) -> None:
    registry = get_registry()
    width = max(map(len, registry))
    result = run("--list-codemods")
    assert result.exit_code == 0
    assert result.stderr == ""
    assert result.stdout.splitlines() == [
        f"{codemod_id:<{width}}  {getattr(command, 'DESCRIPTION')}" for codemod_id, command in sorted(registry.items())
    ]
    assert {line.split()[0] for line in result.stdout.splitlines()} >= {"helper-to-compat", "helper-to-experiment"}


def test_list_codemods_needs_no_path_and_ignores_other_options(run: Run) -> None:
    assert run("--list-codemods", "--check").stdout == run("--list-codemods").stdout


# ------------------------------------------------------------------------------ --exit-zero-even-if-changed


def test_exit_zero_even_if_changed_with_check(project: Path, fake: object, run: Run) -> None:
    (project / "a.py").write_bytes(b"old_api()\n")
    result = run("--check", "--exit-zero-even-if-changed", "a.py")
    assert result.exit_code == 0
    assert result.stderr.splitlines() == ["would rewrite a.py", summary(1, 1, 0, would=True)]
    assert (project / "a.py").read_bytes() == b"old_api()\n"


def test_exit_zero_even_if_changed_does_not_hide_manual_sites_or_failures(project: Path, fake: object, run: Run) -> None:
    (project / "a.py").write_bytes(b"old_api()\nmanual_call()\n")
    assert run("--check", "--exit-zero-even-if-changed", "a.py").exit_code == 1
    (project / "b.py").write_bytes(b'print "x"\n')
    assert run("--exit-zero-even-if-changed", ".").exit_code == 2


def test_rewriting_in_place_exits_zero_without_the_flag(project: Path, fake: object, run: Run) -> None:
    (project / "a.py").write_bytes(b"old_api()\n")
    result = run("a.py")
    assert (result.exit_code, (project / "a.py").read_bytes()) == (0, b"new_api()\n")


# ------------------------------------------------------------------------------------------------- --jobs


@pytest.mark.parametrize("value", ["0", "-1", "two"])
def test_jobs_must_be_a_positive_integer(project: Path, fake: object, run: Run, value: str) -> None:
    (project / "a.py").write_bytes(b"old_api()\n")
    result = run("-j", value, "a.py")
    assert result.exit_code == 2
    assert result.stderr.splitlines()[-1].startswith("Error: Invalid value for '-j' / '--jobs': ")
    assert (project / "a.py").read_bytes() == b"old_api()\n"


def test_jobs_defaults_to_the_cpu_count(project: Path, fake: object, run: Run, monkeypatch: pytest.MonkeyPatch) -> None:
    seen: list[int] = []
    real = getattr(cli, "map_in_order")

    def spy(*args: object, jobs: int, **kwargs: object) -> object:
        seen.append(jobs)
        return real(*args, jobs=jobs, **kwargs)

    monkeypatch.setattr(cli, "map_in_order", spy)
    monkeypatch.setattr(os, "cpu_count", lambda: 7)
    (project / "a.py").write_bytes(b"x = 1\n")
    run("a.py")
    run("-j", "3", "a.py")
    monkeypatch.setattr(os, "cpu_count", lambda: None)
    run("a.py")
    assert seen == [7, 3, 1]


# ------------------------------------------------------------------------------------------ progress bar


class Stream(io.StringIO):
    def __init__(self, tty: bool) -> None:
        super().__init__()
        self.tty = tty

    def isatty(self) -> bool:
        return self.tty


@pytest.mark.parametrize(
    ("tty", "verbosity", "expected"),
    [(True, 0, True), (True, 1, True), (True, -1, False), (False, 0, False), (False, 1, False)],
)
def test_progress_bar_only_on_a_terminal_and_not_quiet(tty: bool, verbosity: int, expected: bool) -> None:
    assert cli._wants_progress(Stream(tty), verbosity) is expected


# ------------------------------------------------------------------------------------------ write guards


def test_read_only_file_is_reported_and_left_byte_identical(project: Path, fake: object, run: Run) -> None:
    locked = project / "locked.py"
    locked.write_bytes(b"old_api()\r\n")
    locked.chmod(0o444)
    (project / "z.py").write_bytes(b"old_api()\n")
    result = run(".")
    assert result.exit_code == 2
    assert result.stderr.splitlines() == ["locked.py: read-only file", "rewrote z.py", summary(2, 1, 0, failed=1)]
    assert locked.read_bytes() == b"old_api()\r\n"
    assert (project / "z.py").read_bytes() == b"new_api()\n"
    check = run("--check", ".")  # nothing is written in check mode, so a read-only file is no problem
    assert check.stderr.splitlines()[0] == "would rewrite locked.py"


def test_file_changed_while_being_migrated_is_not_overwritten(
    project: Path, fake: object, run: Run, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = project / "a.py"
    path.write_bytes(b"old_api()\n")
    real = getattr(_migrate, "run_stage")  # the fake

    def edit_meanwhile(source: str, stage: str, *, path: str) -> StageResult:
        Path(path).write_bytes(b"old_api()  # edited by someone else\n")
        result: StageResult = real(source, stage, path=path)
        return result

    monkeypatch.setattr(_migrate, "run_stage", edit_meanwhile)
    result = run("a.py")
    assert result.exit_code == 2
    assert result.stderr.splitlines()[0] == "a.py: not rewritten, the file changed on disk while being migrated"
    assert path.read_bytes() == b"old_api()  # edited by someone else\n"


def test_a_rewrite_that_alters_a_line_no_codemod_rewrote_is_refused(
    project: Path, inline: None, run: Run, monkeypatch: pytest.MonkeyPatch
) -> None:
    def sloppy(source: str, stage: str, *, path: str) -> StageResult:
        code = source.replace("old_api()", "new_api()").replace("except X :", "except X:")
        changes = [Change(2, "old_api()", "new_api()", "fake")]
        return StageResult(code=code, changed=True, changes=changes)

    monkeypatch.setattr(_migrate, "run_stage", sloppy)
    data = b"try:\n    old_api()\nexcept X :\n    pass\n"
    (project / "a.py").write_bytes(data)
    result = run("a.py")
    assert result.exit_code == 2
    assert result.stderr.splitlines()[0] == (
        "a.py:3: not rewritten, libcst would also change this line, which no codemod rewrote "
        "(it cannot reproduce it exactly, e.g. `except X :`; reformat the line and run again)"
    )
    assert (project / "a.py").read_bytes() == data


@pytest.mark.parametrize(
    ("old", "new", "changes", "expected"),
    [
        pytest.param("a\nb\nc\n", "a\nB\nc\n", [(2, "b")], None, id="rewritten line"),
        pytest.param("a\nb\nc\n", "a\nB\nC\n", [(2, "b")], 3, id="another line"),
        pytest.param("a\nb(\n  1)\nc\n", "a\nB(1)\nc\n", [(2, "b(\n  1)")], None, id="multi-line statement"),
        pytest.param("a\nb\nc\n", "new\na\nb\nnew\nc\n", [], None, id="insertions only"),
        pytest.param("a\nb\nc\n", "a\nc\n", [(1, "a")], 2, id="deleted line"),
        pytest.param("a\r\nb\r\n", "a\r\nB\r\n", [(2, "b")], None, id="crlf"),
        pytest.param("a\rb\rc\r", "a\rb\rC\r", [(2, "b")], 3, id="cr newlines count as lines"),
    ],
)
def test_stray_line(old: str, new: str, changes: list[tuple[int, str]], expected: int | None) -> None:
    records = [Change(line, text, "", "fake") for line, text in changes]
    assert _outcome.stray_line(old, new, records) == expected


def test_recursion_error_in_the_codemods_has_its_own_reason(
    project: Path, inline: None, run: Run, monkeypatch: pytest.MonkeyPatch
) -> None:
    def deep(source: str, stage: str, *, path: str) -> StageResult:
        raise RecursionError("maximum recursion depth exceeded")

    monkeypatch.setattr(_migrate, "run_stage", deep)
    (project / "a.py").write_bytes(b"x = 1\n")
    result = run("a.py")
    assert result.exit_code == 2
    assert result.stderr.splitlines()[0] == "a.py: cannot migrate: the code is nested too deeply for libcst"


def test_write_errors_other_than_read_only(
    project: Path, fake: object, run: Run, monkeypatch: pytest.MonkeyPatch
) -> None:
    def full(path: str, data: bytes, *, expected: object = None) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(_outcome, "write_atomic", full)
    (project / "a.py").write_bytes(b"old_api()\n")
    assert run("a.py").stderr.splitlines()[0] == "a.py: cannot write: No space left on device"
    assert _files.read_source(project / "a.py").text == "old_api()\n"

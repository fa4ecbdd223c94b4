"""``plx-migrate`` with the real codemods on a copy of ``tests/fixtures/legacy_project``.

What each fixture file expects is in the fixture's README. These tests check the file handling end to
end (which files are rewritten, encodings, newlines, byte-identical leftovers, exit codes, idempotence);
what the rewritten code looks like is the codemods' own tests' business.
"""
from __future__ import annotations

import re
import shutil
from pathlib import Path
from typing import Callable

import pytest
from click.testing import Result

FIXTURE = Path(__file__).resolve().parents[1] / "fixtures" / "legacy_project"
REWRITTEN = ["Dockerfile", "data.py", "distributed.py", "latin1_crlf.py", "polyaxonfile.yml", "requirements.txt",
             "train.py", "notebooks/explore.ipynb"]  # in walk order; the non-Python ones by plx_migrate.filekinds
UNTOUCHED = ["README.md", "comments.py", "legacy_py2.py", "unrelated.py"]
SUMMARY = re.compile(r"^11 files scanned, (\d+) (changed|would change), (\d+) unchanged, 0 skipped, 1 failed, (\d+) manual sites$")


def tree(root: Path) -> dict[str, bytes]:
    return {path.relative_to(root).as_posix(): path.read_bytes() for path in sorted(root.rglob("*")) if path.is_file()}


@pytest.fixture
def copy(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A fresh copy of the fixture project as ``./legacy_project`` under a temporary working directory."""
    monkeypatch.chdir(tmp_path)
    return Path(shutil.copytree(FIXTURE, tmp_path / "legacy_project", symlinks=True))


def manual_lines(stderr: str) -> list[str]:
    return [line for line in stderr.splitlines() if re.match(r"legacy_project/[\w/.]+:\d+:\d+: (?!cannot )", line)]


def test_fixture_is_what_these_tests_expect() -> None:
    assert sorted(tree(FIXTURE)) == sorted(REWRITTEN + UNTOUCHED)


@pytest.mark.parametrize("stage", ["compat", "experiment"])
def test_migrate_fixture_project(copy: Path, run: Callable[..., Result], stage: str) -> None:
    before = tree(copy)
    result = run("--to", stage, "legacy_project")

    assert result.exit_code == 2, result.stderr
    assert result.stdout == ""
    lines = result.stderr.splitlines()
    assert [line for line in lines if line.startswith("rewrote ")] == [f"rewrote legacy_project/{name}" for name in REWRITTEN]
    errors = [line for line in lines if ": cannot " in line]
    assert len(errors) == 1
    assert re.match(r"legacy_project/legacy_py2\.py:3(:\d+)?: cannot parse: ", errors[0]), errors[0]
    match = SUMMARY.match(lines[-1])
    assert match is not None, lines[-1]
    assert match.groups()[:3] == ("8", "changed", "2")
    assert int(match.group(4)) == len(manual_lines(result.stderr))

    after = tree(copy)
    assert {name for name in after if after[name] != before[name]} == set(REWRITTEN)
    for name in (name for name in REWRITTEN if name.endswith(".py")):
        source = after[name].decode("iso-8859-1" if name == "latin1_crlf.py" else "utf-8")
        compile(source, name, "exec", dont_inherit=True)

    latin = after["latin1_crlf.py"]
    original = before["latin1_crlf.py"]
    assert latin.splitlines(keepends=True)[:2] == original.splitlines(keepends=True)[:2]  # cookie and comment
    assert latin.count(b"\n") == latin.count(b"\r\n")  # every line ending still CRLF
    assert b"\xe9tape" in latin  # still Latin-1, not UTF-8
    latin.decode("iso-8859-1")

    again = run("--to", stage, "legacy_project")
    assert again.exit_code == 2, again.stderr
    assert [line for line in again.stderr.splitlines() if line.startswith("rewrote ")] == []
    match = SUMMARY.match(again.stderr.splitlines()[-1])
    assert match is not None
    assert match.groups()[:3] == ("0", "changed", "10")
    assert tree(copy) == after


def test_diff_and_check_on_fixture_project_write_nothing(copy: Path, run: Callable[..., Result]) -> None:
    before = tree(copy)
    diff = run("--diff", "legacy_project")
    assert diff.exit_code == 2, diff.stderr
    headers = re.findall(r"^\+\+\+ b/(.*)$", diff.stdout, flags=re.MULTILINE)
    assert headers == [f"legacy_project/{name}" + " [cell 3]" * name.endswith(".ipynb") for name in REWRITTEN]
    latin_hunks = diff.stdout_bytes.split(b"+++ b/legacy_project/latin1_crlf.py\n")[1].split(b"--- a/")[0]
    content = [line for line in latin_hunks.splitlines(keepends=True) if not line.startswith(b"@@")]
    assert content and all(line.endswith(b"\r\n") for line in content)  # CRLF lines come out as they are
    check = run("--check", "legacy_project")
    assert check.exit_code == 2, check.stderr  # the unparseable file outranks "would change"
    assert [line for line in check.stderr.splitlines() if line.startswith("would rewrite ")] == [
        f"would rewrite legacy_project/{name}" for name in REWRITTEN
    ]
    assert SUMMARY.match(check.stderr.splitlines()[-1]) is not None
    assert tree(copy) == before

"""``plx-migrate`` on the file-kinds fixture project: every mode, the report, ``-j``; same safety as Python files."""
from __future__ import annotations

import json
import re
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from plx_migrate import cli
from plx_migrate.filekinds import _deps

HERE = Path(__file__).resolve().parents[1] / "fixtures" / "filekinds"
FLOOR = _deps.compat_floor()


def tree(root: Path) -> dict[str, bytes]:
    return {p.relative_to(root).as_posix(): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()}


def run(*args: str) -> Result:
    return CliRunner().invoke(cli.main, list(args), catch_exceptions=False)


@pytest.fixture
def project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.chdir(tmp_path)
    return Path(shutil.copytree(HERE / "project", tmp_path / "project"))


def golden(stage: str) -> dict[str, bytes]:
    root = HERE / "expected" / stage
    return {name: data.decode().replace(">=0.1.0", f">={FLOOR}").encode()
            for name, data in tree(root).items() if name != "manual.txt"}


@pytest.mark.parametrize("jobs", ["1", "2"])
def test_in_place_gives_the_golden_files(project: Path, jobs: str) -> None:
    before = tree(project)
    result = run("--to", "compat", "-j", jobs, "--report", "report.json", "project")
    assert result.exit_code == 1, result.stderr  # manual sites remain (companions, old images, extras)
    after = tree(project)
    expected = golden("compat")
    assert {name for name in after if after[name] != before[name]} == set(expected)
    assert {name: after[name] for name in expected} == expected
    report = json.loads(Path("report.json").read_text())
    files = {entry["path"]: entry for entry in report["files"]}
    assert files["project/ci.yml"]["outcome"] == "unchanged" and "project/README.md" not in files
    notebook = files["project/notebooks/train.ipynb"]
    assert {change["cell"] for change in notebook["changes"]} == {2, 3}
    assert [(site["cell"], site["codemod"]) for site in notebook["manual"]] == [(5, "ipython-cell-magic")]
    manual = sorted(f"{path[len('project/'):]}:{site['line']}:{site['codemod']}"
                    for path, entry in files.items() for site in entry["manual"])
    assert manual == (HERE / "expected" / "compat" / "manual.txt").read_text().split()
    assert "project/docker/Dockerfile.train:1:1: base image Python 3.6 is older than polyaxon-helper-compat's minimum" \
        " 3.9: FROM python:3.6-slim" in result.stderr.splitlines()
    again = run("--to", "compat", "project")
    assert "rewrote" not in again.stderr and tree(project) == after


def test_diff_is_per_cell_for_notebooks_and_writes_nothing(project: Path) -> None:
    before = tree(project)
    result = run("--to", "experiment", "--diff", "project")
    assert result.exit_code == 1, result.stderr
    headers = re.findall(r"^\+\+\+ b/(.*)$", result.stdout, flags=re.MULTILINE)
    assert "project/notebooks/train.ipynb [cell 2]" in headers and "project/notebooks/train.ipynb [cell 4]" in headers
    assert "project/requirements.txt" in headers and not any(h.endswith(".ipynb") for h in headers)
    assert '+    "from polyaxon_helper' not in result.stdout  # a readable diff of code, not of JSON
    assert tree(project) == before


def test_check_exits_1_and_writes_nothing(project: Path) -> None:
    before = tree(project)
    result = run("--to", "compat", "--check", "-q", "project")
    assert result.exit_code == 1
    assert tree(project) == before


def test_invalid_notebook_fails_the_file_not_the_run(project: Path) -> None:
    (project / "notebooks" / "broken.ipynb").write_text('{"cells": [], "polyaxon": ')
    result = run("--to", "compat", "project")
    assert result.exit_code == 2
    assert any(line.startswith("project/notebooks/broken.ipynb:1:") and ": cannot parse: not a JSON document" in line
               for line in result.stderr.splitlines()), result.stderr
    assert "rewrote project/notebooks/train.ipynb" in result.stderr.splitlines()

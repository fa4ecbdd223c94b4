"""Acceptance: the non-Python files of ``tests/fixtures/legacy_project`` migrated at each stage.

Its requirements.txt, Dockerfile and polyaxonfile.yml install ``polyaxon-helper`` (the Dockerfile and the
polyaxonfile on ``python:3.7-slim``, which is reported, not rewritten); its notebook has the helper in one code
cell and an IPython magic in another.
"""
from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from plx_migrate._api import run_stage
from plx_migrate.filekinds import _deps, migrate_text
from tests.filekinds.tools import nbformat

FIXTURE = Path(__file__).resolve().parents[1] / "fixtures" / "legacy_project"
OLD_IMAGE = "base image Python 3.7 is older than polyaxon-helper-compat's minimum 3.9"


def read(name: str) -> str:
    return (FIXTURE / name).read_bytes().decode("utf-8")


def expected(name: str, stage: str) -> str:
    new = _deps.target(stage).requirement
    shell = f'"{new}"' if ">" in new else new
    text = read(name)
    return {
        "requirements.txt": text.replace("polyaxon-helper==0.5.0", new),
        "Dockerfile": text.replace("pip install -U polyaxon-helper", f"pip install -U {shell}"),
        "polyaxonfile.yml": text.replace("- pip install -U polyaxon-helper", f"- pip install -U {shell}"),
    }[name]


@pytest.mark.parametrize("stage", ["compat", "experiment", "polyaxon-v2"])
@pytest.mark.parametrize("name", ["requirements.txt", "Dockerfile", "polyaxonfile.yml"])
def test_dependency_files(name: str, stage: str) -> None:
    result = migrate_text(read(name), stage, path=name)
    assert result is not None and result.error is None and result.changed
    assert result.text == expected(name, stage)
    again = migrate_text(result.text, stage, path=name)
    assert again is not None and not again.changed
    sites = [(site.line, site.reason) for site in result.manual]
    if stage == "polyaxon-v2":
        v0_format = ["polyaxonfile-v0-format"] if name.endswith(".yml") else []
        # the v2 requirement is polyaxon-helper-compat[v2] (Python >= 3.9): a 3.7 image is reported too
        old_image = [] if name == "requirements.txt" else ["old-python-image"]
        assert sorted(site.codemod for site in result.manual) == sorted(
            [*v0_format, *old_image, "compat-still-needed"])
    elif name == "Dockerfile":
        assert sites == [(1, OLD_IMAGE)]
    elif name == "polyaxonfile.yml":
        assert sites == [(11, OLD_IMAGE)]
    else:
        assert sites == []


@pytest.mark.parametrize("stage", ["compat", "experiment", "polyaxon-v2"])
def test_notebook(stage: str) -> None:
    name = "notebooks/explore.ipynb"
    text = read(name)
    result = migrate_text(text, stage, path=name)
    assert result is not None and result.error is None and result.changed
    assert [getattr(site, "cell", None) for site in result.manual] == [3] * len(result.manual)  # v2: get_data_paths
    nbformat.validate(nbformat.reads(result.text, as_version=nbformat.NO_CONVERT))
    old, new = json.loads(text), json.loads(result.text)
    assert new["cells"][1] == old["cells"][1]  # the %matplotlib cell, untouched
    helper_cell = "".join(old["cells"][2]["source"])
    assert "".join(new["cells"][2]["source"]) == run_stage(helper_cell, stage).code
    old["cells"][2].pop("source"), new["cells"][2].pop("source")
    assert new == old  # ids, outputs, execution counts, tags, metadata, nbformat version
    assert [cell.cell for cell in result.cells] == [3]
    source_arrays = re.compile(r'"source": \[\n.*?\n   \]', re.DOTALL)
    assert source_arrays.sub("", result.text) == source_arrays.sub("", text)  # the rest, byte for byte
    again = migrate_text(result.text, stage, path=name)
    assert again is not None and not again.changed and again.text == result.text


def test_files_no_kind_handles_are_not_touched() -> None:
    assert migrate_text(read("README.md"), "compat", path="README.md") is None

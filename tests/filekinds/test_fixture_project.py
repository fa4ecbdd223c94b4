"""Every kind on ``tests/fixtures/filekinds/project`` against the golden files of ``../expected/<stage>/``.

A file with no golden file must come out byte-identical. The experiment-stage notebook is checked by properties
(its code cells are the codemods' output, tested there). ``0.1.0`` in the golden files is the floor written
for the version under test.
"""
from __future__ import annotations

import json
from pathlib import Path

import pytest

from plx_migrate.filekinds import FileResult, _deps, migrate_text
from tests.filekinds.tools import nbformat

HERE = Path(__file__).resolve().parents[1] / "fixtures" / "filekinds"
PROJECT = HERE / "project"
FILES = sorted(p.relative_to(PROJECT).as_posix() for p in PROJECT.rglob("*") if p.is_file())
FLOOR = _deps.compat_floor()


def read(path: Path) -> str:
    return path.read_bytes().decode("utf-8")


def run(name: str, stage: str) -> tuple[str, FileResult | None]:
    text = read(PROJECT / name)
    result = migrate_text(text, stage, path=name)
    return text, result


@pytest.mark.parametrize("stage", ["compat", "experiment", "polyaxon-v2"])
def test_every_file_against_its_golden_file(stage: str) -> None:
    manual = []
    for name in FILES:
        if stage == "polyaxon-v2" and name.endswith(".ipynb"):
            continue  # its code cells are the to-polyaxon-v2 codemod's business: see test_notebook_at_stage_polyaxon_v2
        text = read(PROJECT / name)
        result = migrate_text(text, stage, path=name)
        if result is None:
            assert name == "README.md"
            continue
        assert result.error is None, (name, result.error)
        golden = HERE / "expected" / stage / name
        if golden.exists():
            assert result.changed, name
            assert result.text == read(golden).replace(">=0.1.0", f">={FLOOR}"), name
        elif stage == "experiment" and name.endswith(".ipynb"):
            assert result.changed
        else:
            assert not result.changed and result.text is text, name
        manual += [f"{name}:{site.line}:{site.codemod}" for site in result.manual]
    assert sorted(manual) == read(HERE / "expected" / stage / "manual.txt").split()


def test_unrelated_files_byte_identical_at_every_stage() -> None:
    for stage in ("compat", "experiment", "polyaxon-v2"):
        for name in ("ci.yml", "vendored/requirements.txt"):
            text, result = run(name, stage)
            assert result is not None and result.text is text and not result.manual


def test_experiment_notebook() -> None:
    text = read(PROJECT / "notebooks" / "train.ipynb")
    result = migrate_text(text, "experiment", path="notebooks/train.ipynb")
    assert result is not None and result.changed
    nbformat.validate(nbformat.reads(result.text, as_version=nbformat.NO_CONVERT))
    old, new = json.loads(text), json.loads(result.text)
    sources = ["".join(cell["source"]) for cell in new["cells"]]
    assert sources[1] == f'!pip install -q "polyaxon-helper-compat>={FLOOR}"\n%matplotlib inline'
    assert sources[2].count("Experiment()") == 1 and "polyaxon_helper_compat.tracking" in sources[2]
    assert "experiment.log_metrics(epoch=epoch" in sources[3]
    assert sources[4] == "%%time\nsend_metrics(done=1)"  # a cell magic: reported, left as it is
    assert [c.cell for c in result.cells] == [2, 3, 4]
    for before, after in zip(old["cells"], new["cells"]):
        before.pop("source"), after.pop("source")
        assert before == after
    assert text.count('"outputs"') == result.text.count('"outputs"')


def test_notebook_at_stage_polyaxon_v2() -> None:
    text = read(PROJECT / "notebooks" / "train.ipynb")
    result = migrate_text(text, "polyaxon-v2", path="notebooks/train.ipynb")
    assert result is not None and result.error is None and result.changed
    nbformat.validate(nbformat.reads(result.text, as_version=nbformat.NO_CONVERT))
    sources = ["".join(cell["source"]) for cell in json.loads(result.text)["cells"]]
    assert sources[1] == f'!pip install -q "polyaxon-helper-compat[v2]>={FLOOR}"\n%matplotlib inline'
    assert "from polyaxon import tracking" in sources[2] and sources[4] == "%%time\nsend_metrics(done=1)"

"""The codemods package as a whole: registry, stage API, the legacy_project fixture, ``python -m libcst.tool``."""
from __future__ import annotations

import ast
import os
import subprocess
import sys
from pathlib import Path

import pytest
from libcst.codemod import VisitorBasedCodemodCommand

import codemods
from codemods import STAGES, get_registry, run_stage

REPO = Path(__file__).resolve().parents[2]
PACKAGE = Path(codemods.__file__).resolve().parent
FIXTURES = REPO / "tests" / "fixtures" / "legacy_project"
CODEMOD_FILES = sorted(p for p in PACKAGE.glob("*.py") if not p.name.startswith("_"))


def test_registry_lists_exactly_the_codemod_modules() -> None:
    registry = get_registry()
    assert set(registry) == {p.stem.replace("_", "-") for p in CODEMOD_FILES}
    assert set(registry) == {"helper-to-compat", "helper-to-experiment"}
    for codemod_id, command in registry.items():
        assert command.__module__ == "codemods." + codemod_id.replace("-", "_")
        assert issubclass(command, VisitorBasedCodemodCommand)
    assert get_registry() is not get_registry()  # callers may change their copy


def test_every_stage_names_registered_codemods() -> None:
    registry = get_registry()
    assert STAGES == {"compat": ("helper-to-compat",), "experiment": ("helper-to-experiment",)}
    assert all(codemod_id in registry for ids in STAGES.values() for codemod_id in ids)


@pytest.mark.parametrize("path", CODEMOD_FILES, ids=lambda p: p.stem)
def test_codemod_module_shape(path: Path) -> None:
    """STYLE practice 2: 40-150 lines, a docstring citing polyaxon-helper 0.5.0, one command, no runtime import."""
    source = path.read_text(encoding="utf-8")
    assert 40 <= len(source.splitlines()) <= 150
    tree = ast.parse(source)
    docstring = ast.get_docstring(tree) or ""
    assert "polyaxon-helper 0.5.0" in docstring
    assert "from __future__ import annotations" in source
    imported = {n.module for n in ast.walk(tree) if isinstance(n, ast.ImportFrom)}
    imported |= {a.name for n in ast.walk(tree) if isinstance(n, ast.Import) for a in n.names}
    assert not any(m and m.split(".")[0] in ("polyaxon_helper", "polyaxon_helper_compat") for m in imported)
    command = get_registry()[path.stem.replace("_", "-")]
    description = getattr(command, "DESCRIPTION", "")
    assert description and "\n" not in description


def test_importing_the_contract_does_not_import_libcst() -> None:
    """``plx-migrate --version`` and ``--help`` import ``codemods._api``; libcst is only loaded to migrate."""
    code = "import sys, codemods._api; print('libcst' in sys.modules)"
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    done = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, check=True)
    assert done.stdout.strip() == "False"


def test_unknown_stage_raises_key_error() -> None:
    with pytest.raises(KeyError):
        run_stage("import polyaxon_helper\n", "to-polyaxon-v2")


def test_files_not_mentioning_the_helper_are_not_parsed() -> None:
    source = "print 'a python 2 file without polyaxon'\n"
    result = run_stage(source, "experiment")
    assert result.code is source and result.error is None and not result.changed


def _read_fixture(name: str) -> str:
    data = (FIXTURES / name).read_bytes()
    return data.decode("latin-1" if name == "latin1_crlf.py" else "utf-8")


@pytest.mark.parametrize("stage", sorted(STAGES))
@pytest.mark.parametrize("name", ["train.py", "distributed.py", "data.py", "latin1_crlf.py"])
def test_fixture_project_files_are_migrated(stage: str, name: str) -> None:
    source = _read_fixture(name)
    result = run_stage(source, stage, path=str(FIXTURES / name))
    assert result.error is None and result.changed and result.manual == []
    compile(result.code, name, "exec")
    assert "from polyaxon_helper import" not in result.code and "import polyaxon_helper " not in result.code
    again = run_stage(result.code, stage, path=name)
    assert not again.changed and again.code is result.code
    if name == "latin1_crlf.py":
        assert result.code.count("\n") == result.code.count("\r\n")  # every line still ends with CRLF
        assert result.code.encode("latin-1").startswith(b"# -*- coding: latin-1 -*-\r\n")


def test_fixture_project_experiment_stage_output() -> None:
    code = run_stage(_read_fixture("train.py"), "experiment").code
    header = "from polyaxon_helper_compat.tracking import Experiment, get_outputs_path\nexperiment = Experiment()\n"
    assert header in code
    assert "experiment.log_metrics(epoch=epoch, mse=mse / len(points), slope=slope)" in code
    assert "declarations = Experiment.get_declarations() or {}" in code
    data = run_stage(_read_fixture("data.py"), "experiment").code
    assert "    send_metrics = experiment.log_metrics\n    HAVE_POLYAXON = True\n" in data
    assert "    send_metrics = lambda **kwargs: None  # noqa: E731\n" in data
    assert "    from polyaxon_helper_compat.tracking import get_data_paths\n" in data


@pytest.mark.parametrize("stage", sorted(STAGES))
@pytest.mark.parametrize("name", ["unrelated.py", "comments.py"])
def test_fixture_project_files_left_alone(stage: str, name: str) -> None:
    source = _read_fixture(name)
    result = run_stage(source, stage, path=name)
    assert result.code is source and not result.changed and result.error is None and result.manual == []


@pytest.mark.parametrize("stage", sorted(STAGES))
def test_fixture_project_python2_file_is_an_error(stage: str) -> None:
    source = _read_fixture("legacy_py2.py")
    result = run_stage(source, stage, path="legacy_py2.py")
    assert result.code is source and not result.changed
    assert result.error == "3:1: Missing parentheses in call to 'print'. Did you mean print(...)?"


def _libcst_tool(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PYTHONPATH": str(REPO)}  # the checkout's codemods, whatever is installed
    return subprocess.run(
        [sys.executable, "-m", "libcst.tool", *args], cwd=cwd, env=env, capture_output=True, text=True, check=False
    )


def test_libcst_tool_runs_each_codemod(tmp_path: Path) -> None:
    """``libcst.tool initialize`` writes ``.libcst.codemod.yaml``; listing ``codemods`` in its ``modules`` is enough."""
    assert _libcst_tool("initialize", ".", cwd=tmp_path).returncode == 0
    config = tmp_path / ".libcst.codemod.yaml"
    config.write_text(config.read_text().replace("modules:\n", "modules:\n- 'codemods'\n"))
    target = tmp_path / "train.py"
    target.write_text("import polyaxon_helper as plx\nplx.send_metrics(loss=1)\nsend = getattr(plx, 'x')\n")

    compat = _libcst_tool("codemod", "--no-format", "--jobs=1", "--hide-progress",
                          "helper_to_compat.HelperToCompatCommand", "train.py", cwd=tmp_path)
    assert compat.returncode == 0, compat.stderr
    assert target.read_text() == (
        "import polyaxon_helper_compat as plx\nplx.send_metrics(loss=1)\nsend = getattr(plx, 'x')\n"
    )

    experiment = _libcst_tool("codemod", "--no-format", "--jobs=1", "--hide-progress",
                              "helper_to_experiment.HelperToExperimentCommand", "train.py", cwd=tmp_path)
    assert experiment.returncode == 0, experiment.stderr
    assert target.read_text() == (
        "import polyaxon_helper_compat as plx\nfrom polyaxon_helper_compat.tracking import Experiment\n"
        "experiment = Experiment()\nexperiment.log_metrics(loss=1)\nsend = getattr(plx, 'x')\n"
    )
    assert "3:15: the polyaxon_helper module is used as a value" in experiment.stderr

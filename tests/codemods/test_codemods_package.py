"""The codemods package as a whole: registry, stage API, the legacy_project fixture, ``python -m libcst.tool``."""
from __future__ import annotations

import ast
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from libcst.codemod import VisitorBasedCodemodCommand

from plx_migrate import STAGES, commands, get_registry, run_stage

REPO = Path(__file__).resolve().parents[2]
PACKAGE = Path(commands.__file__).resolve().parent
FIXTURES = REPO / "tests" / "fixtures" / "legacy_project"
CODEMOD_FILES = sorted(p for p in PACKAGE.glob("*.py") if not p.name.startswith("_"))
#: The stages these tests are about (stage polyaxon-v2, codemod to-polyaxon-v2, is tested in tests/v2).
MIGRATION_STAGES = ["compat", "experiment"]


def test_registry_lists_exactly_the_codemod_modules() -> None:
    registry = get_registry()
    assert set(registry) == {p.stem.replace("_", "-") for p in CODEMOD_FILES}
    assert set(registry) == {
        "client-to-compat", "helper-to-compat", "helper-to-experiment", "to-polyaxon-v2", "v0-environment"
    }
    for codemod_id, command in registry.items():
        assert command.__module__ == "plx_migrate.commands." + codemod_id.replace("-", "_")
        assert issubclass(command, VisitorBasedCodemodCommand)
    assert get_registry() is not get_registry()  # callers may change their copy


def test_every_stage_names_registered_codemods() -> None:
    registry = get_registry()
    assert {stage: STAGES[stage] for stage in MIGRATION_STAGES} == {
        "compat": ("helper-to-compat",), "experiment": ("helper-to-experiment",)
    }
    prelude = getattr(registry["helper-to-experiment"], "PRELUDE")
    assert prelude == ("v0-environment", "client-to-compat") and set(prelude) <= set(registry)
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
    """``plx-migrate --version`` and ``--help`` import ``plx_migrate._api``; libcst is only loaded to migrate."""
    code = "import sys, plx_migrate._api; print('libcst' in sys.modules)"
    env = {**os.environ, "PYTHONPATH": str(REPO / "codemods")}
    done = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, check=True)
    assert done.stdout.strip() == "False"


def test_unknown_stage_raises_key_error() -> None:
    with pytest.raises(KeyError):
        run_stage("import polyaxon_helper\n", "to-polyaxon-v3")


def test_files_not_mentioning_the_helper_are_not_parsed() -> None:
    source = "print 'a python 2 file without polyaxon'\n"
    result = run_stage(source, "experiment")
    assert result.code is source and result.error is None and not result.changed


def _read_fixture(name: str) -> str:
    data = (FIXTURES / name).read_bytes()
    return data.decode("latin-1" if name == "latin1_crlf.py" else "utf-8")


@pytest.mark.parametrize("stage", MIGRATION_STAGES)
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


@pytest.mark.parametrize("stage", MIGRATION_STAGES)
@pytest.mark.parametrize("name", ["unrelated.py", "comments.py"])
def test_fixture_project_files_left_alone(stage: str, name: str) -> None:
    source = _read_fixture(name)
    result = run_stage(source, stage, path=name)
    assert result.code is source and not result.changed and result.error is None and result.manual == []


@pytest.mark.parametrize("stage", MIGRATION_STAGES)
def test_fixture_project_python2_file_is_an_error(stage: str) -> None:
    source = _read_fixture("legacy_py2.py")
    result = run_stage(source, stage, path="legacy_py2.py")
    assert result.code is source and not result.changed
    assert result.error == "3:1: Missing parentheses in call to 'print'. Did you mean print(...)?"


def _libcst_tool(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PYTHONPATH": str(REPO / "codemods")}  # the checkout's codemods, whatever is installed
    return subprocess.run(
        [sys.executable, "-m", "libcst.tool", *args], cwd=cwd, env=env, capture_output=True, text=True, check=False
    )


def test_libcst_tool_runs_each_codemod(tmp_path: Path) -> None:
    """``libcst.tool initialize`` writes ``.libcst.codemod.yaml``; listing ``plx_migrate.commands`` in its ``modules`` is
    enough."""
    assert _libcst_tool("initialize", ".", cwd=tmp_path).returncode == 0
    config = tmp_path / ".libcst.codemod.yaml"
    config.write_text(config.read_text().replace("modules:\n", "modules:\n- 'plx_migrate.commands'\n"))
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
    assert "WARNING: 3:15: the polyaxon_helper_compat module is used as a value" in experiment.stderr


def test_repository_libcst_config_runs_the_plain_command(tmp_path: Path) -> None:
    """The shipped ``.libcst.codemod.yaml``: from the repository root, the command as the README would give it (no
    ``--no-format``: the configured "formatter" copies the code byte for byte), on copies of fixture files."""
    shutil.copy(FIXTURES / "train.py", tmp_path / "train.py")
    shutil.copy(FIXTURES / "latin1_crlf.py", tmp_path / "latin1_crlf.py")
    env = {**os.environ, "PATH": os.pathsep.join([str(Path(sys.executable).parent), os.environ.get("PATH", "")])}
    done = subprocess.run(
        [sys.executable, "-m", "libcst.tool", "codemod", "helper_to_experiment.HelperToExperimentCommand",
         str(tmp_path / "train.py"), str(tmp_path / "latin1_crlf.py")],
        cwd=REPO, env=env, capture_output=True, text=True, check=False,
    )
    assert done.returncode == 0, done.stderr
    assert "Transformed 2 files successfully." in done.stderr
    for name in ("train.py", "latin1_crlf.py"):
        expected = run_stage(_read_fixture(name), "experiment").code
        encoding = "latin-1" if name == "latin1_crlf.py" else "utf-8"
        assert (tmp_path / name).read_bytes() == expected.encode(encoding), name

    listing = subprocess.run([sys.executable, "-m", "libcst.tool", "list"], cwd=REPO, env=env, capture_output=True,
                             text=True, check=True)
    for codemod_id, command in get_registry().items():
        line = f"{codemod_id.replace('-', '_')}.{command.__name__} - {getattr(command, 'DESCRIPTION')}"
        assert line in listing.stdout.splitlines()


def _names_defined(tree: ast.Module) -> dict[str, set[str]]:
    """``__all__`` and, per class, the names its body or ``__init__`` (``self.x = ...``) defines, bases included."""
    classes = {node.name: node for node in tree.body if isinstance(node, ast.ClassDef)}
    names: dict[str, set[str]] = {}
    for node in tree.body:
        if isinstance(node, ast.Assign) and any(isinstance(t, ast.Name) and t.id == "__all__" for t in node.targets):
            names["__all__"] = set(ast.literal_eval(node.value))

    def members(cls: ast.ClassDef) -> set[str]:
        found = {n.name for n in cls.body if isinstance(n, (ast.FunctionDef, ast.AsyncFunctionDef))}
        found |= {t.id for n in cls.body if isinstance(n, ast.Assign) for t in n.targets if isinstance(t, ast.Name)}
        found |= {n.attr for n in ast.walk(cls) if isinstance(n, ast.Attribute) and isinstance(n.ctx, ast.Store)
                  and isinstance(n.value, ast.Name) and n.value.id == "self"}
        for base in cls.bases:
            if isinstance(base, ast.Name) and base.id in classes:
                found |= members(classes[base.id])
        return found

    names.update((name, members(cls)) for name, cls in classes.items())
    return names


def test_what_the_codemods_point_at_exists_in_the_compat_package() -> None:
    """Read (never import) the runtime: every name the codemods move to compat, or let be used on its classes, exists
    there; and the tables are complete (when the runtime grows, this fails until the tables follow)."""
    from plx_migrate import _helpers

    runtime = REPO / "polyaxon_helper_compat"
    defined = {name: _names_defined(ast.parse((runtime / f"{name}.py").read_text(encoding="utf-8")))
               for name in ("tracking", "exceptions", "client", "__init__")}
    for target, provided in _helpers.CLIENT_MODULES.values():
        assert provided <= defined[target.rsplit(".", 1)[1]]["__all__"], target
    assert _helpers.CLIENT_MODULES["polyaxon_client.tracking"][1] == defined["tracking"]["__all__"]  # nothing new
    for cls, attributes in _helpers.CLASS_ATTRIBUTES.items():
        public = {name for name in defined["tracking"][cls] if not name.startswith("_")}
        assert attributes == public, (cls, sorted(attributes - public), sorted(public - attributes))
    assert set(_helpers.LEGACY_API) <= defined["__init__"]["__all__"]
    tracking_functions = {name for name, kind in _helpers.LEGACY_API.items() if kind == "function"}
    assert tracking_functions | {"Experiment", "Job"} <= defined["tracking"]["__all__"]
    static = {name for name, kind in _helpers.LEGACY_API.items() if kind == "static"}
    assert static <= defined["tracking"]["Experiment"] and "get_job_info" in defined["tracking"]["Job"]


def test_lines_of_later_codemods_refer_to_the_original_source() -> None:
    """Each codemod of a stage works on the previous one's output; changes and manual sites are mapped back."""
    source = (
        "from polyaxon_client import settings, tracking\n"
        "import os\n"
        "from polyaxon_helper import send_metrics\n"
        "send_metrics(level=tracking.get_log_level(), path=os.environ['POLYAXON_RUN_OUTPUTS_PATH'])\n"
        "send_metrics(step=2, cluster=settings.IN_CLUSTER)\n"
    )
    result = run_stage(source, "experiment")
    assert result.code == (
        "from polyaxon_client import settings\n"
        "from polyaxon_helper_compat import tracking\n"
        "import os\n"
        "from polyaxon_helper_compat.tracking import Experiment\n"
        "experiment = Experiment()\n"
        "experiment.log_metrics(level=tracking.get_log_level(), path=os.environ['POLYAXON_RUN_OUTPUTS_PATH'])\n"
        "experiment.log_metrics(step=2, cluster=settings.IN_CLUSTER)\n"
    )
    assert [(c.line, c.codemod) for c in result.changes] == [
        (1, "client-to-compat"), (3, "helper-to-experiment"), (4, "helper-to-experiment"), (5, "helper-to-experiment")
    ]
    lines = source.splitlines()
    assert all(lines[c.line - 1] == c.old.splitlines()[0] for c in result.changes)
    assert [(m.line, m.codemod) for m in result.manual] == [(4, "v0-environment"), (1, "client-to-compat")]


@pytest.mark.parametrize("stage", MIGRATION_STAGES)
def test_lines_libcst_cannot_print_back_stay_byte_identical(stage: str) -> None:
    """LibCST#1457: libcst prints ``except ValueError :`` without its space; only rewritten statements may change."""
    source = (
        "try:\n    import json\nexcept ImportError :\n    json = None\n"
        "import polyaxon_helper as plx\nplx.send_metrics(a=1)\n"
    )
    result = run_stage(source, stage)
    assert result.changed and "except ImportError :\n" in result.code
    kept = [line for line in source.splitlines() if "plx" not in line]
    assert result.code.splitlines()[:len(kept)] == kept

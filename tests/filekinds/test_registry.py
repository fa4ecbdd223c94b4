"""The file-kind registry: derived from the package, documented, ordered; never imported by the runtime."""
from __future__ import annotations

import importlib
import pkgutil
import subprocess
import sys
from pathlib import Path

import pytest

import plx_migrate.filekinds as filekinds
from plx_migrate.filekinds import get_kinds, handlers, kind_for, patterns

PACKAGE = Path(filekinds.__file__).parent


def test_every_public_module_is_a_kind_named_after_it() -> None:
    modules = sorted(info.name for info in pkgutil.iter_modules([str(PACKAGE)]) if not info.name.startswith("_"))
    assert [kind.id for kind in get_kinds()] == modules
    assert modules == ["dockerfile", "environment_yml", "notebook", "pipfile", "polyaxonfile", "pyproject",
                       "requirements", "setup_cfg", "setup_py", "shell"]


def test_every_kind_is_documented_in_the_package_docstring() -> None:
    doc = filekinds.__doc__ or ""
    for kind in get_kinds():
        assert f"``{kind.id}``" in doc, kind.id


def test_every_module_declares_all() -> None:
    for info in pkgutil.iter_modules([str(PACKAGE)]):
        module = importlib.import_module(f"plx_migrate.filekinds.{info.name}")
        assert isinstance(getattr(module, "__all__", None), list), info.name
        assert all(hasattr(module, name) for name in module.__all__), info.name
    public = sorted(name for name in vars(filekinds) if not name.startswith("_") and name not in (
        "annotations",) and not isinstance(getattr(filekinds, name), type(filekinds)))
    assert sorted(filekinds.__all__) == filekinds.__all__ == public


@pytest.mark.parametrize(
    ("name", "kind"),
    [
        ("notebook.ipynb", "notebook"), ("requirements.txt", "requirements"), ("requirements-dev.txt", "requirements"),
        ("dev-requirements.txt", "requirements"), ("requirements.in", "requirements"),
        ("constraints.txt", "requirements"),
        ("setup.py", "setup_py"), ("setup.cfg", "setup_cfg"), ("pyproject.toml", "pyproject"), ("Pipfile", "pipfile"),
        ("environment.yml", "environment_yml"), ("environment-gpu.yaml", "environment_yml"),
        ("conda.yaml", "environment_yml"),
        ("Dockerfile", "dockerfile"), ("Dockerfile.gpu", "dockerfile"), ("train.Dockerfile", "dockerfile"),
        ("Containerfile", "dockerfile"), ("polyaxonfile.yml", "polyaxonfile"), ("polyaxonfile.yaml", "polyaxonfile"),
        ("install.sh", "shell"), ("path/to/setup.py", "setup_py"),
        ("train.py", None), ("MANIFEST.in", None), ("README.txt", None), ("Pipfile.lock", None), ("base.txt", None),
    ],
)
def test_kind_for(name: str, kind: str | None) -> None:
    found = kind_for(name)
    assert (found.id if found else None) == kind


def test_specific_patterns_come_before_extension_patterns() -> None:
    order = [pattern for pattern, _ in patterns()]
    assert order.index("setup.py") < order.index("*.yml") and order.index("environment*.yml") < order.index("*.yml")
    assert list(handlers()) == order
    assert "*.py" not in order  # Python modules stay the CLI's own handler


def test_the_runtime_never_imports_the_file_kinds() -> None:
    code = (
        "import sys, polyaxon_helper, polyaxon_helper_compat, polyaxon_helper_compat.tracking\n"
        "bad = [m for m in sys.modules if m.startswith(('plx_migrate.filekinds', 'tomlkit', 'yaml',"
        " 'plx_migrate', 'codemods', 'libcst', 'click'))]\n"
        "assert not bad, bad\n"
    )
    subprocess.run([sys.executable, "-c", code], check=True, env={"POLYAXON_NO_OP": "1", "PATH": ""}, timeout=60)

"""The architecture: the import contracts of ``pyproject.toml`` hold, no module takes part in an import cycle, and
importing the runtime stays light (CONTRIBUTING.md, "Where things are")."""
from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import grimp
import pytest

REPO = Path(__file__).resolve().parents[1]
LINT_IMPORTS = str(Path(sys.executable).with_name("lint-imports"))
PACKAGES = ("polyaxon_helper_compat", "polyaxon_helper", "plx_migrate")


def test_import_contracts_are_kept() -> None:
    """``lint-imports`` (import-linter) checks the layers and independences declared in ``pyproject.toml``."""
    done = subprocess.run([LINT_IMPORTS, "--no-cache"], cwd=REPO, capture_output=True, text=True, check=False,
                          timeout=300)
    assert done.returncode == 0, done.stdout + done.stderr
    assert "0 broken" in done.stdout


def _cycles(edges: dict[str, set[str]]) -> list[list[str]]:
    """The strongly connected components of more than one module (Tarjan's algorithm, iterative)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []
    for root in sorted(edges):
        if root in index:
            continue
        work = [(root, iter(sorted(edges[root])))]
        index[root] = low[root] = len(index)
        stack.append(root)
        on_stack.add(root)
        while work:
            node, children = work[-1]
            child = next(children, None)
            if child is not None:
                if child not in index:
                    index[child] = low[child] = len(index)
                    stack.append(child)
                    on_stack.add(child)
                    work.append((child, iter(sorted(edges[child]))))
                elif child in on_stack:
                    low[node] = min(low[node], index[child])
                continue
            work.pop()
            if work:
                low[work[-1][0]] = min(low[work[-1][0]], low[node])
            if low[node] == index[node]:
                component = []
                while True:
                    member = stack.pop()
                    on_stack.discard(member)
                    component.append(member)
                    if member == node:
                        break
                if len(component) > 1:
                    found.append(sorted(component))
    return found


def test_cycle_finder_finds_cycles() -> None:
    edges = {"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}, "e": {"e"}, "f": set()}
    assert _cycles(edges) == [["a", "b", "c"]]


def test_no_import_cycles_anywhere() -> None:
    """Every import counts, those inside functions too: no module of the three packages is part of a cycle."""
    graph = grimp.build_graph(*PACKAGES, cache_dir=None)  # no cache folder written into the repository
    edges = {module: set(graph.find_modules_directly_imported_by(module)) for module in graph.modules}
    assert len(edges) > 60  # the three packages were found
    assert _cycles(edges) == []


IMPORT_CHECK = """\
import json, sys
import polyaxon_helper
heavy = ("click", "libcst", "requests", "plx_migrate", "pathspec", "tomlkit", "yaml", "polyaxon")
print(json.dumps(sorted({name.split(".")[0] for name in sys.modules} & set(heavy))))
"""


@pytest.mark.parametrize(
    "environment",
    [
        pytest.param({}, id="outside any cluster"),
        pytest.param({"POLYAXON_NO_OP": "true"}, id="no-op"),
        pytest.param({"POLYAXON_IN_CLUSTER": "true", "POLYAXON_IS_MANAGED": "true",
                      "POLYAXON_API_HTTP_HOST": "127.0.0.1", "POLYAXON_SECRET_INTERNAL_TOKEN": "t"}, id="v0 cluster"),
    ],
)
def test_import_polyaxon_helper_loads_no_cli_codemod_or_http_library(environment: dict[str, str]) -> None:
    """A training job pays for neither the migration toolkit (click, libcst) nor ``requests`` when it imports the
    helper; ``requests`` comes when something is sent."""
    env = {name: value for name, value in os.environ.items() if not name.startswith("POLYAXON")}
    done = subprocess.run([sys.executable, "-c", IMPORT_CHECK], env={**env, **environment}, capture_output=True,
                          text=True, check=True, timeout=60)
    assert json.loads(done.stdout) == []


def test_the_wheel_installs_exactly_the_three_import_packages(tmp_path: Path) -> None:
    """No top-level ``codemods`` package any more (it would clash with a user's own ``codemods/``): the toolkit folder
    ``codemods/`` is installed as ``plx_migrate``, with its codemods and file kinds."""
    source = tmp_path / "source"
    skipped = (".git", ".venv*", "build", "dist", "*.egg-info", "__pycache__", ".pytest_cache", "demo-out",
               ".polyaxon-compat")
    shutil.copytree(REPO, source, ignore=shutil.ignore_patterns(*skipped))
    done = subprocess.run([sys.executable, "-m", "pip", "wheel", "--no-deps", "--quiet", "--disable-pip-version-check",
                           "--wheel-dir", str(tmp_path / "dist"), str(source)],
                          capture_output=True, text=True, check=False, timeout=600)
    assert done.returncode == 0, done.stderr
    (wheel,) = (tmp_path / "dist").glob("*.whl")
    names = zipfile.ZipFile(wheel).namelist()
    top_level = {name.split("/")[0] for name in names if ".dist-info/" not in name}
    assert top_level == {"plx_migrate", "polyaxon_helper", "polyaxon_helper_compat"}
    for name in ("plx_migrate/py.typed", "plx_migrate/__main__.py", "plx_migrate/commands/helper_to_compat.py",
                 "plx_migrate/filekinds/notebook.py", "polyaxon_helper_compat/backends/http_v0.py"):
        assert name in names, name

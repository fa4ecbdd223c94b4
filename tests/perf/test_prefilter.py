"""The text pre-filter of ``run_stage`` is safe: it never skips a file that uses the old APIs (not a timed test).

``run_stage`` parses a module only when a codemod's ``mentions(source)`` says the text could concern it (the
benchmark ``benchmarks/migrate_bench.py`` measures what that saves). Here a dense corpus from
``benchmarks/make_corpus.py`` (half of the files carry a legacy-Polyaxon snippet, copies of small standard library
modules so the test stays fast) is migrated twice per stage, with the pre-filter and with a full parse of every file
(``_prefilter=False``): the results must be equal for every file.

That a worker process crashing on one file (libcst's native parser overflowing its stack on deeply nested brackets)
does not kill a ``-j 2`` run is tested in ``tests/cli/test_cli_processes.py``
(``test_a_worker_crash_fails_only_its_file``, and the crash cases of
``test_jobs_1_and_2_give_identical_trees_reports_and_output``); it is not repeated here.
"""
from __future__ import annotations

import ast
import importlib.util
import sys
from collections.abc import Iterator
from pathlib import Path
from types import ModuleType
from typing import Any

import libcst
import pytest

from plx_migrate._api import STAGES, StageResult, run_stage
from plx_migrate._files import read_source

REPO = Path(__file__).resolve().parents[2]
#: Small corpora: modules of at most this many bytes are copied (84 of them on CPython 3.11), so the test is fast.
MAX_MODULE_BYTES = 1_000
FILES = 200


def _load_make_corpus() -> ModuleType:
    """Import ``benchmarks/make_corpus.py`` (``benchmarks`` is a folder of scripts, not a package)."""
    spec = importlib.util.spec_from_file_location("make_corpus", REPO / "benchmarks" / "make_corpus.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules.setdefault("make_corpus", module)
    spec.loader.exec_module(module)
    return module


make_corpus = _load_make_corpus()


def python_files(root: Path) -> list[Path]:
    return sorted(root.rglob("*.py"))


def tree_bytes(root: Path) -> dict[str, bytes]:
    return {p.relative_to(root).as_posix(): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()}


@pytest.fixture(scope="module")
def dense(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A dense corpus: FILES Python files, half of them using the old APIs."""
    root = tmp_path_factory.mktemp("dense")
    make_corpus.build_corpus(root, files=FILES, density=0.5, seed=7, max_module_bytes=MAX_MODULE_BYTES)
    return root


@pytest.fixture
def parses(monkeypatch: pytest.MonkeyPatch) -> Iterator[list[int]]:
    """Count the calls of ``libcst.parse_module`` (``run_stage`` and the codemods call it through ``libcst``)."""
    calls = [0]
    real = libcst.parse_module

    def counting(*args: Any, **kwargs: Any) -> libcst.Module:
        calls[0] += 1
        return real(*args, **kwargs)

    monkeypatch.setattr(libcst, "parse_module", counting)
    yield calls


def test_the_corpus_is_deterministic_and_valid_python(tmp_path: Path) -> None:
    stats = [
        make_corpus.build_corpus(tmp_path / name, files=120, density=0.5, seed=3, max_module_bytes=MAX_MODULE_BYTES)
        for name in ("a", "b")
    ]
    assert tree_bytes(tmp_path / "a") == tree_bytes(tmp_path / "b")
    assert stats[0].seeded_python_files == 60 and stats[0].python_files == 120
    assert (stats[0].notebooks, stats[0].requirement_files) == (2, 2)
    assert stats[0].bytes == sum(len(data) for data in tree_bytes(tmp_path / "a").values())
    for path in python_files(tmp_path / "a"):
        ast.parse(read_source(path).text, str(path))  # seeding never breaks a module (cookies, __future__)
    other = make_corpus.build_corpus(tmp_path / "c", files=120, density=0.5, seed=4, max_module_bytes=MAX_MODULE_BYTES)
    assert tree_bytes(tmp_path / "c") != tree_bytes(tmp_path / "a")
    assert other.seeded_python_files == 60


def test_every_template_is_valid_python_and_mentions_polyaxon() -> None:
    assert len(make_corpus.TEMPLATES) >= 10
    for pattern, template in make_corpus.TEMPLATES.items():
        seeded = make_corpus.seed_module(b'"""Host."""\nx = 1\n', template, prepend=True)
        ast.parse(seeded, pattern)
        assert b"polyaxon" in seeded.lower(), pattern


def test_seeding_keeps_what_must_stay_first() -> None:
    host = b"# -*- coding: latin-1 -*-\nfrom __future__ import annotations\nx = '\xe9'\n"
    seeded = make_corpus.seed_module(host, make_corpus.TEMPLATES["I1"], prepend=True)
    assert seeded.startswith(host)
    assert make_corpus.seed_module(b"x = 1", "import polyaxon_helper\n", prepend=False) == (
        b"x = 1\n\n\nimport polyaxon_helper\n"
    )


@pytest.mark.parametrize("stage", sorted(STAGES))
def test_the_prefilter_never_skips_a_file_that_uses_the_old_apis(dense: Path, parses: list[int], stage: str) -> None:
    files = python_files(dense)
    assert len(files) == FILES
    changed_full: set[Path] = set()
    changed_filtered: set[Path] = set()
    skipped = 0
    for path in files:
        source = read_source(path).text
        before = parses[0]
        filtered = run_stage(source, stage, path=str(path))
        parsed = parses[0] > before
        if stage == "experiment":  # what its codemods look for: a legacy module, or a v0 environment variable
            assert parsed is any(word in source for word in ("polyaxon_helper", "polyaxon_client", "POLYAXON_")), path
        before = parses[0]
        full: StageResult = run_stage(source, stage, path=str(path), _prefilter=False)
        assert parses[0] > before, "_prefilter=False must parse every file"
        assert filtered == full, path
        skipped += not parsed
        if full.changed:
            changed_full.add(path)
        if filtered.changed:
            changed_filtered.add(path)
    assert changed_full <= changed_filtered
    assert changed_full == changed_filtered
    assert skipped >= FILES // 3  # the pre-filter did skip the files that never mention polyaxon
    if stage != "polyaxon-v2":  # that stage starts from code already on polyaxon_helper_compat.tracking
        assert len(changed_full) >= FILES // 5


"""Module slicing (``plx_migrate._slice``) never changes a result: a sliced run equals the whole-module run.

``run_stage`` runs the codemods only on the top-level statements their decisions can depend on (what the benchmark
``benchmarks/migrate_bench.py`` measures saves most of the cost on large modules). Every codemod test case is also
checked padded with unrelated functions, sliced and whole (``plx_migrate._testing``); here: a corpus of real modules of
the standard library carrying the legacy-Polyaxon snippets of ``benchmarks/make_corpus.py``, hand-written cases for
each rule that keeps a statement, and the slice mechanics (restoring, line numbers, refusals).
"""
from __future__ import annotations

import textwrap
from pathlib import Path

import pytest

from plx_migrate._api import STAGES, run_stage
from plx_migrate._slice import plan_slice
from plx_migrate._testing import check_same_sliced
from plx_migrate._files import read_source

from tests.perf.test_prefilter import make_corpus, python_files

FILLER = "".join(f"\n\ndef unrelated_{n}(values):\n    return [value * {n} for value in values]\n" for n in range(12))


@pytest.fixture(scope="module")
def seeded(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Every file of a 48-file corpus of modules up to 12 KB carries a legacy-Polyaxon snippet."""
    root = tmp_path_factory.mktemp("seeded")
    make_corpus.build_corpus(root, files=48, density=1.0, seed=11, max_module_bytes=12_000)
    return root


@pytest.mark.parametrize("stage", sorted(STAGES))
def test_a_sliced_run_equals_the_whole_module_run_on_the_corpus(seeded: Path, stage: str) -> None:
    files = python_files(seeded)
    sliced = 0
    for path in files:
        source = read_source(path).text
        sliced += plan_slice(source.lstrip("\ufeff")) is not None
        check_same_sliced(source, stage=stage, path=str(path))
    assert sliced >= len(files) // 2  # the slice is made on most of them: the comparison means something


def test_restore_gives_back_the_very_same_text_and_lines_map_back(seeded: Path) -> None:
    checked = 0
    for path in python_files(seeded):
        source = read_source(path).text.lstrip("\ufeff")
        piece = plan_slice(source)
        if piece is None:
            continue
        checked += 1
        assert piece.restore(piece.text) == source
        original = source.split("\n")
        for number, line in enumerate(piece.text.split("\n"), start=1):
            if "# plx-migrate-slice " not in line:
                assert original[piece.line(number) - 1] == line, (path, number)
    assert checked >= 10


def _slice_of(source: str) -> str:
    piece = plan_slice(textwrap.dedent(source) + FILLER)
    assert piece is not None
    return piece.text


def test_unrelated_code_is_left_out_and_what_matters_is_kept() -> None:
    text = _slice_of("""\
        import os
        import json
        from polyaxon_helper import send_metrics

        exp_dir = os.environ["POLYAXON_RUN_OUTPUTS_PATH"]


        def train():
            send_metrics(loss=1)


        def unused():
            return json.dumps({})


        if __name__ == "__main__":
            train()
        """)
    assert "import os" in text  # binds a name a kept statement reads (os.environ: a qualified name)
    assert "from polyaxon_helper import send_metrics" in text and "def train" in text
    assert "train()" in text.split("def train")[1]  # uses `train`, bound by a kept statement
    assert "def unused" not in text and "import json" not in text and "def unrelated_0" not in text


def test_a_statement_binding_a_name_the_codemods_may_choose_is_kept() -> None:
    text = _slice_of("""\
        from polyaxon_helper import send_metrics

        send_metrics(loss=1)


        def helper(experiment):
            return experiment
        """)
    assert "def helper(experiment)" in text


def test_the_uses_of_an_experiment_instance_are_kept_to_a_fixed_point() -> None:
    text = _slice_of("""\
        from polyaxon_client.tracking import Experiment

        exp = Experiment()
        alias = exp


        def log(value):
            alias.log_metrics(value=value)
        """)
    assert "alias = exp" in text and "def log" in text


def test_with_a_star_import_every_name_bound_nowhere_is_kept() -> None:
    source = textwrap.dedent("""\
        from polyaxon_helper import *


        def train():
            send_metrics(loss=1)


        def other():
            return get_outputs_path_or_something()
        """) + FILLER
    piece = plan_slice(source)
    assert piece is not None and "def other" in piece.text and "def unrelated_0" not in piece.text
    for stage in STAGES:
        check_same_sliced(source, stage=stage)


def test_two_star_imports_only_keep_the_star_imports() -> None:
    source = textwrap.dedent("""\
        from polyaxon_helper import *
        from os.path import *


        def other():
            return join("a", "b")
        """) + FILLER
    piece = plan_slice(source)
    assert piece is not None and "from os.path import *" in piece.text and "def other" not in piece.text
    for stage in STAGES:
        check_same_sliced(source, stage=stage)


@pytest.mark.parametrize("source", [
    "from polyaxon_helper import send_metrics\r\nsend_metrics(loss=1)\r\n" + FILLER.replace("\n", "\r\n"),
    "@decorator\ndef f(): pass\nfrom polyaxon_helper import send_metrics; send_metrics(a=1)\nx = 1;  y = 2\n" + FILLER,
    "from polyaxon_helper import send_metrics\nsend_metrics(loss=1)" + FILLER.rstrip("\n"),  # no final newline
    # indented comments after a block left out (libcst prints them back wrongly after a placeholder at column 0)
    "from polyaxon_helper import send_metrics\nsend_metrics(a=1)\n" + FILLER + "if x:\n    y()\n\n    # a\n    # b\n",
    "from polyaxon_helper import send_metrics\n" + FILLER + "if x:\n    y()\n    # a\n\nsend_metrics(a=1)\n",
])
def test_line_ends_decorators_and_shared_lines(source: str) -> None:
    piece = plan_slice(source)
    assert piece is not None
    assert piece.restore(piece.text) == source
    for stage in STAGES:
        check_same_sliced(source, stage=stage)


@pytest.mark.parametrize("source", [
    "from polyaxon_helper import send_metrics\rsend_metrics(loss=1)\n" + FILLER,  # a lone CR: lines counted apart
    "from polyaxon_helper import send_metrics\nsend_metrics(loss=1\n" + FILLER,  # Python cannot parse it
    "from polyaxon_helper import send_metrics\n... # plx-migrate-slice 0\n" + FILLER,  # a placeholder already
    "from polyaxon_helper import send_metrics\nsend_metrics(loss=1)\n",  # nothing worth leaving out
    FILLER,  # nothing to keep
])
def test_no_slice_is_made_when_it_cannot_be_trusted_or_would_not_help(source: str) -> None:
    assert plan_slice(source) is None


def test_restore_refuses_a_text_whose_placeholders_were_lost_or_repeated() -> None:
    piece = plan_slice("from polyaxon_helper import send_metrics\nsend_metrics(loss=1)\n" + FILLER)
    assert piece is not None and piece.blocks
    placeholder = next(line for line in piece.text.splitlines(keepends=True) if "# plx-migrate-slice" in line)
    assert piece.restore(piece.text.replace(placeholder, "")) is None
    assert piece.restore(piece.text + placeholder) is None


def test_a_syntax_error_is_reported_as_on_the_whole_module() -> None:
    source = "from polyaxon_helper import send_metrics\nprint 'x'\n" + FILLER
    sliced, whole = run_stage(source, "experiment"), run_stage(source, "experiment", _slice=False)
    assert sliced == whole and sliced.error is not None and sliced.error.startswith("2:")


def test_a_slice_keeps_lines_that_libcst_would_not_print_back() -> None:
    source = "from polyaxon_helper import send_metrics\nsend_metrics(a=1)\n" + FILLER + "\n\n  # send_metrics(a=2)\n"
    sliced = run_stage(source, "compat")
    assert sliced.code == source.replace("from polyaxon_helper import", "from polyaxon_helper_compat import")
    check_same_sliced(source, stage="compat")  # the whole-module run drops the blank lines: plx-migrate refuses it


@pytest.mark.parametrize("source", [
    # a name bound by a mapping pattern's **rest: the codemods must see it is not free
    'from polyaxon_helper import send_metrics\nmatch CONFIG:\n    case {"lr": lr, **experiment}:\n        pass\n'
    + FILLER + "\ndef train():\n    send_metrics(loss=lr)\n",
    # strings that libcst reads as type hints through typing names under other spellings
    'from typing import List as lst\nfrom polyaxon_helper import send_metrics\nX = lst["experiment"]\nsend_metrics(a=1)\n'
    + FILLER,
    'from typing import cast as c\nfrom polyaxon_helper import send_metrics\nX = c("experiment", 1)\nsend_metrics(a=1)\n'
    + FILLER,
    # a comprehension's target (and a del) binds nothing in the module: the star import still binds get_params
    "from polyaxon_helper import *\nX = [get_params for get_params in range(3)]\ndel X\n"
    + FILLER + "\ndef p():\n    return get_params()\n",
    # mixed line ends: the slice keeps the first line end, from which libcst takes the newline of added lines
    "import json\nimport sys\r\nfrom polyaxon_helper import send_metrics\r\nsend_metrics(a=1)\r\n" + FILLER,
], ids=["match rest", "typing alias subscript", "typing alias cast", "comprehension target", "mixed line ends"])
def test_cases_found_by_a_new_user_trial(source: str) -> None:
    for stage in STAGES:
        check_same_sliced(source, stage=stage)

"""Codemod ``v0-environment`` (stage ``experiment``): reports reads of Polyaxon v0 environment variables (X1)."""
from __future__ import annotations

import functools

import libcst as cst
import pytest
from libcst.codemod import CodemodContext

from plx_migrate import _testing, run_stage
from plx_migrate.commands.v0_environment import V0EnvironmentCommand

check_noop = functools.partial(_testing.check_noop, stage="experiment")
ID = "v0-environment"
READS = "reads a v0 environment variable directly ({}: Polyaxon v2 does not set it); left unchanged"
SETS = "sets a v0 environment variable directly ({}: Polyaxon v2 does not read it); left unchanged"
NAMES = "names a v0 environment variable ({}: Polyaxon v2 does not set it); check how it is used"


@pytest.mark.parametrize(
    ("source", "expected"),
    [
        pytest.param(
            """\
            import os

            if "POLYAXON_RUN_OUTPUTS_PATH" not in os.environ:
                raise ImportError("not running on Polyaxon")
            OUTPUTS = os.environ["POLYAXON_RUN_OUTPUTS_PATH"]
            """,
            [(3, 3, READS.format("POLYAXON_RUN_OUTPUTS_PATH")), (5, 21, READS.format("POLYAXON_RUN_OUTPUTS_PATH"))],
            id="x1 gate and subscript of os.environ",
        ),
        pytest.param(
            """\
            from os import environ, getenv
            import os as system

            data = getenv("POLYAXON_RUN_DATA_PATHS", "{}")
            params = environ.get('POLYAXON_PARAMS')
            cluster = system.environ.pop("POLYAXON_CLUSTER", None)
            """,
            [(4, 14, READS.format("POLYAXON_RUN_DATA_PATHS")), (5, 21, READS.format("POLYAXON_PARAMS")),
             (6, 29, READS.format("POLYAXON_CLUSTER"))],
            id="x1 resolved by qualified name, not by spelling",
        ),
        pytest.param(
            """\
            import os
            os.environ["POLYAXON_IN_CLUSTER"] = "true"
            os.environ.setdefault("POLYAXON_TASK_INFO", "{}")
            """,
            [(2, 11, SETS.format("POLYAXON_IN_CLUSTER")), (3, 22, SETS.format("POLYAXON_TASK_INFO"))],
            id="x1 writes",
        ),
        pytest.param(
            """\
            ENV_KEY = "POLYAXON_EXPERIMENT_INFO"
            environ = {}
            value = environ["POLYAXON_JOB_INFO"]
            """,
            [(1, 10, NAMES.format("POLYAXON_EXPERIMENT_INFO")), (3, 16, NAMES.format("POLYAXON_JOB_INFO"))],
            id="x1 a constant, and a local dict called environ",
        ),
    ],
)
def test_reports(source: str, expected: list[tuple[int, int, str]]) -> None:
    result = check_noop(source)
    assert [(m.line, m.column, m.reason) for m in result.manual] == expected
    assert {m.codemod for m in result.manual} == {ID}


@pytest.mark.parametrize(
    "source",
    [
        pytest.param('import os\nos.environ["POLYAXON_NO_OP"] = "true"\n', id="variables v2 still reads"),
        pytest.param('import os\nprint(os.environ.get("POLYAXON_IS_MANAGED"))\n', id="managed flag exists in v2"),
        pytest.param('HELP = "set POLYAXON_RUN_OUTPUTS_PATH to override"\n', id="inside a longer string"),
        pytest.param("# os.environ['POLYAXON_RUN_OUTPUTS_PATH']\n", id="i13 only a comment"),
        pytest.param("key = b'POLYAXON_PARAMS'\n", id="bytes are not a variable name"),
    ],
)
def test_not_reported(source: str) -> None:
    result = check_noop(source)
    assert result.manual == []


def test_stage_compat_does_not_report() -> None:
    result = run_stage('import os\nos.environ["POLYAXON_RUN_OUTPUTS_PATH"]\n', "compat")
    assert result.manual == [] and not result.changed


def test_reports_come_before_the_edits_of_the_stage_with_original_lines() -> None:
    source = (
        "from polyaxon_helper import send_metrics\n"
        "import os\n"
        "send_metrics(outputs=len(os.environ['POLYAXON_RUN_OUTPUTS_PATH']))\n"
    )
    result = run_stage(source, "experiment")
    assert result.changed
    assert [(m.line, m.column, m.codemod) for m in result.manual] == [(3, 36, ID)]
    assert result.code.splitlines()[3] == "experiment.log_metrics(outputs=len(os.environ['POLYAXON_RUN_OUTPUTS_PATH']))"


def test_command_alone_warns() -> None:
    context = CodemodContext()
    tree = cst.parse_module('import os\nos.getenv("POLYAXON_DECLARATIONS")\n')
    assert V0EnvironmentCommand(context).transform_module(tree) is tree
    assert context.warnings == ["2:10: " + READS.format("POLYAXON_DECLARATIONS")]

"""``pipfile`` kind: simple package lines of a ``Pipfile``."""
from __future__ import annotations

import functools

from plx_migrate.filekinds import _deps, pipfile
from tests.filekinds import tools

FLOOR = _deps.compat_floor()
check_transformed = functools.partial(tools.check_transformed, pipfile.migrate, stage="compat")
check_noop = functools.partial(tools.check_noop, pipfile.migrate, stage="compat")


def test_simple_lines_d3_and_tables_reported() -> None:
    result = check_transformed(
        """\
        [[source]]
        url = "https://pypi.org/simple"
        name = "pypi"

        [packages]
        numpy = "*"
        polyaxon-helper = "==0.5.0"  # tracking
        polyaxon_client = "*"

        [dev-packages]
        "polyaxon-client" = {version = "==0.6.1", extras = ["gcs"]}

        [requires]
        python_version = "3.7"
        """,
        f"""\
        [[source]]
        url = "https://pypi.org/simple"
        name = "pypi"

        [packages]
        numpy = "*"
        polyaxon-helper-compat = ">={FLOOR}"  # tracking

        [dev-packages]
        "polyaxon-client" = {{version = "==0.6.1", extras = ["gcs"]}}

        [requires]
        python_version = "3.7"
        """,
    )
    assert len(result.manual) == 1 and result.manual[0].line == 11


def test_polyaxon_v2() -> None:
    tools.check_transformed(pipfile.migrate, "[packages]\npolyaxon-helper = '*'\n",
                            '[packages]\npolyaxon-helper-compat = {version = ">=%s", extras = ["v2"]}\n'
                            % _deps.compat_floor(), stage="polyaxon-v2", dedent=False)


def test_noop() -> None:
    check_noop('[packages]\nnumpy = "*"\n# polyaxon-helper = "*"\n')
    check_noop('[scripts]\npolyaxon-helper = "echo not a package"\n')

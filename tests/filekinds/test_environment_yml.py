"""``environment_yml`` kind: the ``pip:`` requirements of a conda environment file."""
from __future__ import annotations

import functools

from plx_migrate.filekinds import _deps, environment_yml
from tests.filekinds import tools

COMPAT = _deps.target("compat").requirement
check_transformed = functools.partial(tools.check_transformed, environment_yml.migrate, stage="experiment")
check_noop = functools.partial(tools.check_noop, environment_yml.migrate, stage="experiment")


def test_pip_section_d3_and_old_python() -> None:
    result = check_transformed(
        """\
        name: mnist  # the env
        channels:
          - conda-forge
        dependencies:
          - python=3.7
          - numpy=1.16
          - pip
          - pip:
            - polyaxon-helper==0.5.0  # tracking
            - "polyaxon-client==0.6.1"
            - -r requirements-extra.txt
        """,
        f"""\
        name: mnist  # the env
        channels:
          - conda-forge
        dependencies:
          - python=3.7
          - numpy=1.16
          - pip
          - pip:
            - {COMPAT}  # tracking
            - -r requirements-extra.txt
        """,
    )
    assert [(s.line, s.codemod) for s in result.manual] == [(5, "old-python-image")]
    assert result.manual[0].reason == "environment Python 3.7 is older than polyaxon-helper-compat's minimum 3.9"


def test_quoted_item_keeps_its_quotes_and_d5_extras_reported() -> None:
    result = check_transformed(
        "dependencies:\n  - python>=3.9\n  - pip:\n    - 'polyaxon_helper'\n    - polyaxon-client[gcs]==0.6.1\n",
        f"dependencies:\n  - python>=3.9\n  - pip:\n    - '{COMPAT}'\n    - polyaxon-client[gcs]==0.6.1\n",
    )
    assert tools.rules(result) == ["v0-extras"]


def test_flow_list_duplicate_reported_instead_of_removed() -> None:
    result = check_transformed(
        "dependencies:\n  - pip: [polyaxon-helper, polyaxon-client]\n",
        f"dependencies:\n  - pip: [{COMPAT}, polyaxon-client]\n",
    )
    assert tools.rules(result) == ["merge-v0-requirement"]


def test_conda_package_mentioning_polyaxon_reported() -> None:
    result = check_noop("dependencies:\n  - conda-forge::polyaxon-helper\n")
    assert tools.rules(result) == ["unparsed-requirement"]


def test_noop() -> None:
    check_noop("name: x\ndependencies:\n  - python=3.7\n  - pip:\n    - numpy\n")
    check_noop("name: x\n# - polyaxon-helper\ndependencies:\n  - pip:\n    - polyaxon-helper-compat\n")


def test_invalid_yaml_is_an_error() -> None:
    result = environment_yml.migrate("dependencies:\n  - pip: [polyaxon-helper\n", "compat")
    assert result.error is not None and result.error.reason.startswith("cannot parse:")

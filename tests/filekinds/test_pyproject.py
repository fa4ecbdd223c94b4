"""``pyproject`` kind: dependency arrays edited with tomlkit, formatting and comments kept."""
from __future__ import annotations

import functools

from plx_migrate.filekinds import _deps, pyproject
from tests.filekinds import tools

COMPAT = _deps.target("compat").requirement
check_transformed = functools.partial(tools.check_transformed, pyproject.migrate, stage="compat")
check_noop = functools.partial(tools.check_noop, pyproject.migrate, stage="compat")


def test_dependencies_optional_dependencies_and_groups() -> None:
    result = check_transformed(
        """\
        [build-system]
        requires = ["setuptools>=61"]  # polyaxon-helper is not a build dependency

        [project]
        name = "trainer"
        dependencies = [
            'polyaxon-helper==0.5.0',  # the helper
            "polyaxon_client==0.6.1",
            "numpy>=1.16",  # keep me
        ]

        [project.optional-dependencies]
        gcs = ["polyaxon-client[gcs]==0.6.1"]
        track = ["polyaxon-helper", "polyaxon-client"]

        [dependency-groups]
        dev = ["pytest", {include-group = "lint"}, "polyaxon-helper>=0.4"]
        lint = ["ruff"]
        """,
        f"""\
        [build-system]
        requires = ["setuptools>=61"]  # polyaxon-helper is not a build dependency

        [project]
        name = "trainer"
        dependencies = [
            '{COMPAT}',  # the helper
            "numpy>=1.16",  # keep me
        ]

        [project.optional-dependencies]
        gcs = ["polyaxon-client[gcs]==0.6.1"]
        track = ["{COMPAT}"]

        [dependency-groups]
        dev = ["pytest", {{include-group = "lint"}}, "{COMPAT}"]
        lint = ["ruff"]
        """,
    )
    assert [(c.line, c.codemod) for c in result.changes] == [
        (7, "replace-v0-requirement"), (8, "merge-v0-requirement"), (14, "replace-v0-requirement"),
        (17, "replace-v0-requirement")]
    assert result.changes[1].new == ""
    assert [(s.line, s.codemod) for s in result.manual] == [(13, "v0-extras")]


def test_poetry_dependencies_reported() -> None:
    result = check_noop(
        """\
        [tool.poetry.dependencies]
        python = "^3.9"
        polyaxon-helper = "^0.5"

        [tool.poetry.group.dev.dependencies]
        "polyaxon_client" = {version = "0.6.1", extras = ["gcs"]}
        """
    )
    assert [(s.line, s.codemod) for s in result.manual] == [(3, "v0-poetry"), (6, "v0-poetry")]


def test_noop() -> None:
    check_noop('[project]\nname = "x"\ndependencies = ["numpy"]\n# "polyaxon-helper==0.4.4"\n')
    check_noop(f'[project]\ndependencies = ["{COMPAT}"]\n')


def test_invalid_toml_is_an_error() -> None:
    result = pyproject.migrate('[project]\ndependencies = ["polyaxon-helper"\n', "compat")
    assert result.error is not None and result.error.reason.startswith("cannot parse:")

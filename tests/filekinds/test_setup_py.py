"""``setup_py`` kind: requirement string literals edited in place (D8), then the stage's codemods."""
from __future__ import annotations

import functools

import pytest

from plx_migrate.filekinds import _deps, setup_py
from tests.filekinds import tools

COMPAT = _deps.target("compat").requirement
check_transformed = functools.partial(tools.check_transformed, setup_py.migrate, stage="compat", path="setup.py")
check_noop = functools.partial(tools.check_noop, setup_py.migrate, stage="compat", path="setup.py")


def test_d8_literal_edited_in_place_quotes_and_trailing_comma_kept() -> None:
    check_transformed(
        """\
        from setuptools import setup

        setup(
            name="trainer",
            install_requires=[
                'numpy>=1.16',
                'polyaxon-client==0.6.1',  # tracking
            ],
        )
        """,
        f"""\
        from setuptools import setup

        setup(
            name="trainer",
            install_requires=[
                'numpy>=1.16',
                '{COMPAT}',  # tracking
            ],
        )
        """,
    )


def test_d3_duplicate_line_removed_and_one_line_lists() -> None:
    check_transformed(
        """\
        from setuptools import setup

        REQUIRED = [
            "polyaxon-helper==0.5.0",
            "polyaxon-client==0.6.1",
            "numpy",
        ]
        setup(name="x", install_requires=REQUIRED, extras_require={"track": ["polyaxon-client", "polyaxon-helper"]},
              tests_require=("pytest", u"polyaxon_helper"))
        """,
        f"""\
        from setuptools import setup

        REQUIRED = [
            "{COMPAT}",
            "numpy",
        ]
        setup(name="x", install_requires=REQUIRED, extras_require={{"track": ["{COMPAT}"]}},
              tests_require=("pytest", u"{COMPAT}"))
        """,
    )


def test_d5_extras_and_escaped_literal_reported() -> None:
    result = check_noop(
        """\
        from setuptools import setup
        setup(install_requires=["polyaxon-client[gcs]==0.6.1", "polyaxon\\x2dhelper"])
        """
    )
    assert tools.rules(result) == ["v0-extras", "unparsed-requirement"]


@pytest.mark.parametrize(
    "source",
    [
        pytest.param("from setuptools import setup\nsetup(install_requires=['numpy'])\n", id="unrelated"),
        pytest.param("from setuptools import setup\n# 'polyaxon-helper==0.4.4'\nsetup(install_requires=[])\n",
                     id="d10 commented out"),
        pytest.param("DESCRIPTION = 'polyaxon-helper==0.5.0 users'\n", id="a string that is not a requirement"),
        pytest.param("from setuptools import setup\nsetup(install_requires=open('requirements.txt').read().split())\n"
                     "# polyaxon", id="computed list"),
    ],
)
def test_noop(source: str) -> None:
    check_noop(source, dedent=False)


def test_codemods_run_too() -> None:
    result = check_transformed(
        "import polyaxon_helper\nfrom setuptools import setup\nsetup(install_requires=['polyaxon-helper'])\n",
        f"import polyaxon_helper_compat\nfrom setuptools import setup\nsetup(install_requires=['{COMPAT}'])\n",
        dedent=False,
    )
    assert [c.codemod for c in result.changes] == ["helper-to-compat", "replace-v0-requirement"]


def test_python2_setup_is_an_error() -> None:
    result = setup_py.migrate("print 'polyaxon'\n", "compat", path="setup.py")
    assert result.error is not None and result.error.reason.startswith("cannot parse:") and result.error.line == 1


def test_polyaxon_v2_stage_without_codemods_yet() -> None:
    tools.check_transformed(setup_py.migrate, "setup(install_requires=['polyaxon-helper==0.5.0'])\n",
                            "setup(install_requires=['polyaxon-helper-compat[v2]>=%s'])\n" % _deps.compat_floor(),
                            stage="polyaxon-v2", dedent=False)

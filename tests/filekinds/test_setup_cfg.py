"""``setup_cfg`` kind: ``install_requires``/``extras_require`` of ``setup.cfg``, line by line."""
from __future__ import annotations

import functools

from plx_migrate.filekinds import _deps, setup_cfg
from tests.filekinds import tools

COMPAT = _deps.target("compat").requirement
check_transformed = functools.partial(tools.check_transformed, setup_cfg.migrate, stage="experiment")
check_noop = functools.partial(tools.check_noop, setup_cfg.migrate, stage="experiment")


def test_dangling_list_d3_d10_and_semicolon_list() -> None:
    result = check_transformed(
        """\
        [metadata]
        name = trainer
        description = uses polyaxon-helper

        [options]
        packages = find:
        install_requires =
            numpy>=1.16
            polyaxon-helper==0.5.0
            # polyaxon-client==0.6.1
            polyaxon-client==0.6.1 ; python_version >= "3"
            polyaxon-schemas==0.5.6
        tests_require = pytest; polyaxon_client

        [options.extras_require]
        gcs = polyaxon-client[gcs]==0.6.1
        track =
            polyaxon-helper
        """,
        f"""\
        [metadata]
        name = trainer
        description = uses polyaxon-helper

        [options]
        packages = find:
        install_requires =
            numpy>=1.16
            {COMPAT}
            # polyaxon-client==0.6.1
            {COMPAT} ; python_version >= "3"
            polyaxon-schemas==0.5.6
        tests_require = pytest; {COMPAT}

        [options.extras_require]
        gcs = polyaxon-client[gcs]==0.6.1
        track =
            {COMPAT}
        """,
    )
    assert tools.rules(result) == ["v0-companion", "v0-extras"]


def test_key_line_duplicate_removed() -> None:
    check_transformed("[options]\ninstall_requires = polyaxon-helper; polyaxon-client\n",
                      f"[options]\ninstall_requires = {COMPAT}\n")


def test_noop() -> None:
    check_noop("[metadata]\nname = polyaxon-helper-user\n[options]\ninstall_requires =\n    numpy\n")
    check_noop("[options]\ninstall_requires = polyaxon-helper-compat>=0.1\n")
